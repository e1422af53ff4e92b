using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Identity;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Quality;
using ReviewConsole.Features.Wellness;
using ReviewConsole.Infrastructure.Database;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Flags.Triage;

/// <summary>The result of Next: the claimed flag, or why there was none.</summary>
public sealed record ClaimResult(long? FlagId, string Message)
{
    public bool Claimed => FlagId is not null;

    /// <summary>The claim's own transaction counted the flag against the reviewer's exposure caps
    /// (a fresh claim of a live flag does; handing back a flag already held, or a golden item or
    /// second review, is left to the open), so opening it need not count it again.</summary>
    public bool ExposureCounted { get; init; }
}

/// <summary>The outcome of a lease operation a reviewer asked for, with a message to show.</summary>
public sealed record LeaseOutcome(bool Succeeded, string Message);

/// <summary>
/// Claims and leases. Next is one statement that chooses and leases (<see cref="FlagClaimSql"/>);
/// a direct claim is one conditional UPDATE (free or expired lease, still open); either way two
/// reviewers — on one node or two — can never hold the same flag, and the exposure caps are counted
/// in the claim's own transaction.
/// </summary>
public sealed class FlagClaimService(
    IDbContextFactory<AppDbContext> dbFactory,
    AuditLog audit,
    WellnessService wellness,
    TimeProvider clock,
    IOptions<FlagsTriageOptions> options,
    QualityClaimService quality)
{
    public TimeSpan LeaseDuration => TimeSpan.FromMinutes(options.Value.LeaseMinutes);

    /// <summary>Claims the highest-priority flag <paramref name="user"/> may see: assigned to them
    /// first, then (Leads) escalated flags, then new ones; skipping capped categories and
    /// <paramref name="skipped"/>. A flag the reviewer already holds is returned first.</summary>
    public async Task<ClaimResult> ClaimNextAsync(StaffUser user, TriageRights rights, IReadOnlyCollection<long> skipped, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(rights);
        ArgumentNullException.ThrowIfNull(skipped);
        if (!rights.CanDecide)
        {
            return new ClaimResult(null, "Your role can read flags but not claim them.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var statuses = rights.DecidableStatuses.ToList();
        var now = clock.GetUtcNow();
        var skippedIds = skipped.ToList();

        // Looked up by the LeaseOwner index alone (a reviewer holds a handful of rows); filtering
        // status in SQL lets SQLite pick the Status index and scan every open flag instead.
        var mineNow = await db.Set<Flag>().AsNoTracking()
            .Where(f => f.LeaseOwner == user.Id)
            .Select(f => new { f.Id, f.Status, f.LeaseExpiresAt, f.Priority })
            .ToListAsync(cancellationToken);
        var held = mineNow
            .Where(f => f.LeaseExpiresAt > now && statuses.Contains(f.Status) && !skippedIds.Contains(f.Id))
            .OrderByDescending(f => f.Priority)
            .Select(f => (long?)f.Id)
            .FirstOrDefault();
        if (held is { } heldId && await RenewAsync(user, heldId, cancellationToken))
        {
            return new ClaimResult(heldId, "You already hold this flag.");
        }

        // Review quality: should this claim be a golden item or a waiting second review? Then claim that.
        if (await quality.ClaimNextAsync(user, rights, skippedIds, LeaseDuration, cancellationToken) is { } qualityItem)
        {
            return new ClaimResult(qualityItem, "Claimed.");
        }

        // The statement picks and leases in one step; the exposure counters it is checked against
        // are raised in the same transaction. Losing a cap race to another tab of the same reviewer
        // (the conditional raise refuses) rolls back and tries again with the counters as they now are.
        var dialect = RawSql.DialectOf(db);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            now = clock.GetUtcNow();
            var until = now + LeaseDuration;
            var statement = FlagClaimSql.Next(dialect, user.Id, rights, skippedIds, wellness.Options, now, until);
            var claim = await db.InTransactionAsync(
                async ct =>
                {
                    var ids = await RawSql.QueryLongsAsync(db, statement.Sql, statement.Parameters, ct);
                    if (ids.Count == 0)
                    {
                        return (FlagId: (long?)null, CappedBy: (string?)null);
                    }

                    var cappedBy = await wellness.CountExposureAsync(db, user, [ids[0]], ct);
                    if (cappedBy is null)
                    {
                        await audit.AppendAsync(db, user, new AuditEntry("flag.claimed", "Flag", Id(ids[0]), $"Claimed flag {ids[0]} until {until:HH:mm:ss} UTC (Next)"), ct);
                    }

                    return (FlagId: (long?)ids[0], CappedBy: cappedBy);
                },
                result => result.FlagId is not null && result.CappedBy is null,
                cancellationToken);
            if (claim.FlagId is null)
            {
                break;
            }

            if (claim.CappedBy is null)
            {
                return new ClaimResult(claim.FlagId, "Claimed.") { ExposureCounted = true };
            }
        }

        var capped = await wellness.CappedCategoriesAsync(db, user.Id, cancellationToken);
        return new ClaimResult(null, capped.Count > 0
            ? $"No flag available for you. Today's exposure cap is reached for: {string.Join(", ", capped)}."
            : "No flag is waiting for you. The queue is clear.");
    }

    /// <summary>Claims one specific flag (opened from the queue), if it is free and open.</summary>
    public async Task<LeaseOutcome> ClaimAsync(StaffUser user, TriageRights rights, long flagId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(rights);
        if (!rights.CanDecide)
        {
            return new LeaseOutcome(false, "Your role can read flags but not claim them.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var statuses = rights.DecidableStatuses.ToList();
        var (claimed, cappedBy) = await TryClaimAsync(db, user, flagId, statuses, cancellationToken);
        if (claimed)
        {
            return new LeaseOutcome(true, "Claimed.");
        }

        // Review quality: a golden item the user was served is claimed back like a flag back in the queue.
        if (cappedBy is null)
        {
            (claimed, cappedBy) = await quality.ReclaimGoldenAsync(user, flagId, clock.GetUtcNow() + LeaseDuration, cancellationToken);
            if (claimed)
            {
                return new LeaseOutcome(true, "Claimed.");
            }
        }

        return new LeaseOutcome(false, cappedBy is not null
            ? CapMessage(cappedBy)
            : await ExplainAsync(db, user, rights, flagId, cancellationToken));
    }

    /// <summary>Extends the caller's own unexpired lease; false when it is gone (expired and taken, or decided).</summary>
    public async Task<bool> RenewAsync(StaffUser user, long flagId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var until = now + LeaseDuration;
        var rows = await db.Set<Flag>()
            .Where(f => f.Id == flagId && f.LeaseOwner == user.Id && f.LeaseExpiresAt > now && f.Status != FlagStatus.Decided)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.LeaseExpiresAt, until), cancellationToken);
        // Review quality: a golden item's reservation is renewed like a lease.
        return rows == 1 || await quality.RenewAsync(user, flagId, until, cancellationToken);
    }

    /// <summary>Gives the flag back to the queue (skip or release).</summary>
    public async Task<LeaseOutcome> ReleaseAsync(StaffUser user, long flagId, string why, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var refused = await db.InTransactionAsync<LeaseOutcome?>(
            async ct =>
            {
                var rows = await db.Set<Flag>()
                    .Where(f => f.Id == flagId && f.LeaseOwner == user.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(f => f.LeaseOwner, (string?)null).SetProperty(f => f.LeaseExpiresAt, (DateTimeOffset?)null), ct);
                if (rows == 0)
                {
                    return new LeaseOutcome(false, "You do not hold this flag.");
                }

                await audit.AppendAsync(db, user, new AuditEntry("flag.released", "Flag", Id(flagId), $"Released flag {flagId} ({why})"), ct);
                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            // Review quality: a golden item's reservation is given back like a lease.
            return await quality.ReleaseGoldenAsync(user, flagId, why, cancellationToken) ? new LeaseOutcome(true, "Released.") : refused;
        }

        return new LeaseOutcome(true, "Released.");
    }

    /// <summary>Assigns an open flag to a named reviewer; only they get it from Next. The caller's own
    /// lease (if any) is released; a flag someone else is working on cannot be reassigned.</summary>
    public async Task<LeaseOutcome> AssignAsync(StaffUser user, TriageRights rights, long flagId, string assigneeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(rights);
        if (!rights.CanDecide)
        {
            return new LeaseOutcome(false, "Your role cannot assign flags.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var assignee = await db.Set<AppUser>().AsNoTracking().Where(u => u.Id == assigneeId && !u.IsDisabled).Select(u => new { u.Id, u.DisplayName, u.Email }).SingleOrDefaultAsync(cancellationToken);
        if (assignee is null)
        {
            return new LeaseOutcome(false, "That reviewer does not exist or is disabled.");
        }

        var now = clock.GetUtcNow();
        string name = default!;
        var refused = await db.InTransactionAsync<LeaseOutcome?>(
            async ct =>
            {
                var rows = await db.Set<Flag>()
                    .Where(f => f.Id == flagId && f.Status != FlagStatus.Decided && (f.LeaseOwner == null || f.LeaseExpiresAt < now || f.LeaseOwner == user.Id))
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(f => f.AssignedTo, assignee.Id)
                        .SetProperty(f => f.LeaseOwner, (string?)null)
                        .SetProperty(f => f.LeaseExpiresAt, (DateTimeOffset?)null), ct);
                if (rows == 0)
                {
                    return new LeaseOutcome(false, await ExplainAsync(db, user, rights, flagId, ct));
                }

                name = string.IsNullOrEmpty(assignee.DisplayName) ? assignee.Email ?? assignee.Id : assignee.DisplayName;
                await audit.AppendAsync(db, user, new AuditEntry("flag.assigned", "Flag", Id(flagId), $"Assigned flag {flagId} to {name}"), ct);
                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        return new LeaseOutcome(true, $"Assigned to {name}.");
    }

    /// <summary>Why <paramref name="user"/> cannot act on the flag right now, in words for the page.</summary>
    internal async Task<string> ExplainAsync(AppDbContext db, StaffUser user, TriageRights rights, long flagId, CancellationToken cancellationToken)
    {
        var flag = await db.Set<Flag>().AsNoTracking().Where(f => f.Id == flagId)
            .Select(f => new { f.Status, f.LeaseOwner, f.LeaseExpiresAt, f.DecidedAt })
            .SingleOrDefaultAsync(cancellationToken);
        var now = clock.GetUtcNow();
        if (flag is null)
        {
            return $"Flag {flagId} does not exist.";
        }

        if (flag.Status == FlagStatus.Decided)
        {
            var last = await db.Set<FlagDecision>().AsNoTracking().Where(d => d.FlagId == flagId)
                .OrderByDescending(d => d.DecidedAt).Select(d => new { d.DecidedByName, d.DecidedAt })
                .FirstOrDefaultAsync(cancellationToken);
            return last is null
                ? "This flag is already decided."
                : $"This flag was already decided by {last.DecidedByName} at {last.DecidedAt:yyyy-MM-dd HH:mm} UTC.";
        }

        if (flag.LeaseOwner is not null && flag.LeaseOwner != user.Id && flag.LeaseExpiresAt > now)
        {
            var owner = await DisplayNameAsync(db, flag.LeaseOwner, cancellationToken);
            return $"{owner} is working on this flag (lease until {flag.LeaseExpiresAt:HH:mm:ss} UTC). You cannot decide it while they hold it.";
        }

        if (flag.Status == FlagStatus.Escalated && !rights.CanDecideEscalated)
        {
            return "This flag is escalated to Leads; only a Lead can decide it.";
        }

        if (!rights.CanDecide)
        {
            return "Your role can read flags but not decide them.";
        }

        if (flag.LeaseOwner == user.Id && flag.LeaseExpiresAt <= now)
        {
            return $"Your lease expired at {flag.LeaseExpiresAt:HH:mm:ss} UTC. Claim the flag again to decide it.";
        }

        return "You do not hold this flag. Claim it first.";
    }

    internal static async Task<string> DisplayNameAsync(AppDbContext db, string userId, CancellationToken cancellationToken)
    {
        var user = await db.Set<AppUser>().AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.DisplayName, u.Email }).SingleOrDefaultAsync(cancellationToken);
        return user is null ? userId : string.IsNullOrEmpty(user.DisplayName) ? user.Email ?? userId : user.DisplayName;
    }

    /// <summary>What a reviewer at a category's cap is told instead of seeing the content.</summary>
    public static string CapMessage(string category) =>
        $"Today's exposure cap for {category} is reached; this flag's content is not shown to you today. Take a break, or ask another reviewer.";

    /// <summary>Claims one flag by a conditional UPDATE and counts it against the caps in the same
    /// transaction; a flag that would pass a cap is not claimed (the transaction rolls back).</summary>
    private async Task<(bool Claimed, string? CappedBy)> TryClaimAsync(AppDbContext db, StaffUser user, long flagId, List<FlagStatus> statuses, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + LeaseDuration;
        return await db.InTransactionAsync(
            async ct =>
            {
                var rows = await db.Set<Flag>()
                    .Where(f => f.Id == flagId
                        && statuses.Contains(f.Status)
                        && (f.LeaseOwner == null || f.LeaseExpiresAt < now || f.LeaseOwner == user.Id))
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(f => f.LeaseOwner, user.Id)
                        .SetProperty(f => f.LeaseExpiresAt, until), ct);
                if (rows == 0)
                {
                    return (false, (string?)null);
                }

                var cappedBy = await wellness.CountExposureAsync(db, user, [flagId], ct);
                if (cappedBy is not null)
                {
                    return (false, cappedBy);
                }

                await audit.AppendAsync(db, user, new AuditEntry("flag.claimed", "Flag", Id(flagId), $"Claimed flag {flagId} until {until:HH:mm:ss} UTC"), ct);
                return (true, (string?)null);
            },
            result => result.Item1,
            cancellationToken);
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
