using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Incidents;

/// <summary>What the incident pages read.</summary>
public sealed partial class IncidentService
{
    public async Task<IReadOnlyList<IncidentSummary>> ListAsync(IncidentFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Set<Incident>().AsNoTracking();
        if (filter.Status is { } status)
        {
            query = query.Where(i => i.Status == status);
        }

        if (filter.OpenOnly)
        {
            query = query.Where(i => i.Status != IncidentStatus.Closed);
        }

        if (filter.Severity is { } severity)
        {
            query = query.Where(i => i.Severity == severity);
        }

        if (filter.MisuseType is { } type)
        {
            query = query.Where(i => i.MisuseType == type);
        }

        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var term = filter.Search.Trim();
            query = query.Where(i => i.Title.Contains(term) || i.Summary.Contains(term));
        }

        return await query.OrderByDescending(i => i.DetectedAt).ThenByDescending(i => i.Id).Take(500)
            .Select(i => new IncidentSummary(i.Id, i.Title, i.Severity, i.MisuseType, i.Status, i.DetectedAt, i.CommanderName, i.LastUpdateAt, i.UpdateOverdueSince != null))
            .ToListAsync(cancellationToken);
    }

    public async Task<IncidentDetails?> GetAsync(long incidentId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var incident = await db.Set<Incident>().AsNoTracking().Include(i => i.Responders).SingleOrDefaultAsync(i => i.Id == incidentId, cancellationToken);
        if (incident is null)
        {
            return null;
        }

        var timeline = await db.Set<IncidentTimelineEntry>().AsNoTracking().Where(t => t.IncidentId == incidentId)
            .OrderBy(t => t.At).ThenBy(t => t.Id)
            .Select(t => new TimelineView(t.Id, t.Kind, t.At, t.Author, t.Text)).ToListAsync(cancellationToken);
        var statuses = await db.Set<IncidentStatusChange>().AsNoTracking().Where(s => s.IncidentId == incidentId)
            .OrderBy(s => s.RecordedAt).ThenBy(s => s.Id)
            .Select(s => new StatusChangeView(s.From, s.To, s.At, s.RecordedAt, s.ChangedBy, s.Note)).ToListAsync(cancellationToken);
        var roles = await db.Set<IncidentRoleChange>().AsNoTracking().Where(r => r.IncidentId == incidentId)
            .OrderBy(r => r.ChangedAt).ThenBy(r => r.Id)
            .Select(r => new RoleChangeView(r.Role, r.UserName, r.Removed, r.ChangedBy, r.ChangedAt)).ToListAsync(cancellationToken);
        var links = await db.Set<IncidentLink>().AsNoTracking().Where(l => l.IncidentId == incidentId).OrderBy(l => l.Id).ToListAsync(cancellationToken);
        var linkViews = new List<LinkView>();
        foreach (var group in links.GroupBy(l => l.Type))
        {
            var ids = group.Select(l => l.TargetId).ToList();
            var labels = group.Key switch
            {
                IncidentLinkType.Flag => await db.Set<Flag>().Where(f => ids.Contains(f.Id)).ToDictionaryAsync(f => f.Id, f => $"Flag #{f.Id} · {f.TopCategory} · {f.UpstreamId}", cancellationToken),
                IncidentLinkType.Cluster => await db.Set<FlagCluster>().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => $"Cluster #{c.Id} · {c.Size} flags", cancellationToken),
                IncidentLinkType.Organization => await db.Set<Organization>().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => $"{o.Name} ({o.ExternalId})", cancellationToken),
                IncidentLinkType.Application => await db.Set<Application>().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => $"{a.Name} ({a.ExternalId})", cancellationToken),
                IncidentLinkType.ApiKey => await db.Set<ApiKey>().Where(k => ids.Contains(k.Id)).ToDictionaryAsync(k => k.Id, k => $"Key {k.Prefix}… ({k.ExternalId})", cancellationToken),
                _ => ids.ToDictionary(id => id, id => $"Enforcement action #{id}"),
            };
            linkViews.AddRange(group.Select(l => new LinkView(l.Type, l.TargetId, labels.GetValueOrDefault(l.TargetId, $"{LinkNoun(l.Type)} #{l.TargetId}"))));
        }

        var actionIds = links.Where(l => l.Type == IncidentLinkType.EnforcementAction).Select(l => l.TargetId).ToList();
        var actions = await db.Set<EnforcementAction>().AsNoTracking().Where(a => actionIds.Contains(a.Id)).OrderBy(a => a.Id)
            .Select(a => new EnforcementView(a.Id, a.Kind, a.TargetType, a.TargetId, a.State, a.RequestedAt, a.CompletedAt, a.RequestedBy)).ToListAsync(cancellationToken);
        var retrospective = await db.Set<Retrospective>().AsNoTracking().SingleOrDefaultAsync(r => r.IncidentId == incidentId, cancellationToken);
        var now = clock.GetUtcNow();
        var items = await db.Set<IncidentActionItem>().AsNoTracking().Where(a => a.IncidentId == incidentId).OrderBy(a => a.DueOn).ThenBy(a => a.Id).ToListAsync(cancellationToken);
        return new IncidentDetails(
            incident,
            IncidentRules.Metrics(incident),
            incident.Responders.OrderBy(r => r.AddedAt).Select(r => new StaffMember(r.UserId, r.UserName)).ToList(),
            timeline,
            statuses,
            roles,
            linkViews,
            actions,
            retrospective is null ? null : new RetrospectiveView(retrospective.Status, SectionsOf(retrospective), retrospective.UpdatedBy, retrospective.UpdatedAt, retrospective.SubmittedBy, retrospective.ApprovedBy, retrospective.ApprovedAt, retrospective.Version),
            items.Select(a => new ActionItemView(a.Id, a.Title, a.OwnerId, a.OwnerName, a.DueOn, a.Status, a.Resolution, IsOverdue(a.Status, a.DueOn, now))).ToList());
    }

    /// <summary>Staff who can take an incident role (responders, Leads, Admins), for the pickers.</summary>
    public async Task<IReadOnlyList<StaffMember>> ListStaffAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var roles = IncidentRules.EditorRoles;
        var staff = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           join u in db.Users on ur.UserId equals u.Id
                           where !u.IsDisabled && roles.Contains(r.Name!)
                           select new { u.Id, u.UserName, u.DisplayName }).Distinct().ToListAsync(cancellationToken);
        return staff.Select(s => new StaffMember(s.Id, string.IsNullOrWhiteSpace(s.DisplayName) ? s.UserName ?? s.Id : s.DisplayName))
            .OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Whether the user may change incidents (pages hide mutating actions otherwise; the service refuses anyway).</summary>
    public static bool CanEdit(Func<string, bool> isInRole)
    {
        ArgumentNullException.ThrowIfNull(isInRole);
        return IncidentRules.EditorRoles.Any(isInRole);
    }
}
