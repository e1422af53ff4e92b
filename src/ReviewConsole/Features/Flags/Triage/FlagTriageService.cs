using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Identity;
using ReviewConsole.Data.Policies;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Features.Quality;
using ReviewConsole.Features.Wellness;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Flags.Triage;

/// <summary>Reads for the triage view (flag, policy, actor history, cluster) and the audited reveal.</summary>
public sealed class FlagTriageService(IDbContextFactory<AppDbContext> dbFactory, WellnessService wellness, TimeProvider clock, IOptions<FlagsTriageOptions> options)
{
    /// <summary>How many of a cluster's members the panel lists (and a cluster decision counts as shown).</summary>
    public const int ClusterMembersShown = 50;

    private const int PriorDecisionsShown = 10;
    private const int OpenEnforcementShown = 20;

    private static readonly EnforcementState[] FinalStates = [EnforcementState.Succeeded, EnforcementState.DeadLettered, EnforcementState.Cancelled];

    public SlaState SlaOf(FlagStatus status, DateTimeOffset dueAt)
    {
        var now = clock.GetUtcNow();
        if (status == FlagStatus.Decided)
        {
            return SlaState.Closed;
        }

        return dueAt <= now ? SlaState.Breached : dueAt <= now.AddMinutes(options.Value.SlaDueSoonMinutes) ? SlaState.DueSoon : SlaState.Ok;
    }

    public async Task<FlagDetails?> GetAsync(long flagId, StaffUser viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var flag = await db.Set<Flag>().AsNoTracking().Include(f => f.Scores).SingleOrDefaultAsync(f => f.Id == flagId, cancellationToken);
        if (flag is null)
        {
            return null;
        }

        var categories = await db.Set<PolicyCategory>().AsNoTracking().Where(c => c.IsActive).OrderBy(c => c.Key).ToListAsync(cancellationToken);
        var byKey = categories.ToDictionary(c => c.Key, StringComparer.Ordinal);
        var scores = flag.Scores
            .OrderByDescending(s => s.Score)
            .Select(s => new CategoryScoreView(
                s.Category,
                byKey.TryGetValue(s.Category, out var c) ? c.Name : s.Category,
                s.Score,
                s.Flagged,
                byKey.TryGetValue(s.Category, out var b) && b.BlurByDefault))
            .ToList();
        var policies = categories.Select(c => new PolicyView(c.Key, c.Name, c.PolicyClause, c.PolicyText, c.Version, c.BlurByDefault)).ToList();

        var now = clock.GetUtcNow();
        var leaseActive = flag.LeaseOwner is not null && flag.LeaseExpiresAt > now;
        var lease = new LeaseView(
            leaseActive ? flag.LeaseOwner : null,
            leaseActive ? await FlagClaimService.DisplayNameAsync(db, flag.LeaseOwner!, cancellationToken) : null,
            leaseActive ? flag.LeaseExpiresAt : null,
            leaseActive && flag.LeaseOwner == viewer.Id,
            leaseActive && flag.LeaseOwner != viewer.Id);
        var assignedTo = flag.AssignedTo is null ? null : await FlagClaimService.DisplayNameAsync(db, flag.AssignedTo, cancellationToken);

        var decisions = await db.Set<FlagDecision>().AsNoTracking().Where(d => d.FlagId == flagId)
            .OrderByDescending(d => d.DecidedAt)
            .Select(d => new DecisionView(d.Id, d.FlagId, d.Verdict, d.ConfirmedCategories, d.Action, d.PolicyClause, d.Reason, d.DecidedByName, d.DecidedAt, d.PolicyVersions, d.SeenByDecider))
            .ToListAsync(cancellationToken);
        var decisionPolicies = await PolicyVersionStamp.ResolveAsync(db, decisions.Select(d => d.PolicyVersions), cancellationToken);

        var details = new FlagDetails(
            flag.Id,
            flag.UpstreamId,
            flag.Status,
            flag.Priority,
            flag.CreatedAt,
            flag.SlaDueAt,
            SlaOf(flag.Status, flag.SlaDueAt),
            flag.Model,
            flag.Prompt,
            flag.Completion,
            flag.Redacted,
            string.IsNullOrEmpty(flag.ClassifierVersion) ? flag.ClassifierName : $"{flag.ClassifierName} {flag.ClassifierVersion}",
            scores,
            policies,
            await ActorAsync(db, flag, cancellationToken),
            flag.ClusterId is { } clusterId ? await ClusterAsync(db, clusterId, cancellationToken) : null,
            lease,
            assignedTo,
            decisions)
        {
            DecisionPolicies = decisionPolicies,
            PriorityBreakdown = PriorityCalculator.FromJson(flag.PriorityBreakdownJson),
        };

        // Review quality: a golden item or a second review is shown as a new flag held by the viewer.
        return await BlindTriageView.ApplyAsync(db, viewer, flag, details, now, SlaOf, cancellationToken);
    }

    /// <summary>The stored breakdown of one flag's priority (the queue reads it on demand).</summary>
    public async Task<PriorityBreakdown?> PriorityBreakdownAsync(long flagId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var json = await db.Set<Flag>().AsNoTracking().Where(f => f.Id == flagId).Select(f => f.PriorityBreakdownJson).SingleOrDefaultAsync(cancellationToken);
        return PriorityCalculator.FromJson(json);
    }

    /// <summary>Counts an open of the flag's full text against <paramref name="viewer"/>'s daily
    /// exposure caps (opening a flag from the queue shows its content just as a claim does; the
    /// access itself is audited by FlagContentView). Returns null when the content may be shown, or
    /// the category whose cap it would pass (then nothing is counted and the page withholds it).</summary>
    public async Task<string?> CountOpenExposureAsync(long flagId, StaffUser viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync(
            ct => wellness.CountExposureAsync(db, viewer, [flagId], ct),
            cappedBy => cappedBy is null,
            cancellationToken);
    }

    /// <summary>Staff who can take an assigned flag (Reviewers and Leads, enabled).</summary>
    public async Task<IReadOnlyList<ReviewerOption>> AssignableReviewersAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var roleIds = db.Roles.Where(r => r.Name == Roles.Reviewer || r.Name == Roles.Lead).Select(r => r.Id);
        var userIds = db.UserRoles.Where(ur => roleIds.Contains(ur.RoleId)).Select(ur => ur.UserId);
        var users = await db.Set<AppUser>().AsNoTracking()
            .Where(u => userIds.Contains(u.Id) && !u.IsDisabled)
            .Select(u => new { u.Id, u.DisplayName, u.Email })
            .ToListAsync(cancellationToken);
        return users
            .Select(u => new ReviewerOption(u.Id, string.IsNullOrEmpty(u.DisplayName) ? u.Email ?? u.Id : u.DisplayName))
            .OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    private static async Task<ActorPanel> ActorAsync(AppDbContext db, Flag flag, CancellationToken cancellationToken)
    {
        var org = await db.Set<Organization>().AsNoTracking().SingleAsync(o => o.Id == flag.OrganizationId, cancellationToken);
        var app = await db.Set<Application>().AsNoTracking().SingleAsync(a => a.Id == flag.ApplicationId, cancellationToken);
        var key = await db.Set<ApiKey>().AsNoTracking().SingleAsync(k => k.Id == flag.ApiKeyId, cancellationToken);

        // Bounded reads only: the counter kept by decisions, the newest decisions by the
        // (OrganizationId, DecidedAt) index, and the newest open actions.
        var strikes = org.ConfirmedViolations;
        var prior = await db.Set<FlagDecision>().AsNoTracking()
            .Where(d => d.OrganizationId == flag.OrganizationId && d.FlagId != flag.Id)
            .OrderByDescending(d => d.DecidedAt)
            .Take(PriorDecisionsShown)
            .Select(d => new DecisionView(d.Id, d.FlagId, d.Verdict, d.ConfirmedCategories, d.Action, d.PolicyClause, d.Reason, d.DecidedByName, d.DecidedAt))
            .ToListAsync(cancellationToken);
        var open = await db.Set<EnforcementAction>().AsNoTracking()
            .Where(a => a.OrganizationId == flag.OrganizationId && !FinalStates.Contains(a.State))
            .OrderByDescending(a => a.Id)
            .Take(OpenEnforcementShown)
            .Select(a => new OpenEnforcementView(a.Id, a.Kind, a.State, a.TargetType, a.TargetId, a.RequestedAt, a.RequestedBy))
            .ToListAsync(cancellationToken);

        return new ActorPanel(
            org.Id, org.ExternalId, org.Name, org.Status, org.IsHighProfile,
            app.ExternalId, app.Name, app.Status,
            key.ExternalId, key.Prefix, key.Status,
            strikes, prior, open);
    }

    private static async Task<ClusterView?> ClusterAsync(AppDbContext db, long clusterId, CancellationToken cancellationToken)
    {
        var cluster = await db.Set<FlagCluster>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == clusterId, cancellationToken);
        if (cluster is null)
        {
            return null;
        }

        // The (ClusterId, Priority, Id) index yields the first rows in order; sizes are the counters.
        var members = await db.Set<Flag>().AsNoTracking().Where(f => f.ClusterId == clusterId)
            .OrderByDescending(f => f.Priority).ThenByDescending(f => f.Id)
            .Take(ClusterMembersShown)
            .Select(f => new { f.Id, f.Status, f.Priority, f.TopCategory, f.TopScore, f.OrganizationId, f.CreatedAt })
            .ToListAsync(cancellationToken);
        var orgIds = members.Select(m => m.OrganizationId).Distinct().ToList();
        var orgs = await db.Set<Organization>().AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.ExternalId, cancellationToken);
        var rows = members
            .Select(m => new ClusterMember(m.Id, m.Status, m.Priority, m.TopCategory, m.TopScore, orgs.GetValueOrDefault(m.OrganizationId, ""), m.CreatedAt))
            .ToList();
        return new ClusterView(cluster.Id, cluster.Size, cluster.FirstSeenAt, cluster.LastSeenAt, cluster.Excerpt, rows, cluster.OpenCount);
    }
}
