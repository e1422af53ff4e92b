using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Quality;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Quality;

/// <summary>A Lead's promotion of a decided item to the golden set, with the answer it expects.</summary>
/// <remarks>For a use-case submission the verdict and categories do not apply: the item expects
/// <paramref name="ExpectedDecision"/>, or (null) the decision the submission was given.</remarks>
public sealed record PromoteGoldenRequest(GoldenSourceKind Kind, long SourceId, Verdict ExpectedVerdict, IReadOnlyList<string> ExpectedCategories, string ExpectedClause, string Note, UseCaseDecisionKind? ExpectedDecision = null);

public sealed record GoldenItemSummary(long Id, GoldenSourceKind Kind, long SourceId, Verdict ExpectedVerdict, string ExpectedCategories, string ExpectedClause, string Note, bool IsActive, string PromotedByName, DateTimeOffset PromotedAt, int Answers, int Correct)
{
    public UseCaseDecisionKind? ExpectedDecision { get; init; }
}

/// <summary>A use-case reviewer's answer to a golden submission, as the decision panel sent it.</summary>
public sealed record UseCaseGoldenAnswer(UseCaseDecisionKind Decision, string Clause, string Reason, string Questions, string? ConditionsJson)
{
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this);

    public static UseCaseGoldenAnswer? FromJson(string? json) => string.IsNullOrEmpty(json) ? null : System.Text.Json.JsonSerializer.Deserialize<UseCaseGoldenAnswer>(json);
}

public sealed record GoldenOutcome(bool Succeeded, string Message, long? Id = null);

/// <summary>
/// The golden set: known-answer items Leads promote from decided flags (adjudicated ones above all)
/// and decided use-case submissions. A configured share of Next claims serves a flag item on the
/// ordinary triage page; the answer is scored against the expected one and nothing else happens —
/// no decision, no label, no enforcement, nothing in statistics.
/// </summary>
public sealed class GoldenSetService(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, TimeProvider clock, QualitySampler sampler, IOptions<QualityOptions> options)
{
    public async Task<GoldenOutcome> PromoteAsync(StaffUser lead, PromoteGoldenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lead);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind == GoldenSourceKind.Flag && request.ExpectedVerdict == Verdict.Escalate)
        {
            return new GoldenOutcome(false, "A golden item expects a violation or no violation, not an escalation.");
        }

        if (request.Kind == GoldenSourceKind.Flag && request.ExpectedVerdict == Verdict.Violation && request.ExpectedCategories.Count == 0)
        {
            return new GoldenOutcome(false, "A violation needs its expected categories.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync(ct => AddAsync(db, lead, request, ct), outcome => outcome.Succeeded, cancellationToken);
    }

    /// <summary>Adds the item inside the caller's transaction (promotion, or a Lead's adjudication).</summary>
    public async Task<GoldenOutcome> AddAsync(AppDbContext db, StaffUser lead, PromoteGoldenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(lead);
        ArgumentNullException.ThrowIfNull(request);
        var ct = cancellationToken;
        var decided = request.Kind switch
        {
            GoldenSourceKind.Flag => await db.Set<Flag>().AnyAsync(f => f.Id == request.SourceId && f.Status == FlagStatus.Decided, ct),
            _ => await db.Set<UseCaseSubmission>().AnyAsync(s => s.Id == request.SourceId && s.DecidedAt != null, ct),
        };
        if (!decided)
        {
            return new GoldenOutcome(false, $"Only a decided {(request.Kind == GoldenSourceKind.Flag ? "flag" : "use-case submission")} can join the golden set.");
        }

        if (await db.Set<GoldenItem>().AnyAsync(g => g.Kind == request.Kind && g.SourceId == request.SourceId, ct))
        {
            return new GoldenOutcome(false, "This item is in the golden set already.");
        }

        var item = new GoldenItem
        {
            Kind = request.Kind,
            SourceId = request.SourceId,
            ExpectedVerdict = request.ExpectedVerdict,
            ExpectedCategories = request.ExpectedVerdict == Verdict.Violation ? ReviewAnswer.Join(request.ExpectedCategories) : "",
            ExpectedClause = request.ExpectedClause.Trim(),
            Note = request.Note.Trim(),
            PromotedBy = lead.Id,
            PromotedByName = lead.Name,
            PromotedAt = clock.GetUtcNow(),
        };
        if (request.Kind == GoldenSourceKind.UseCase)
        {
            // The item replays the submission as it stood before its latest decision, and expects that
            // decision unless the Lead names another (an adjudication that overrules it).
            var source = await db.Set<UseCaseDecision>().AsNoTracking().Where(d => d.SubmissionId == request.SourceId)
                .OrderByDescending(d => d.Id).FirstAsync(ct);
            var expected = request.ExpectedDecision ?? source.Kind;
            item.SourceDecisionId = source.Id;
            item.ExpectedDecision = expected;
            item.ExpectedVerdict = VerdictOf(expected);
            item.ExpectedCategories = "";
            item.ExpectedClause = string.IsNullOrWhiteSpace(request.ExpectedClause) ? source.GuidelineClause : request.ExpectedClause.Trim();
        }

        db.Add(item);
        await db.SaveChangesAsync(ct);
        var expects = item.ExpectedDecision is { } decision ? decision.ToString() : $"{request.ExpectedVerdict} {item.ExpectedCategories}".TrimEnd();
        await audit.AppendAsync(db, lead, new AuditEntry("golden.promoted", nameof(GoldenItem), Id(item.Id), $"Promoted {request.Kind} {request.SourceId} to the golden set expecting {expects}", request.Note), ct);
        return new GoldenOutcome(true, $"Added to the golden set (item {item.Id}).", item.Id);
    }

    public async Task<IReadOnlyList<GoldenItemSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var answers = await db.Set<GoldenAnswer>().AsNoTracking().Where(a => a.AnsweredAt != null)
            .GroupBy(a => a.GoldenItemId)
            .Select(g => new { g.Key, Answers = g.Count(), Correct = g.Count(a => a.Correct == true) })
            .ToDictionaryAsync(g => g.Key, cancellationToken);
        var items = await db.Set<GoldenItem>().AsNoTracking().OrderByDescending(g => g.PromotedAt).ToListAsync(cancellationToken);
        return items.Select(g => new GoldenItemSummary(
            g.Id, g.Kind, g.SourceId, g.ExpectedVerdict, g.ExpectedCategories, g.ExpectedClause, g.Note, g.IsActive, g.PromotedByName, g.PromotedAt,
            answers.TryGetValue(g.Id, out var a) ? a.Answers : 0,
            answers.TryGetValue(g.Id, out var c) ? c.Correct : 0)
        {
            ExpectedDecision = g.ExpectedDecision,
        }).ToList();
    }

    /// <summary>The unanswered golden attempt <paramref name="userId"/> has open on the flag, if any.</summary>
    public static Task<GoldenAnswer?> OpenAttemptAsync(AppDbContext db, string userId, long flagId, CancellationToken cancellationToken) =>
        db.Set<GoldenAnswer>()
            .Where(a => a.ReviewerId == userId && a.AnsweredAt == null)
            .Where(a => db.Set<GoldenItem>().Any(g => g.Id == a.GoldenItemId && g.Kind == GoldenSourceKind.Flag && g.SourceId == flagId))
            .SingleOrDefaultAsync(cancellationToken);

    /// <summary>With probability <see cref="QualityOptions.GoldenShare"/>, reserves a golden flag item
    /// <paramref name="user"/> has not answered and did not decide, and returns its flag id.</summary>
    public async Task<long?> ClaimAsync(AppDbContext db, StaffUser user, IReadOnlyCollection<string> capped, IReadOnlyCollection<long> skipped, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(user);
        var now = clock.GetUtcNow();
        var open = await db.Set<GoldenAnswer>().AsNoTracking()
            .Where(a => a.ReviewerId == user.Id && a.AnsweredAt == null && a.ExpiresAt > now)
            .Join(db.Set<GoldenItem>().Where(g => g.Kind == GoldenSourceKind.Flag), a => a.GoldenItemId, g => g.Id, (a, g) => (long?)g.SourceId)
            .FirstOrDefaultAsync(cancellationToken);
        if (open is { } openFlag && !skipped.Contains(openFlag))
        {
            return open;
        }

        if (sampler.NextClaimDraw() >= options.Value.GoldenShare)
        {
            return null;
        }

        var decidedByMe = db.Set<FlagDecision>().Where(d => d.DecidedBy == user.Id).Select(d => d.FlagId);
        var firstReviewedByMe = db.Set<DoubleReview>().Where(r => r.FirstReviewerId == user.Id || r.SecondReviewerId == user.Id).Select(r => r.FlagId);
        var candidates = await db.Set<GoldenItem>().AsNoTracking()
            .Where(g => g.IsActive && g.Kind == GoldenSourceKind.Flag)
            .Where(g => !db.Set<GoldenAnswer>().Any(a => a.GoldenItemId == g.Id && a.ReviewerId == user.Id && (a.AnsweredAt != null || a.ExpiresAt > now)))
            .Where(g => !decidedByMe.Contains(g.SourceId) && !firstReviewedByMe.Contains(g.SourceId))
            .Join(db.Set<Flag>().Where(f => !f.Redacted), g => g.SourceId, f => f.Id, (g, f) => new { GoldenId = g.Id, FlagId = f.Id, f.TopCategory })
            .ToListAsync(cancellationToken);
        candidates.RemoveAll(c => capped.Contains(c.TopCategory) || skipped.Contains(c.FlagId));
        if (candidates.Count == 0)
        {
            return null;
        }

        var pick = candidates[(int)(sampler.NextClaimDraw() * candidates.Count) % candidates.Count];
        var until = now + TimeSpan.FromMinutes(options.Value.GoldenLeaseMinutes);
        var reopened = await db.Set<GoldenAnswer>()
            .Where(a => a.GoldenItemId == pick.GoldenId && a.ReviewerId == user.Id && a.AnsweredAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.AssignedAt, now).SetProperty(a => a.ExpiresAt, until), cancellationToken);
        if (reopened == 0)
        {
            db.Add(new GoldenAnswer { GoldenItemId = pick.GoldenId, ReviewerId = user.Id, ReviewerName = user.Name, AssignedAt = now, ExpiresAt = until });
            await db.SaveChangesAsync(cancellationToken);
        }

        return pick.FlagId;
    }

    /// <summary>Scores an answer to an open attempt (inside the caller's transaction). Nothing else is
    /// written; <paramref name="shown"/> keeps the rest of the answer so the reviewer's pages show it
    /// back as their decision.</summary>
    public async Task<bool> ScoreAsync(AppDbContext db, GoldenAnswer attempt, ReviewAnswer answer, StaffUser user, CancellationToken cancellationToken, FlagGoldenAnswer? shown = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(answer);
        var item = await db.Set<GoldenItem>().AsNoTracking().SingleAsync(g => g.Id == attempt.GoldenItemId, cancellationToken);
        var verdictCorrect = answer.Verdict == item.ExpectedVerdict;
        var categoriesCorrect = ReviewAnswer.Split(item.ExpectedCategories).SetEquals(answer.Categories);
        attempt.AnsweredAt = clock.GetUtcNow();
        attempt.Verdict = answer.Verdict;
        attempt.Categories = ReviewAnswer.Join(answer.Categories);
        attempt.Clause = answer.Clause.Trim();
        attempt.AnswerJson = shown?.ToJson();
        attempt.VerdictCorrect = verdictCorrect;
        attempt.CategoriesCorrect = categoriesCorrect;
        attempt.Correct = verdictCorrect && categoriesCorrect;
        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(db, user, new AuditEntry("golden.answered", nameof(GoldenItem), Id(item.Id), $"Answered golden item {item.Id}: {(attempt.Correct == true ? "correct" : "incorrect")}"), cancellationToken);
        return attempt.Correct == true;
    }

    /// <summary>The latest golden attempt <paramref name="userId"/> has on the use-case submission
    /// (open, expired or answered), with its item; null when the submission was never served to them as golden.</summary>
    public static async Task<(GoldenAnswer Attempt, GoldenItem Item)?> UseCaseAttemptAsync(AppDbContext db, string userId, long submissionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var row = await db.Set<GoldenAnswer>()
            .Where(a => a.ReviewerId == userId)
            .Join(db.Set<GoldenItem>().Where(g => g.Kind == GoldenSourceKind.UseCase && g.SourceId == submissionId), a => a.GoldenItemId, g => g.Id, (a, g) => new { a, g })
            .OrderByDescending(x => x.a.AssignedAt)
            .FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : (row.a, row.g);
    }

    /// <summary>The use-case twin of <see cref="ClaimAsync"/>: with probability
    /// <see cref="QualityOptions.UseCaseGoldenShare"/>, reserves a golden submission for
    /// <paramref name="user"/> (one they have not answered and did not decide) for
    /// <paramref name="lease"/>, and returns its id. An open reservation is returned again.</summary>
    public async Task<long?> ClaimUseCaseAsync(AppDbContext db, StaffUser user, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(user);
        var now = clock.GetUtcNow();
        var open = await db.Set<GoldenAnswer>().AsNoTracking()
            .Where(a => a.ReviewerId == user.Id && a.AnsweredAt == null && a.ExpiresAt > now)
            .Join(db.Set<GoldenItem>().Where(g => g.Kind == GoldenSourceKind.UseCase), a => a.GoldenItemId, g => g.Id, (a, g) => (long?)g.SourceId)
            .FirstOrDefaultAsync(cancellationToken);
        if (open is not null)
        {
            return open;
        }

        if (sampler.NextClaimDraw() >= options.Value.UseCaseGoldenShare)
        {
            return null;
        }

        var decidedByMe = db.Set<UseCaseDecision>().Where(d => d.DecidedBy == user.Id).Select(d => d.SubmissionId);
        var candidates = await db.Set<GoldenItem>().AsNoTracking()
            .Where(g => g.IsActive && g.Kind == GoldenSourceKind.UseCase && g.SourceDecisionId != null)
            .Where(g => !db.Set<GoldenAnswer>().Any(a => a.GoldenItemId == g.Id && a.ReviewerId == user.Id && (a.AnsweredAt != null || a.ExpiresAt > now)))
            .Where(g => !decidedByMe.Contains(g.SourceId))
            // A submission back in the live queue is live work, not a known answer, until decided again.
            .Where(g => db.Set<UseCaseSubmission>().Any(s => s.Id == g.SourceId && s.State != SubmissionState.Submitted && s.State != SubmissionState.ReReview))
            .OrderBy(g => g.Id)
            .Select(g => new { g.Id, g.SourceId })
            .ToListAsync(cancellationToken);
        if (candidates.Count == 0)
        {
            return null;
        }

        var pick = candidates[(int)(sampler.NextClaimDraw() * candidates.Count) % candidates.Count];
        var until = now + lease;
        var reopened = await db.Set<GoldenAnswer>()
            .Where(a => a.GoldenItemId == pick.Id && a.ReviewerId == user.Id && a.AnsweredAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.AssignedAt, now).SetProperty(a => a.ExpiresAt, until), cancellationToken);
        if (reopened == 0)
        {
            db.Add(new GoldenAnswer { GoldenItemId = pick.Id, ReviewerId = user.Id, ReviewerName = user.Name, AssignedAt = now, ExpiresAt = until });
            await db.SaveChangesAsync(cancellationToken);
        }

        return pick.SourceId;
    }

    /// <summary>Moves the expiry of <paramref name="userId"/>'s open golden attempt on the submission
    /// (renew: later; release: now). False when there is none.</summary>
    public async Task<bool> SetUseCaseExpiryAsync(string userId, long submissionId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var rows = await db.Set<GoldenAnswer>()
            .Where(a => a.ReviewerId == userId && a.AnsweredAt == null && a.ExpiresAt > now)
            .Where(a => db.Set<GoldenItem>().Any(g => g.Id == a.GoldenItemId && g.Kind == GoldenSourceKind.UseCase && g.SourceId == submissionId))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.ExpiresAt, until), cancellationToken);
        return rows > 0;
    }

    /// <summary>Scores a use-case answer to an open attempt (inside the caller's transaction): correct
    /// when it is the expected decision; the verdict counts as right when it is of the same family
    /// (an approval, a request for changes, a rejection). Nothing else is written.</summary>
    public async Task<bool> ScoreUseCaseAsync(AppDbContext db, GoldenAnswer attempt, UseCaseGoldenAnswer answer, StaffUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(answer);
        var item = await db.Set<GoldenItem>().AsNoTracking().SingleAsync(g => g.Id == attempt.GoldenItemId, cancellationToken);
        var expected = item.ExpectedDecision ?? throw new InvalidOperationException($"Golden item {item.Id} has no expected decision.");
        attempt.AnsweredAt = clock.GetUtcNow();
        attempt.Decision = answer.Decision;
        attempt.Verdict = VerdictOf(answer.Decision);
        attempt.Clause = answer.Clause.Trim();
        attempt.AnswerJson = answer.ToJson();
        attempt.VerdictCorrect = Family(answer.Decision) == Family(expected);
        attempt.CategoriesCorrect = null;
        attempt.Correct = answer.Decision == expected;
        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(db, user, new AuditEntry("golden.answered", nameof(GoldenItem), Id(item.Id), $"Answered golden item {item.Id}: {(attempt.Correct == true ? "correct" : "incorrect")}"), cancellationToken);
        return attempt.Correct == true;
    }

    private static int Family(UseCaseDecisionKind decision) => decision switch
    {
        UseCaseDecisionKind.Approve or UseCaseDecisionKind.ApproveWithConditions => 0,
        UseCaseDecisionKind.RequestChanges => 1,
        _ => 2,
    };

    /// <summary>The verdict a use-case decision stands for in the golden list: a rejection is a violation
    /// of the guidelines, anything else is not.</summary>
    public static Verdict VerdictOf(UseCaseDecisionKind decision) => decision == UseCaseDecisionKind.Reject ? Verdict.Violation : Verdict.NoViolation;

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
