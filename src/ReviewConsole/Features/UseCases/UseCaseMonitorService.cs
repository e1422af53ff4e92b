using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Enforcement;
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
    EnforcementService enforcement,
    EnforcementDispatcher dispatcher,
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
        List<long> actions = [];
        var requeued = await db.InTransactionAsync(
            async ct =>
            {
                actions = [];
                return await RequeueInAsync(db, s, reason, note, proposedTier, halt, actions, ct);
            },
            done => done,
            cancellationToken);
        dispatcher.Enqueue(actions);
        return requeued;
    }

    /// <summary>
    /// Puts a live approval back in the queue inside the caller's transaction (a conditional state
    /// change: two nodes raise it once). A halt also lowers the app to the pilot tier's limits at
    /// once, as a SetLimits action in the same transaction (ids added to <paramref name="actions"/>
    /// for dispatch after the commit).
    /// </summary>
    public async Task<bool> RequeueInAsync(AppDbContext db, UseCaseSubmission s, QueueReason reason, string note, string? proposedTier, bool halt, List<long> actions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(actions);
        if (!UseCaseStateMachine.TryNext(s.State, UseCaseTransition.Requeue, out var next))
        {
            return false;
        }

        var now = clock.GetUtcNow();
        var changed = await db.Set<UseCaseSubmission>()
            .Where(x => x.Id == s.Id && x.State == s.State && x.ConcurrencyVersion == s.ConcurrencyVersion)
            .ExecuteUpdateAsync(u => u
                .SetProperty(x => x.State, next)
                .SetProperty(x => x.QueueReason, reason)
                .SetProperty(x => x.QueueNote, note)
                .SetProperty(x => x.ProposedTier, proposedTier)
                .SetProperty(x => x.StagedAccessHalted, x => x.StagedAccessHalted || halt)
                .SetProperty(x => x.SlaDueAt, now.AddHours(options.Value.ReviewSlaHours))
                .SetProperty(x => x.ConcurrencyVersion, x => x.ConcurrencyVersion + 1), cancellationToken);
        if (changed != 1)
        {
            return false;
        }

        var id = s.Id.ToString(CultureInfo.InvariantCulture);
        await audit.AppendAsync(db, StaffUser.System, new AuditEntry(
            "usecase.requeued",
            "UseCaseSubmission",
            id,
            $"'{s.Name}' back in the review queue: {reason}",
            Reason: note), cancellationToken);
        if (halt)
        {
            var pilot = QuotaTiers.All[0];
            var conditions = UseCaseConditions.FromJson(s.ConditionsJson);
            var limits = new LimitSet(pilot.MonthlyTokens, pilot.Rpm, pilot.Tpm, conditions?.MaxOutputTokens, conditions?.AllowedModels, pilot.PilotEndUserCap);
            var requested = await enforcement.RequestAsync(db, EnforcementRequest.With(
                EnforcementKind.SetLimits,
                EnforcementTargetType.Application,
                [s.ApplicationId],
                EnforcementReason.UseCase,
                id,
                null,
                $"Staged access halted for use case {id}: back to {pilot.Name} limits. {note}",
                new LimitParameters(pilot.Name, limits)), StaffUser.System, cancellationToken);
            actions.AddRange(requested.Where(a => a.State == EnforcementState.Pending).Select(a => a.Id));
        }

        return true;
    }

    /// <summary>
    /// What new usage means for live approvals, inside the usage write's transaction: research credit
    /// ledgers are brought up to date (exhaustion raises the use case, once), and a reported end-user
    /// count above a pilot cap halts staged access.
    /// </summary>
    public async Task OnUsageAsync(AppDbContext db, IReadOnlyCollection<long> applicationIds, List<long> actions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(applicationIds);
        var now = clock.GetUtcNow();
        var price = (decimal)options.Value.ResearchCreditUsdPerMillionTokens;
        var accounts = await db.Set<ResearchCreditAccount>().Where(a => applicationIds.Contains(a.ApplicationId)).ToListAsync(cancellationToken);
        foreach (var account in accounts)
        {
            var tokens = await db.Set<KeyUsageDay>().Where(u => u.ApplicationId == account.ApplicationId && u.Day >= account.StartsOn).SumAsync(u => (long?)u.Tokens, cancellationToken) ?? 0;
            account.UsedTokens = tokens;
            account.UsedUsd = Math.Round(tokens / 1_000_000m * price, 4);
            if (account.ExhaustedAt is null && account.UsedUsd >= account.GrantedUsd)
            {
                account.ExhaustedAt = now;
                if (await db.Set<UseCaseSubmission>().AsNoTracking().SingleOrDefaultAsync(x => x.Id == account.SubmissionId, cancellationToken) is { } submission)
                {
                    var note = string.Create(CultureInfo.InvariantCulture, $"Research credits exhausted: {account.UsedUsd:N2} of {account.GrantedUsd:N2} USD used ({account.UsedTokens:N0} tokens).");
                    await RequeueInAsync(db, submission, QueueReason.CreditsExhausted, note, null, false, actions, cancellationToken);
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);

        var live = UseCaseStateMachine.Live.ToList();
        var staged = await db.Set<UseCaseSubmission>().AsNoTracking()
            .Where(x => applicationIds.Contains(x.ApplicationId) && live.Contains(x.State) && x.StagedAccess && !x.StagedAccessHalted && x.ApprovedAt != null)
            .ToListAsync(cancellationToken);
        foreach (var submission in staged)
        {
            var since = DateOnly.FromDateTime(submission.ApprovedAt!.Value.UtcDateTime);
            var over = await (from u in db.Set<KeyUsageDay>()
                              join k in db.Set<ApiKey>() on u.ApiKeyId equals k.Id
                              where u.ApplicationId == submission.ApplicationId && u.Day >= since && k.PilotEndUserCap != null && u.EndUsers > k.PilotEndUserCap
                              orderby u.EndUsers descending
                              select new { k.ExternalId, u.Day, u.EndUsers, k.PilotEndUserCap })
                .FirstOrDefaultAsync(cancellationToken);
            if (over is not null)
            {
                var note = string.Create(CultureInfo.InvariantCulture, $"Pilot cap exceeded: key {over.ExternalId} served {over.EndUsers:N0} end users on {over.Day:yyyy-MM-dd} (cap {over.PilotEndUserCap:N0}).");
                await RequeueInAsync(db, submission, QueueReason.PilotCapExceeded, note, null, true, actions, cancellationToken);
            }
        }
    }

    /// <summary>The research credit ledgers of an application, newest first (the actor page).</summary>
    public async Task<IReadOnlyList<ResearchCreditAccount>> CreditsForApplicationAsync(long applicationId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<ResearchCreditAccount>().AsNoTracking().Where(a => a.ApplicationId == applicationId).OrderByDescending(a => a.Id).ToListAsync(cancellationToken);
    }

    /// <summary>The research credit ledgers of an organization's applications (the actor page).</summary>
    public async Task<IReadOnlyList<ResearchCreditAccount>> CreditsForOrganizationAsync(long organizationId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<ResearchCreditAccount>().AsNoTracking().Where(a => a.OrganizationId == organizationId).OrderByDescending(a => a.Id).Take(50).ToListAsync(cancellationToken);
    }
}
