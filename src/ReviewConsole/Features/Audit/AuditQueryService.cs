using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Audit;
using ReviewConsole.Infrastructure.Export;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Audit;

/// <summary>What an auditor filters by. Every field is optional; text fields match exactly except
/// <see cref="Kind"/>, which also matches a prefix ending in a dot (<c>user.</c> = every user event).</summary>
public sealed record AuditFilter(
    string? Actor = null,
    string? User = null,
    string? TargetType = null,
    string? TargetId = null,
    string? Kind = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null)
{
    public IReadOnlyDictionary<string, string?> ToQuery() => new Dictionary<string, string?>
    {
        ["actor"] = Blank(Actor),
        ["user"] = Blank(User),
        ["targetType"] = Blank(TargetType),
        ["targetId"] = Blank(TargetId),
        ["kind"] = Blank(Kind),
        ["from"] = From?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["to"] = To?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

public sealed record AuditEventView(
    long Sequence,
    DateTimeOffset OccurredAt,
    string ActorId,
    string ActorName,
    string Kind,
    string TargetType,
    string TargetId,
    string Summary,
    string? Reason,
    string? BeforeJson,
    string? AfterJson,
    string? RequestId,
    string Hash);

public sealed record AuditSearchResult(IReadOnlyList<AuditEventView> Events, int TotalCount);

public sealed record AuditChainState(long LastVerifiedSequence, long? FirstBrokenSequence, string? BrokenReason, DateTimeOffset? CheckedAt, long HeadSequence)
{
    public bool Broken => FirstBrokenSequence is not null;
}

public enum AuditExportFormat
{
    Csv,
    Json,
}

/// <summary>Reads the audit trail for the auditor view and its exports (exports are audited too).</summary>
public sealed class AuditQueryService(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, Microsoft.Extensions.Options.IOptions<AuditOptions> options, VerifyAuditChainJob verifier)
{
    public async Task<AuditSearchResult> SearchAsync(AuditFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = Apply(db.Set<AuditEvent>().AsNoTracking(), filter);
        var total = await query.CountAsync(cancellationToken);
        var events = await query.OrderByDescending(e => e.Sequence)
            .Skip(Math.Max(0, skip))
            .Take(Math.Clamp(take, 1, 500))
            .Select(Project)
            .ToListAsync(cancellationToken);
        return new AuditSearchResult(events, total);
    }

    public async Task<IReadOnlyList<string>> KindsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<AuditEvent>().AsNoTracking().Select(e => e.Kind).Distinct().OrderBy(k => k).ToListAsync(cancellationToken);
    }

    public async Task<AuditChainState> ChainStateAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var status = await db.Set<AuditChainStatus>().AsNoTracking().SingleAsync(s => s.Id == AuditChainStatus.SingletonId, cancellationToken);
        var head = await db.Set<AuditChainHead>().AsNoTracking().Where(h => h.Id == AuditChainHead.SingletonId).Select(h => h.Sequence).SingleAsync(cancellationToken);
        return new AuditChainState(status.LastVerifiedSequence, status.FirstBrokenSequence, status.BrokenReason, status.CheckedAt, head);
    }

    /// <summary>Re-walks the whole chain now (the auditor's "verify now"), instead of waiting for the
    /// recurring job; a finding replaces the previous one, an intact chain clears it.</summary>
    public async Task<AuditChainState> VerifyNowAsync(CancellationToken cancellationToken)
    {
        await verifier.VerifyAsync(fromStart: true, cancellationToken);
        return await ChainStateAsync(cancellationToken);
    }

    /// <summary>Writes the matching events (oldest first) to <paramref name="output"/>, after
    /// recording the export itself in the trail.</summary>
    public async Task<int> ExportAsync(AuditFilter filter, AuditExportFormat format, StaffUser by, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(output);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = Apply(db.Set<AuditEvent>().AsNoTracking(), filter);
        var count = await query.CountAsync(cancellationToken);
        var max = options.Value.MaxExportRows;
        await audit.AppendAsync(db, by, new AuditEntry(
            AuditKinds.AuditExported,
            "AuditTrail",
            "audit",
            $"Exported {Math.Min(count, max)} audit events as {format.ToString().ToUpperInvariant()}",
            AfterJson: JsonSerializer.Serialize(filter.ToQuery().Where(kv => kv.Value is not null).ToDictionary())), cancellationToken);

        var rows = query.OrderBy(e => e.Sequence).Take(max).Select(Project).AsAsyncEnumerable();
        var written = 0;
        if (format == AuditExportFormat.Json)
        {
            // Row by row with async writes: the server forbids synchronous I/O, and a large export
            // should not be held in memory.
            await output.WriteAsync("["u8.ToArray(), cancellationToken);
            await foreach (var row in rows.WithCancellation(cancellationToken))
            {
                if (written > 0)
                {
                    await output.WriteAsync(","u8.ToArray(), cancellationToken);
                }

                await output.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(row, ExportJson), cancellationToken);
                written++;
            }

            await output.WriteAsync("]"u8.ToArray(), cancellationToken);
            await output.FlushAsync(cancellationToken);
            return written;
        }

        await using var csv = CsvExport.Create(output);
        await csv.WriteRecordAsync(["sequence", "occurred_at", "actor_id", "actor_name", "kind", "target_type", "target_id", "summary", "reason", "before_json", "after_json", "request_id", "hash"], cancellationToken);
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            await csv.WriteRecordAsync(
                [
                    row.Sequence.ToString(CultureInfo.InvariantCulture),
                    row.OccurredAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                    row.ActorId,
                    row.ActorName,
                    row.Kind,
                    row.TargetType,
                    row.TargetId,
                    row.Summary,
                    row.Reason,
                    row.BeforeJson,
                    row.AfterJson,
                    row.RequestId,
                    row.Hash,
                ],
                cancellationToken);
            written++;
        }

        await csv.FlushAsync(cancellationToken);
        return written;
    }

    private static readonly JsonSerializerOptions ExportJson = new(JsonSerializerDefaults.Web);

    private static readonly System.Linq.Expressions.Expression<Func<AuditEvent, AuditEventView>> Project = e => new AuditEventView(
        e.Sequence, e.OccurredAt, e.ActorId, e.ActorName, e.Kind, e.TargetType, e.TargetId, e.Summary, e.Reason, e.BeforeJson, e.AfterJson, e.RequestId, e.Hash);

    private static IQueryable<AuditEvent> Apply(IQueryable<AuditEvent> query, AuditFilter filter)
    {
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            var actor = filter.Actor.Trim();
            query = query.Where(e => e.ActorId == actor || e.ActorName == actor);
        }

        if (!string.IsNullOrWhiteSpace(filter.User))
        {
            // A user's own trail: what they did and what was done to their account.
            var user = filter.User.Trim();
            query = query.Where(e => e.ActorId == user || e.ActorName == user || (e.TargetType == AuditTargets.User && e.TargetId == user));
        }

        if (!string.IsNullOrWhiteSpace(filter.TargetType))
        {
            var targetType = filter.TargetType.Trim();
            query = query.Where(e => e.TargetType == targetType);
        }

        if (!string.IsNullOrWhiteSpace(filter.TargetId))
        {
            var targetId = filter.TargetId.Trim();
            query = query.Where(e => e.TargetId == targetId);
        }

        if (!string.IsNullOrWhiteSpace(filter.Kind))
        {
            var kind = filter.Kind.Trim();
            query = kind.EndsWith('.')
                ? query.Where(e => e.Kind.StartsWith(kind))
                : query.Where(e => e.Kind == kind);
        }

        if (filter.From is { } from)
        {
            query = query.Where(e => e.OccurredAt >= from);
        }

        if (filter.To is { } to)
        {
            query = query.Where(e => e.OccurredAt < to);
        }

        return query;
    }
}
