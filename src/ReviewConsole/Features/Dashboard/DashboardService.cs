using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Infrastructure.Health;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Dashboard;

public sealed record DashboardSnapshot(HealthReport Health, IReadOnlyList<RoleHeadcount> Staff, int DisabledUsers, OperationsSnapshot Operations);

public sealed record RoleHeadcount(string Role, int Users);

/// <summary>Open flags of one queue (New or Escalated) and category.</summary>
public sealed record QueueDepth(string Queue, string Category, int Open, int SlaBreached, DateTimeOffset OldestCreatedAt);

public sealed record ReviewerActivity(string UserId, string Name, int DecisionsToday, bool HoldsLease, DateTimeOffset? LastDecisionAt);

public sealed record MajorIncident(long Id, string Title, Severity Severity, IncidentStatus Status, DateTimeOffset DetectedAt, string? CommanderName, bool UpdateOverdue);

public sealed record OverdueActionItem(long Id, long IncidentId, string IncidentTitle, string Title, string OwnerName, DateOnly DueOn);

/// <summary>The operations half of the dashboard: queues, reviewers, enforcement, intake and incidents.</summary>
public sealed record OperationsSnapshot(
    DateTimeOffset At,
    IReadOnlyList<QueueDepth> Queues,
    int OpenFlags,
    int SlaBreached,
    DateTimeOffset? OldestOpenFlagAt,
    int DecisionsToday,
    IReadOnlyList<ReviewerActivity> Reviewers,
    int ReviewersOnline,
    IReadOnlyList<(EnforcementState State, int Count)> EnforcementBacklog,
    int DeadLetters,
    int IngestionErrors24h,
    IReadOnlyList<MajorIncident> OpenMajorIncidents,
    IReadOnlyList<OverdueActionItem> OverdueActionItems);

public sealed class DashboardService(IDbContextFactory<AppDbContext> dbFactory, HealthService health, TimeProvider clock)
{
    /// <summary>A reviewer counts as online while holding a live lease or having decided this recently.</summary>
    public static readonly TimeSpan OnlineWindow = TimeSpan.FromMinutes(15);

    public async Task<DashboardSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        var report = await health.CheckAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var counts = await (from ur in db.UserRoles
                            join r in db.Roles on ur.RoleId equals r.Id
                            join u in db.Users on ur.UserId equals u.Id
                            where !u.IsDisabled
                            group ur by r.Name into g
                            select new { Role = g.Key!, Users = g.Count() })
            .ToDictionaryAsync(x => x.Role, x => x.Users, cancellationToken);
        var staff = Roles.All.Select(role => new RoleHeadcount(role, counts.GetValueOrDefault(role))).ToList();
        var disabled = await db.Users.CountAsync(u => u.IsDisabled, cancellationToken);
        var operations = await GetOperationsAsync(cancellationToken);
        return new DashboardSnapshot(report, staff, disabled, operations);
    }

    public async Task<OperationsSnapshot> GetOperationsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var startOfDay = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);

        // An IN over the open statuses (not "<> Decided") lets the (Status, TopCategory, SlaDueAt,
        // CreatedAt) index answer from its open ranges alone.
        var open = db.Set<Flag>().AsNoTracking().Where(f => f.Status == FlagStatus.New || f.Status == FlagStatus.Escalated);
        var queues = (await open.GroupBy(f => new { f.Status, f.TopCategory })
                .Select(g => new { g.Key.Status, g.Key.TopCategory, Open = g.Count(), Breached = g.Count(f => f.SlaDueAt < now), Oldest = g.Min(f => f.CreatedAt) })
                .ToListAsync(cancellationToken))
            .Select(q => new QueueDepth(q.Status.ToString(), q.TopCategory, q.Open, q.Breached, q.Oldest))
            .OrderBy(q => q.Queue, StringComparer.Ordinal).ThenByDescending(q => q.Open).ToList();

        var today = await db.Set<FlagDecision>().AsNoTracking().Where(d => d.DecidedAt >= startOfDay)
            .GroupBy(d => d.DecidedBy).Select(g => new { UserId = g.Key, Count = g.Count(), Last = g.Max(d => d.DecidedAt) })
            .ToListAsync(cancellationToken);
        var recentCutoff = now - OnlineWindow;
        var recentDeciders = await db.Set<FlagDecision>().AsNoTracking().Where(d => d.DecidedAt >= recentCutoff)
            .Select(d => d.DecidedBy).Distinct().ToListAsync(cancellationToken);
        var leaseHolders = await db.Set<Flag>().AsNoTracking().Where(f => f.LeaseOwner != null && f.LeaseExpiresAt > now)
            .Select(f => f.LeaseOwner!).Distinct().ToListAsync(cancellationToken);
        var reviewerIds = today.Select(t => t.UserId).Union(leaseHolders).Union(recentDeciders).ToList();
        var names = await db.Users.AsNoTracking().Where(u => reviewerIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => string.IsNullOrEmpty(u.DisplayName) ? u.UserName ?? u.Id : u.DisplayName, cancellationToken);
        var reviewers = reviewerIds.Select(id =>
            {
                var t = today.FirstOrDefault(x => x.UserId == id);
                return new ReviewerActivity(id, names.GetValueOrDefault(id, id), t?.Count ?? 0, leaseHolders.Contains(id), t?.Last);
            })
            .OrderByDescending(r => r.DecisionsToday).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var online = leaseHolders.Union(recentDeciders).Count();

        var backlogStates = new[] { EnforcementState.PendingApproval, EnforcementState.Pending, EnforcementState.InProgress, EnforcementState.Retrying };
        var backlog = (await db.Set<EnforcementAction>().AsNoTracking().Where(a => backlogStates.Contains(a.State))
                .GroupBy(a => a.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken))
            .Select(x => (x.Key, x.Count)).OrderBy(x => x.Key).ToList();
        var deadLetters = await db.Set<EnforcementAction>().CountAsync(a => a.State == EnforcementState.DeadLettered, cancellationToken);
        var dayAgo = now.AddDays(-1);
        var ingestionErrors = await db.Set<IngestionError>().CountAsync(e => e.ReceivedAt >= dayAgo, cancellationToken);

        var majors = await db.Set<Incident>().AsNoTracking()
            .Where(i => (i.Severity == Severity.Sev1 || i.Severity == Severity.Sev2) && i.Status != IncidentStatus.Closed)
            .OrderBy(i => i.Severity).ThenBy(i => i.DetectedAt)
            .Select(i => new MajorIncident(i.Id, i.Title, i.Severity, i.Status, i.DetectedAt, i.CommanderName, i.UpdateOverdueSince != null))
            .ToListAsync(cancellationToken);
        var todayDate = DateOnly.FromDateTime(now.UtcDateTime);
        var overdue = await (from a in db.Set<IncidentActionItem>()
                             join i in db.Set<Incident>() on a.IncidentId equals i.Id
                             where a.Status == ActionItemStatus.Open && a.DueOn < todayDate
                             orderby a.DueOn
                             select new OverdueActionItem(a.Id, i.Id, i.Title, a.Title, a.OwnerName, a.DueOn)).ToListAsync(cancellationToken);

        return new OperationsSnapshot(
            now,
            queues,
            queues.Sum(q => q.Open),
            queues.Sum(q => q.SlaBreached),
            queues.Count == 0 ? null : queues.Min(q => q.OldestCreatedAt),
            today.Sum(t => t.Count),
            reviewers,
            online,
            backlog,
            deadLetters,
            ingestionErrors,
            majors,
            overdue);
    }
}
