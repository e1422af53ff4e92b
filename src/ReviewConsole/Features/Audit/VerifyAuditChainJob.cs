using System.Globalization;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Audit;
using ReviewConsole.Infrastructure.BackgroundJobs;

namespace ReviewConsole.Features.Audit;

/// <summary>What a verification run found.</summary>
public sealed record AuditChainVerification(long LastVerifiedSequence, long EventsChecked, long? FirstBrokenSequence, string? BrokenReason);

/// <summary>
/// Walks the audit chain in sequence order, in batches, recomputing each event's hash and checking
/// its link to the previous one and that no sequence is missing. Progress is kept in
/// <see cref="AuditChainStatus"/>, so a run checks only what was appended since the last one; a
/// broken chain stays reported (naming its first broken event) and is not re-walked until the
/// status is reset by re-verifying from the start.
/// </summary>
public sealed class VerifyAuditChainJob(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, ILogger<VerifyAuditChainJob> logger)
{
    public const string Name = "verify-audit-chain";

    public int BatchSize { get; init; } = 500;

    public Task RunAsync(CancellationToken cancellationToken) => VerifyAsync(fromStart: false, cancellationToken);

    /// <summary>Verifies the chain; <paramref name="fromStart"/> re-walks every event (and clears an
    /// earlier finding if the chain now verifies, e.g. after restoring a backup).</summary>
    public async Task<AuditChainVerification> VerifyAsync(bool fromStart, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var status = await db.Set<AuditChainStatus>().AsNoTracking().SingleAsync(s => s.Id == AuditChainStatus.SingletonId, cancellationToken);
        if (status.FirstBrokenSequence is not null && !fromStart)
        {
            await db.Set<AuditChainStatus>().Where(s => s.Id == AuditChainStatus.SingletonId)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.CheckedAt, clock.GetUtcNow()).SetProperty(x => x.EventsCheckedLastRun, 0L), cancellationToken);
            return new AuditChainVerification(status.LastVerifiedSequence, 0, status.FirstBrokenSequence, status.BrokenReason);
        }

        var lastSequence = fromStart ? 0 : status.LastVerifiedSequence;
        var lastHash = fromStart ? AuditChainHead.GenesisHash : status.LastVerifiedHash;
        long checkedCount = 0;
        long? broken = null;
        string? reason = null;
        while (broken is null)
        {
            var from = lastSequence;
            var batch = await db.Set<AuditEvent>().AsNoTracking()
                .Where(e => e.Sequence > from)
                .OrderBy(e => e.Sequence)
                .Take(BatchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var auditEvent in batch)
            {
                reason = Check(auditEvent, lastSequence, lastHash);
                if (reason is not null)
                {
                    broken = Math.Min(auditEvent.Sequence, lastSequence + 1);
                    break;
                }

                lastSequence = auditEvent.Sequence;
                lastHash = auditEvent.Hash;
                checkedCount++;
            }
        }

        var now = clock.GetUtcNow();
        var verifiedSequence = lastSequence;
        var verifiedHash = lastHash;
        await db.Set<AuditChainStatus>().Where(s => s.Id == AuditChainStatus.SingletonId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.LastVerifiedSequence, verifiedSequence)
                .SetProperty(x => x.LastVerifiedHash, verifiedHash)
                .SetProperty(x => x.FirstBrokenSequence, broken)
                .SetProperty(x => x.BrokenReason, reason)
                .SetProperty(x => x.BrokenDetectedAt, broken is null ? null : now)
                .SetProperty(x => x.CheckedAt, now)
                .SetProperty(x => x.EventsCheckedLastRun, checkedCount), cancellationToken);
        if (broken is not null)
        {
            logger.LogCritical("The audit chain is broken at event #{Sequence}: {Reason}", broken, reason);
        }

        return new AuditChainVerification(verifiedSequence, checkedCount, broken, reason);
    }

    private static string? Check(AuditEvent auditEvent, long previousSequence, string previousHash)
    {
        if (auditEvent.Sequence != previousSequence + 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"event #{previousSequence + 1} is missing (the next stored event is #{auditEvent.Sequence})");
        }

        if (!string.Equals(auditEvent.PreviousHash, previousHash, StringComparison.Ordinal))
        {
            return "its stored previous-hash does not match the hash of the event before it";
        }

        return string.Equals(AuditLog.ComputeHash(auditEvent), auditEvent.Hash, StringComparison.Ordinal)
            ? null
            : "its content does not match its hash (the row was edited)";
    }
}

/// <summary>Schedules <see cref="VerifyAuditChainJob"/> (Audit:VerifyCron, every 10 minutes by default).</summary>
public sealed class VerifyAuditChainJobRegistration(Microsoft.Extensions.Options.IOptions<AuditOptions> options) : IRecurringJobRegistration
{
    public void Register(IRecurringJobManager recurring)
    {
        ArgumentNullException.ThrowIfNull(recurring);
        recurring.AddOrUpdate<VerifyAuditChainJob>(VerifyAuditChainJob.Name, job => job.RunAsync(CancellationToken.None), options.Value.VerifyCron);
    }
}
