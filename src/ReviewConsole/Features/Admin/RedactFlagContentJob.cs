using System.Globalization;
using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.BackgroundJobs;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Admin;

public sealed record RedactionRun(int Batches, int FlagsRedacted, int RejectedRecordsRedacted = 0);

/// <summary>
/// Personal data retention: once a decided flag is older than Retention:FlagContentDays, its prompt
/// and completion are emptied and <see cref="Flag.Redacted"/> set; decisions, labels, scores and the
/// content hash stay. Works in batches, each one atomic with its audit event (counts and id range);
/// the conditional update (<c>WHERE NOT Redacted</c>) makes a second node or a rerun harmless.
/// Undecided flags keep their content: a reviewer still needs it. Rejected intake records
/// (<see cref="IngestionError"/>) hold the same kind of text in their raw payload; past the same
/// period the payload is emptied and the reason kept.
/// </summary>
public sealed class RedactFlagContentJob(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, TimeProvider clock, IOptions<RetentionOptions> options)
{
    public const string Name = "redact-flag-content";

    public Task RunAsync(CancellationToken cancellationToken) => RedactAsync(cancellationToken);

    public async Task<RedactionRun> RedactAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.FlagContentDays == 0)
        {
            return new RedactionRun(0, 0);
        }

        var cutoff = clock.GetUtcNow().AddDays(-settings.FlagContentDays);
        var reason = $"Retention:FlagContentDays = {settings.FlagContentDays.ToString(CultureInfo.InvariantCulture)}";
        var flags = await RedactInBatchesAsync(
            settings.BatchSize,
            db => db.Set<Flag>().AsNoTracking()
                .Where(f => !f.Redacted && f.Status == FlagStatus.Decided && f.IngestedAt < cutoff)
                .OrderBy(f => f.Id)
                .Select(f => f.Id),
            (db, ids, ct) => db.Set<Flag>()
                .Where(f => ids.Contains(f.Id) && !f.Redacted)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(f => f.Prompt, "")
                    .SetProperty(f => f.Completion, "")
                    .SetProperty(f => f.Redacted, true), ct),
            (redacted, range) => new AuditEntry(
                AuditKinds.FlagContentRedacted,
                "Flag",
                range,
                string.Create(CultureInfo.InvariantCulture, $"Redacted prompt and completion of {redacted} decided flag(s) ingested before {cutoff:yyyy-MM-dd} (ids {range})"),
                reason),
            cutoff,
            cancellationToken);
        var rejected = await RedactInBatchesAsync(
            settings.BatchSize,
            db => db.Set<IngestionError>().AsNoTracking()
                .Where(e => e.ReceivedAt < cutoff && e.RawPayload != "")
                .OrderBy(e => e.Id)
                .Select(e => e.Id),
            (db, ids, ct) => db.Set<IngestionError>()
                .Where(e => ids.Contains(e.Id) && e.RawPayload != "")
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.RawPayload, ""), ct),
            (redacted, range) => new AuditEntry(
                AuditKinds.RejectedRecordsRedacted,
                "IngestionError",
                range,
                string.Create(CultureInfo.InvariantCulture, $"Redacted the raw payload of {redacted} rejected intake record(s) received before {cutoff:yyyy-MM-dd} (ids {range})"),
                reason),
            cutoff,
            cancellationToken);
        return new RedactionRun(flags.Batches + rejected.Batches, flags.Redacted, rejected.Redacted);
    }

    /// <summary>
    /// The one batch loop for every kind of retained text: pick the next ids in order, empty them with
    /// a conditional update (a rerun or a second node finds nothing left), and audit the batch (count
    /// and id range) in the same transaction. Stops after a short batch.
    /// </summary>
    private async Task<(int Batches, int Redacted)> RedactInBatchesAsync(
        int batchSize,
        Func<AppDbContext, IQueryable<long>> candidates,
        Func<AppDbContext, List<long>, CancellationToken, Task<int>> redact,
        Func<int, string, AuditEntry> describe,
        DateTimeOffset cutoff,
        CancellationToken cancellationToken)
    {
        var batches = 0;
        var total = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var ids = await candidates(db).Take(batchSize).ToListAsync(cancellationToken);
            if (ids.Count == 0)
            {
                break;
            }

            var redacted = await db.InTransactionAsync(
                async ct =>
                {
                    var redacted = await redact(db, ids, ct);
                    if (redacted > 0)
                    {
                        var range = string.Create(CultureInfo.InvariantCulture, $"{ids[0]}-{ids[^1]}");
                        var entry = describe(redacted, range) with
                        {
                            AfterJson = JsonSerializer.Serialize(new { redacted, firstId = ids[0], lastId = ids[^1], cutoff }),
                        };
                        await audit.AppendAsync(db, StaffUser.System, entry, ct);
                    }

                    return redacted;
                },
                cancellationToken);
            batches++;
            total += redacted;
            if (ids.Count < batchSize)
            {
                break;
            }
        }

        return (batches, total);
    }
}

public sealed class RedactFlagContentJobRegistration(IOptions<RetentionOptions> options) : IRecurringJobRegistration
{
    public void Register(IRecurringJobManager recurring)
    {
        ArgumentNullException.ThrowIfNull(recurring);
        recurring.AddOrUpdate<RedactFlagContentJob>(RedactFlagContentJob.Name, job => job.RunAsync(CancellationToken.None), options.Value.Cron);
    }
}
