using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Identity;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Quality;
using ReviewConsole.Features.Wellness;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Flags.Triage;

/// <summary>The result of Next: the claimed flag, or why there was none.</summary>
public sealed record ClaimResult(long? FlagId, string Message)
{
    public bool Claimed => FlagId is not null;
}

/// <summary>The outcome of a lease operation a reviewer asked for, with a message to show.</summary>
public sealed record LeaseOutcome(bool Succeeded, string Message);

/// <summary>
/// Claims and leases. Every claim is one conditional UPDATE (free or expired lease, still open),
/// so two reviewers — on one node or two — can never hold the same flag; losing a race simply
/// moves on to the next candidate.
/// </summary>
public sealed class FlagClaimService(
    IDbContextFactory<AppDbContext> dbFactory,
    AuditLog audit,
    WellnessService wellness,
    TimeProvider clock,
    IOptions<FlagsTriageOptions> options,
    QualityClaimService quality)
{
    private const int BatchSize = 64;
    private const int MaxBatches = 500;

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

        var capped = (await wellness.CappedCategoriesAsync(db, user.Id, cancellationToken)).ToList();
        var skippedSet = skippedIds.ToHashSet();
        // Tiers in order: assigned to me (the (AssignedTo, Status) index), then escalated (Leads),
        // then new. The status tiers filter only by status in SQL so SQLite reads the
        // (Status, Priority, Id) index in priority order and stops early; leases, assignment and
        // caps are checked on each small batch here.
        var tiers = new List<IQueryable<Flag>>
        {
            db.Set<Flag>().AsNoTracking().Where(f => f.AssignedTo == user.Id && statuses.Contains(f.Status)),
        };
        if (rights.CanDecideEscalated)
        {
            tiers.Add(db.Set<Flag>().AsNoTracking().Where(f => f.Status == FlagStatus.Escalated));
        }

        tiers.Add(db.Set<Flag>().AsNoTracking().Where(f => f.Status == FlagStatus.New));

        for (var t = 0; t < tiers.Count; t++)
        {
            var claimed = await ClaimFromTierAsync(db, user, tiers[t], assignedTier: t == 0, statuses, capped, skippedSet, cancellationToken);
            if (claimed is not null)
            {
                return new ClaimResult(claimed, "Claimed.");
            }
        }

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
        if (await TryClaimAsync(db, user, flagId, statuses, cancellationToken))
        {
            return new LeaseOutcome(true, "Claimed.");
        }

        return new LeaseOutcome(false, await ExplainAsync(db, user, rights, flagId, cancellationToken));
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
            return refused;
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

    private async Task<long?> ClaimFromTierAsync(
        AppDbContext db,
        StaffUser user,
        IQueryable<Flag> tier,
        bool assignedTier,
        List<FlagStatus> statuses,
        List<string> capped,
        HashSet<long> skipped,
        CancellationToken cancellationToken)
    {
        int? lastPriority = null;
        var lastId = 0L;
        for (var batch = 0; batch < MaxBatches; batch++)
        {
            var query = tier;
            if (lastPriority is { } priority)
            {
                var id = lastId;
                query = query.Where(f => f.Priority < priority || (f.Priority == priority && f.Id < id));
            }

            var projected = query.Select(f => new { f.Id, f.Priority, f.AssignedTo, f.LeaseOwner, f.LeaseExpiresAt, f.TopCategory });
            // The assigned tier is a few rows found by the (AssignedTo, Status) index and ordered
            // here: an ORDER BY in SQL would tempt SQLite into walking the priority index instead.
            var rows = assignedTier
                ? [.. (await projected.ToListAsync(cancellationToken)).OrderByDescending(f => f.Priority).ThenByDescending(f => f.Id)]
                : await projected
                    .OrderByDescending(f => f.Priority).ThenByDescending(f => f.Id)
                    .Take(BatchSize)
                    .ToListAsync(cancellationToken);
            if (rows.Count == 0)
            {
                return null;
            }

            (lastPriority, lastId) = (rows[^1].Priority, rows[^1].Id);
            var now = clock.GetUtcNow();
            var candidates = rows
                .Where(r => assignedTier || r.AssignedTo is null)
                .Where(r => r.LeaseOwner is null || r.LeaseExpiresAt < now || r.LeaseOwner == user.Id)
                .Where(r => !skipped.Contains(r.Id) && !capped.Contains(r.TopCategory))
                .Select(r => r.Id)
                .ToList();
            if (capped.Count > 0 && candidates.Count > 0)
            {
                var cappedFlags = await db.Set<FlagCategoryScore>().AsNoTracking()
                    .Where(s => candidates.Contains(s.FlagId) && s.Flagged && capped.Contains(s.Category))
                    .Select(s => s.FlagId)
                    .ToListAsync(cancellationToken);
                candidates.RemoveAll(cappedFlags.Contains);
            }

            foreach (var candidate in candidates)
            {
                // Losing the race for one flag (someone claimed it since the read) moves on to the next.
                if (await TryClaimAsync(db, user, candidate, statuses, cancellationToken))
                {
                    return candidate;
                }
            }

            if (assignedTier)
            {
                return null;
            }
        }

        return null;
    }

    private async Task<bool> TryClaimAsync(AppDbContext db, StaffUser user, long flagId, List<FlagStatus> statuses, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + LeaseDuration;
        // The UPDATE is the transaction's first statement, so on SQLite it takes the write lock
        // before reading anything (no read-to-write upgrade that could fail under contention).
        var refused = await db.InTransactionAsync<bool?>(
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
                    return false;
                }

                await wellness.RecordExposureAsync(db, user, flagId, ct);

                await audit.AppendAsync(db, user, new AuditEntry("flag.claimed", "Flag", Id(flagId), $"Claimed flag {flagId} until {until:HH:mm:ss} UTC"), ct);
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

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
