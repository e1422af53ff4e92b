using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.UseCases;

/// <summary>What one run of the checks did.</summary>
public sealed record UseCaseCheckResult(int ReReviewsDue, int Drifting, int TiersProposed, int Halted);

/// <summary>
/// Watches live approvals: the scheduled re-review date, drift (usage and flags since approval
/// against what was approved), and staged access (propose the next tier after a clean period,
/// halt on a flag spike). Each finding puts the use case back in the queue by a conditional state
/// change, so two nodes running the check at once raise it once.
/// </summary>
public sealed class UseCaseMonitorService(
    IDbContextFactory<AppDbContext> dbFactory,
    AuditLog audit,
    TimeProvider clock,
    IOptions<UseCasesOptions> options)
{
    /// <summary>Drift of the app's latest live approval, for the actor page; null when none is live.</summary>
    public async Task<DriftReport?> DriftForApplicationAsync(long applicationId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var live = UseCaseStateMachine.Live.ToList();
        var approval = await db.Set<UseCaseSubmission>().AsNoTracking()
            .Where(s => s.ApplicationId == applicationId && live.Contains(s.State) && s.ApprovedAt != null)
            .OrderByDescending(s => s.ApprovedAt)
            .Select(s => new { s.ApprovedAt, s.ApprovedMonthlyTokens })
            .FirstOrDefaultAsync(cancellationToken);
        return approval is null ? null : await DriftAsync(db, applicationId, approval.ApprovedAt!.Value, approval.ApprovedMonthlyTokens, cancellationToken);
    }

    public async Task<DriftReport> DriftAsync(AppDbContext db, long applicationId, DateTimeOffset since, long? approvedMonthlyTokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = clock.GetUtcNow();
        var dayAgo = now.AddHours(-24);
        var used = await db.Set<ApiKey>().Where(k => k.ApplicationId == applicationId).SumAsync(k => (long?)k.TokensUsedThisMonth, cancellationToken) ?? 0;
        var flags = db.Set<Flag>().Where(f => f.ApplicationId == applicationId && f.CreatedAt >= since);
        var byCategory = await flags.GroupBy(f => f.TopCategory)
            .Select(g => new { Category = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var confirmedFlags = await (from f in flags
                                    join d in db.Set<FlagDecision>() on f.Id equals d.FlagId
                                    where d.Verdict == Verdict.Violation
                                    select new { f.Id, f.TopCategory })
            .Distinct()
            .ToListAsync(cancellationToken);
        var confirmed = confirmedFlags.GroupBy(x => x.TopCategory)
            .Select(g => new { Category = g.Key, Count = g.Count() })
            .ToList();
        var last24 = await flags.CountAsync(f => f.CreatedAt >= dayAgo, cancellationToken);

        // At least one day, so a fresh approval's first flag does not read as an enormous rate.
        var days = Math.Max(1.0, (now - since).TotalDays);
        var total = byCategory.Sum(c => c.Count);
        var confirmedTotal = confirmed.Sum(c => c.Count);
        var categories = byCategory
            .Select(c => new CategoryDrift(
                string.IsNullOrEmpty(c.Category) ? "(uncategorized)" : c.Category,
                c.Count,
                confirmed.FirstOrDefault(x => x.Category == c.Category)?.Count ?? 0,
                Math.Round(c.Count / days, 2)))
            .OrderByDescending(c => c.Flags).ThenBy(c => c.Category, StringComparer.Ordinal)
            .ToList();
        double? ratio = approvedMonthlyTokens is > 0 ? Math.Round((double)used / approvedMonthlyTokens.Value, 3) : null;
        var perDay = Math.Round(total / days, 2);

        var o = options.Value;
        var crossed = new List<string>();
        if (ratio is { } r && r >= o.DriftVolumeRatio)
        {
            crossed.Add(string.Create(CultureInfo.InvariantCulture, $"Usage this month is {r:P0} of the approved {approvedMonthlyTokens:N0} tokens (threshold {o.DriftVolumeRatio:P0})."));
        }

        if (perDay >= o.DriftFlagsPerDay)
        {
            var top = categories.FirstOrDefault();
            crossed.Add(string.Create(CultureInfo.InvariantCulture, $"{perDay:0.##} flags/day since approval (threshold {o.DriftFlagsPerDay:0.##}); most in {top?.Category}."));
        }

        return new DriftReport(since, Math.Round((now - since).TotalDays, 1), approvedMonthlyTokens, used, ratio, total, confirmedTotal, last24, perDay, categories, crossed);
    }

    /// <summary>One pass over the live approvals (the recurring job calls this).</summary>
    public async Task<UseCaseCheckResult> RunChecksAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var o = options.Value;
        var live = UseCaseStateMachine.Live.ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var approvals = await db.Set<UseCaseSubmission>().AsNoTracking()
            .Where(s => live.Contains(s.State) && s.ApprovedAt != null)
            .OrderBy(s => s.Id)
            .ToListAsync(cancellationToken);

        int due = 0, drifting = 0, proposed = 0, halted = 0;
        foreach (var s in approvals)
        {
            if (s.ReReviewAt is { } reviewAt && reviewAt <= now)
            {
                var note = string.Create(CultureInfo.InvariantCulture, $"Scheduled re-review (due {reviewAt.UtcDateTime:yyyy-MM-dd}).");
                due += await RequeueAsync(db, s, QueueReason.ScheduledReReview, note, null, false, cancellationToken) ? 1 : 0;
                continue;
            }

            var drift = await DriftAsync(db, s.ApplicationId, s.ApprovedAt!.Value, s.ApprovedMonthlyTokens, cancellationToken);
            var staged = s.StagedAccess && QuotaTiers.Find(s.Tier) is not null && !s.StagedAccessHalted;
            if (staged && (drift.FlagsLast24Hours >= o.SpikeFlagsPer24Hours || drift.ConfirmedViolations >= o.SpikeConfirmedViolations))
            {
                var note = string.Create(CultureInfo.InvariantCulture, $"Staged access halted at {s.Tier}: {drift.FlagsLast24Hours} flags in 24 h, {drift.ConfirmedViolations} confirmed violations since approval.");
                halted += await RequeueAsync(db, s, QueueReason.FlagSpike, note, null, true, cancellationToken) ? 1 : 0;
                continue;
            }

            if (drift.IsDrifting)
            {
                drifting += await RequeueAsync(db, s, QueueReason.Drift, "Drift: " + string.Join(" ", drift.Crossed), null, false, cancellationToken) ? 1 : 0;
                continue;
            }

            if (staged && QuotaTiers.Next(s.Tier) is { } next && now - s.ApprovedAt.Value >= TimeSpan.FromDays(o.CleanPeriodDays) && drift.ConfirmedViolations == 0)
            {
                var note = string.Create(CultureInfo.InvariantCulture, $"Clean for {o.CleanPeriodDays} days at {s.Tier} ({drift.Flags} flags, none confirmed): {next.Name} proposed.");
                proposed += await RequeueAsync(db, s, QueueReason.NextTierProposed, note, next.Name, false, cancellationToken) ? 1 : 0;
            }
        }

        return new UseCaseCheckResult(due, drifting, proposed, halted);
    }

    private async Task<bool> RequeueAsync(AppDbContext db, UseCaseSubmission s, QueueReason reason, string note, string? proposedTier, bool halt, CancellationToken cancellationToken)
    {
        if (!UseCaseStateMachine.TryNext(s.State, UseCaseTransition.Requeue, out var next))
        {
            return false;
        }

        var now = clock.GetUtcNow();
        var refused = await db.InTransactionAsync<bool?>(
            async ct =>
            {
                var changed = await db.Set<UseCaseSubmission>()
                    .Where(x => x.Id == s.Id && x.State == s.State && x.ConcurrencyVersion == s.ConcurrencyVersion)
                    .ExecuteUpdateAsync(u => u
                        .SetProperty(x => x.State, next)
                        .SetProperty(x => x.QueueReason, reason)
                        .SetProperty(x => x.QueueNote, note)
                        .SetProperty(x => x.ProposedTier, proposedTier)
                        .SetProperty(x => x.StagedAccessHalted, x => x.StagedAccessHalted || halt)
                        .SetProperty(x => x.SlaDueAt, now.AddHours(options.Value.ReviewSlaHours))
                        .SetProperty(x => x.ConcurrencyVersion, x => x.ConcurrencyVersion + 1), ct);
                if (changed != 1)
                {
                    return false;
                }

                await audit.AppendAsync(db, StaffUser.System, new AuditEntry(
                    "usecase.requeued",
                    "UseCaseSubmission",
                    s.Id.ToString(CultureInfo.InvariantCulture),
                    $"'{s.Name}' back in the review queue: {reason}",
                    Reason: note), ct);
                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            return refused.Value;
        }

        return true;
    }
}
