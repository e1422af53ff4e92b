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
/// Re-walks the whole audit chain on every run, in sequence order and in batches, recomputing each
/// event's hash and checking its link to the previous one and that no sequence is missing, so a row
/// edited or deleted after an earlier run is caught at that row. The walk must also pass through the
/// previous run's checkpoint (<see cref="AuditChainStatus.LastVerifiedSequence"/> with its hash,
/// HMAC-signed when Audit:CheckpointKey is set) with the same hash and must reach the chain head, so a
/// rewrite of the chain with fresh hashes, or a cut-off tail, is caught too. A broken chain stays
/// reported (naming its first broken event) until an auditor re-verifies (<c>fromStart</c>), which
/// clears the finding only if the chain verifies again, e.g. after restoring a backup.
/// </summary>
public sealed class VerifyAuditChainJob(
    IDbContextFactory<AppDbContext> dbFactory,
    TimeProvider clock,
    ILogger<VerifyAuditChainJob> logger,
    Microsoft.Extensions.Options.IOptions<AuditOptions>? options = null)
{
    public const string Name = "verify-audit-chain";

    public int BatchSize { get; init; } = 500;

    public Task RunAsync(CancellationToken cancellationToken) => VerifyAsync(fromStart: false, cancellationToken);

    /// <summary>Verifies the whole chain. Without <paramref name="fromStart"/>, an earlier finding is
    /// kept as it is; with it (an auditor's "verify now"), the finding is replaced by this walk's.</summary>
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

        // The head is read first: every event up to its sequence was committed with it, so the walk must find them all.
        var head = await db.Set<AuditChainHead>().AsNoTracking().SingleAsync(h => h.Id == AuditChainHead.SingletonId, cancellationToken);
        var checkpoint = TrustedCheckpoint(status, fromStart);
        long lastSequence = 0;
        var lastHash = AuditChainHead.GenesisHash;
        long checkedCount = 0;
        long? broken = null;
        string? reason = checkpoint.Problem;
        if (reason is not null)
        {
            broken = checkpoint.Sequence;
        }

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
                reason = Check(auditEvent, lastSequence, lastHash)
                    ?? (auditEvent.Sequence == checkpoint.Sequence && !string.Equals(auditEvent.Hash, checkpoint.Hash, StringComparison.Ordinal)
                        ? "its hash differs from the one verified at the last checkpoint (the chain was rewritten from here or earlier)"
                        : null);
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

        if (broken is null)
        {
            var expectedEnd = Math.Max(head.Sequence, checkpoint.Sequence);
            if (lastSequence < expectedEnd)
            {
                broken = lastSequence + 1;
                reason = string.Create(CultureInfo.InvariantCulture,
                    $"event #{lastSequence + 1} is missing: the chain ends at #{lastSequence} but {(head.Sequence >= checkpoint.Sequence ? "the chain head" : "the last checkpoint")} is at #{expectedEnd}");
            }
        }

        var now = clock.GetUtcNow();
        var verifiedSequence = lastSequence;
        var verifiedHash = lastHash;
        if (broken is null)
        {
            var signature = Sign(verifiedSequence, verifiedHash);
            await db.Set<AuditChainStatus>().Where(s => s.Id == AuditChainStatus.SingletonId)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.LastVerifiedSequence, verifiedSequence)
                    .SetProperty(x => x.LastVerifiedHash, verifiedHash)
                    .SetProperty(x => x.CheckpointSignature, signature)
                    .SetProperty(x => x.FirstBrokenSequence, (long?)null)
                    .SetProperty(x => x.BrokenReason, (string?)null)
                    .SetProperty(x => x.BrokenDetectedAt, (DateTimeOffset?)null)
                    .SetProperty(x => x.CheckedAt, now)
                    .SetProperty(x => x.EventsCheckedLastRun, checkedCount), cancellationToken);
        }
        else
        {
            // The checkpoint stays where it was: the next walk still has to pass through it.
            await db.Set<AuditChainStatus>().Where(s => s.Id == AuditChainStatus.SingletonId)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.FirstBrokenSequence, broken)
                    .SetProperty(x => x.BrokenReason, reason)
                    .SetProperty(x => x.BrokenDetectedAt, now)
                    .SetProperty(x => x.CheckedAt, now)
                    .SetProperty(x => x.EventsCheckedLastRun, checkedCount), cancellationToken);
            logger.LogCritical("The audit chain is broken at event #{Sequence}: {Reason}", broken, reason);
        }

        return new AuditChainVerification(verifiedSequence, checkedCount, broken, reason);
    }

    private (long Sequence, string Hash, string? Problem) TrustedCheckpoint(AuditChainStatus status, bool auditorRun)
    {
        var key = options?.Value.CheckpointKey;
        if (string.IsNullOrEmpty(key) || status.LastVerifiedSequence == 0)
        {
            return (status.LastVerifiedSequence, status.LastVerifiedHash, null);
        }

        // An unsigned checkpoint (the key was just configured, or someone cleared the signature) is
        // accepted only by an auditor's re-verification; a wrong signature means the row was changed.
        if (status.CheckpointSignature is null)
        {
            return auditorRun
                ? (status.LastVerifiedSequence, status.LastVerifiedHash, null)
                : (status.LastVerifiedSequence, status.LastVerifiedHash, "the verification checkpoint is not signed although Audit:CheckpointKey is set (re-verify to accept it)");
        }

        return string.Equals(status.CheckpointSignature, Sign(status.LastVerifiedSequence, status.LastVerifiedHash), StringComparison.Ordinal)
            ? (status.LastVerifiedSequence, status.LastVerifiedHash, null)
            : (status.LastVerifiedSequence, status.LastVerifiedHash, "the stored verification checkpoint does not carry a valid signature (the checkpoint row was changed)");
    }

    private string? Sign(long sequence, string hash)
    {
        var key = options?.Value.CheckpointKey;
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        var message = System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{sequence}|{hash}"));
        return Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key), message));
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
