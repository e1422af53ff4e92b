using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Quality;

namespace ReviewConsole.Features.Quality;

/// <summary>What a flag answer to a golden item keeps beyond the scored fields, so the reviewer's own
/// decision can be shown back exactly as a live decision is (categories in the order given, action,
/// reason, the policy versions in force when they answered).</summary>
public sealed record FlagGoldenAnswer(string ConfirmedCategories, DecisionAction Action, string Reason, string PolicyVersions)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    public static FlagGoldenAnswer? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<FlagGoldenAnswer>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// A flag as the reviewer it was served to as a golden item must see it, wherever they look (triage
/// page, queue, filters): new when served, held by them while the reservation runs, back in the queue
/// unheld when it lapsed, and after their answer in the state their decision would have left it, with
/// their decision as its history. The real flag (decided long ago by someone else) never shows through,
/// or a reviewer could tell known-answer items from live work.
/// </summary>
public sealed record GoldenFlagView(
    long FlagId,
    DateTimeOffset AssignedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? AnsweredAt,
    Verdict? Verdict,
    string Categories,
    string Clause,
    FlagGoldenAnswer? Answer)
{
    public bool Answered => AnsweredAt is not null;

    public bool HeldAt(DateTimeOffset now) => AnsweredAt is null && ExpiresAt > now;

    /// <summary>The status a live decision of this answer would have left: escalated, or decided.</summary>
    public FlagStatus Status => AnsweredAt is null ? FlagStatus.New : Verdict == Data.Flags.Verdict.Escalate ? FlagStatus.Escalated : FlagStatus.Decided;

    /// <summary>The review window as it was when the flag was live, counted from when it was served.</summary>
    public DateTimeOffset SlaDueAt(DateTimeOffset createdAt, DateTimeOffset liveSlaDueAt) => AssignedAt + (liveSlaDueAt - createdAt);

    /// <summary>The viewer's golden attempts on flags (one per item and reviewer), by flag id;
    /// <paramref name="flagIds"/> narrows the read to those flags.</summary>
    public static async Task<IReadOnlyDictionary<long, GoldenFlagView>> ForViewerAsync(AppDbContext db, string viewerId, IReadOnlyCollection<long>? flagIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var items = db.Set<GoldenItem>().Where(g => g.Kind == GoldenSourceKind.Flag);
        if (flagIds is not null)
        {
            if (flagIds.Count == 0)
            {
                return new Dictionary<long, GoldenFlagView>();
            }

            items = items.Where(g => flagIds.Contains(g.SourceId));
        }

        var rows = await db.Set<GoldenAnswer>().AsNoTracking()
            .Where(a => a.ReviewerId == viewerId)
            .Join(items, a => a.GoldenItemId, g => g.Id, (a, g) => new { g.SourceId, a.AssignedAt, a.ExpiresAt, a.AnsweredAt, a.Verdict, a.Categories, a.Clause, a.AnswerJson })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(
            r => r.SourceId,
            r => new GoldenFlagView(r.SourceId, r.AssignedAt, r.ExpiresAt, r.AnsweredAt, r.Verdict, r.Categories, r.Clause, FlagGoldenAnswer.FromJson(r.AnswerJson)));
    }

    /// <summary>The viewer's own answer, shown as the flag's one decision.</summary>
    public Flags.Triage.DecisionView? AsDecision(string viewerName)
    {
        if (AnsweredAt is not { } answeredAt || Verdict is not { } verdict)
        {
            return null;
        }

        return new Flags.Triage.DecisionView(
            0,
            FlagId,
            verdict,
            Answer?.ConfirmedCategories ?? Categories,
            Answer?.Action ?? DecisionAction.None,
            Clause,
            Answer?.Reason ?? "",
            viewerName,
            answeredAt,
            Answer?.PolicyVersions ?? "");
    }
}
