using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Incidents;

/// <summary>Retrospectives and their action items.</summary>
public sealed partial class IncidentService
{
    /// <summary>A new retrospective's sections: the template, with the incident's timeline and numbers filled in.</summary>
    public async Task<RetrospectiveSections> TemplateAsync(long incidentId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var incident = await db.Set<Incident>().AsNoTracking().SingleAsync(i => i.Id == incidentId, cancellationToken);
        var entries = await db.Set<IncidentTimelineEntry>().AsNoTracking().Where(t => t.IncidentId == incidentId)
            .OrderBy(t => t.At).ThenBy(t => t.Id).ToListAsync(cancellationToken);
        var timeline = new StringBuilder();
        foreach (var entry in entries.Where(e => e.Kind != TimelineEntryKind.Note || e.Text.Length < 300))
        {
            timeline.Append("- **").Append(IncidentRules.Format(entry.At)).Append("** — ").AppendLine(entry.Text.ReplaceLineEndings(" "));
        }

        var metrics = IncidentRules.Metrics(incident);
        var impact = string.Create(CultureInfo.InvariantCulture, $"""
            - Generations affected: {incident.GenerationsAffected:N0}
            - End users affected: {incident.EndUsersAffected:N0}
            - Organizations affected: {incident.OrganizationsAffected:N0}
            - Harm level: {IncidentRules.Label(incident.HarmLevel)}; reversibility: {IncidentRules.Label(incident.Reversibility)}
            """);
        var detection = $"""
            - Detected by: {IncidentRules.Label(incident.DetectionSource)}
            - Abuse started (estimated): {(incident.AbuseStartedAt is { } s ? IncidentRules.Format(s) : "unknown")}
            - Time to acknowledge: {IncidentRules.Format(metrics.TimeToAcknowledge)}; to mitigate: {IncidentRules.Format(metrics.TimeToMitigate)}
            """;
        return new RetrospectiveSections(
            Summary: incident.Summary,
            Impact: impact,
            Timeline: timeline.ToString(),
            ContributingFactors: "- \n- \n",
            Detection: detection,
            WentWell: "- ",
            WentPoorly: "- ",
            PolicyGaps: "- ",
            ClassifierGaps: "- ");
    }

    /// <summary>Saves the draft (creating it on first save). <paramref name="expectedVersion"/> is the
    /// version the editor loaded (0 for a new one); a stale editor is refused, not overwritten.</summary>
    public async Task<int> SaveRetrospectiveAsync(long incidentId, RetrospectiveSections sections, int expectedVersion, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sections);
        ArgumentNullException.ThrowIfNull(by);
        var version = 0;
        await ChangeAsync(incidentId, by, "retrospective.saved", async (db, incident, now) =>
        {
            var retrospective = await db.Set<Retrospective>().SingleOrDefaultAsync(r => r.IncidentId == incident.Id, cancellationToken);
            if (retrospective is null)
            {
                retrospective = new Retrospective { IncidentId = incident.Id, UpdatedBy = by.Name };
                db.Add(retrospective);
                AddTimeline(db, incident, TimelineEntryKind.Retrospective, now, by, "Retrospective started.");
            }
            else if (retrospective.Version != expectedVersion)
            {
                throw new IncidentRuleException($"The retrospective was saved by {retrospective.UpdatedBy} meanwhile; reload it before saving.");
            }

            if (retrospective.Status == RetrospectiveStatus.Approved)
            {
                throw new IncidentRuleException("The retrospective is approved; it no longer changes.");
            }

            Apply(retrospective, sections);
            await RecordAuthorAsync(db, incident.Id, by, now, cancellationToken);
            retrospective.UpdatedBy = by.Name;
            retrospective.UpdatedAt = now;
            retrospective.Version++;
            version = retrospective.Version;
            return new AuditEntry("retrospective.saved", "Incident", incident.Id.ToString(CultureInfo.InvariantCulture), $"Retrospective saved (v{retrospective.Version}, {retrospective.Status})");
        }, cancellationToken);
        return version;
    }

    public Task SubmitRetrospectiveAsync(long incidentId, StaffUser by, CancellationToken cancellationToken) =>
        MoveRetrospectiveAsync(incidentId, by, RetrospectiveStatus.Draft, RetrospectiveStatus.InReview, "submitted for review", cancellationToken);

    /// <summary>A Lead sends it back to draft with what to change.</summary>
    public Task ReturnRetrospectiveAsync(long incidentId, string reason, StaffUser by, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new IncidentRuleException("Say what needs to change.");
        }

        return MoveRetrospectiveAsync(incidentId, by, RetrospectiveStatus.InReview, RetrospectiveStatus.Draft, "returned for changes: " + reason.Trim(), cancellationToken);
    }

    /// <summary>A Lead approves; the incident records its "retrospective done" time once it is resolved.</summary>
    public Task ApproveRetrospectiveAsync(long incidentId, StaffUser by, CancellationToken cancellationToken) =>
        MoveRetrospectiveAsync(incidentId, by, RetrospectiveStatus.InReview, RetrospectiveStatus.Approved, "approved", cancellationToken);

    private async Task MoveRetrospectiveAsync(long incidentId, StaffUser by, RetrospectiveStatus from, RetrospectiveStatus to, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        await ChangeAsync(incidentId, by, "retrospective." + to.ToString().ToLowerInvariant(), async (db, incident, now) =>
        {
            var needsLead = from == RetrospectiveStatus.InReview;
            if (needsLead && by != StaffUser.System && !await HasRoleAsync(db, by.Id, [Roles.Lead], cancellationToken))
            {
                throw new UnauthorizedAccessException("Only a Lead reviews and approves retrospectives.");
            }

            var retrospective = await db.Set<Retrospective>().SingleOrDefaultAsync(r => r.IncidentId == incident.Id, cancellationToken)
                ?? throw new IncidentRuleException("There is no retrospective yet; write and save one first.");
            if (retrospective.Status != from)
            {
                throw new IncidentRuleException($"The retrospective is {retrospective.Status}; it cannot be {what.Split(':')[0]} now.");
            }

            if (to == RetrospectiveStatus.InReview)
            {
                await RecordAuthorAsync(db, incident.Id, by, now, cancellationToken);
                retrospective.SubmittedBy = by.Name;
                retrospective.SubmittedAt = now;
            }

            if (to == RetrospectiveStatus.Approved)
            {
                if (incident.Status is not (IncidentStatus.Resolved or IncidentStatus.Closed))
                {
                    throw new IncidentRuleException("Approve the retrospective after the incident is resolved.");
                }

                // Review is a second person's: whoever saved or submitted any version cannot approve it.
                if (by != StaffUser.System && await db.Set<RetrospectiveAuthor>().AnyAsync(a => a.IncidentId == incident.Id && a.UserId == by.Id, cancellationToken))
                {
                    throw new IncidentRuleException("You wrote or submitted this retrospective; a Lead who is not one of its authors approves it.");
                }

                retrospective.ApprovedBy = by.Name;
                retrospective.ApprovedAt = now;
                incident.RetrospectiveDoneAt = now;
                IncidentRules.EnsureOrder(incident, now);
            }

            retrospective.Status = to;
            retrospective.Version++;
            AddTimeline(db, incident, TimelineEntryKind.Retrospective, now, by, $"Retrospective {what}.");
            return new AuditEntry("", "Incident", incident.Id.ToString(CultureInfo.InvariantCulture), $"Retrospective {what}");
        }, cancellationToken);
    }

    public async Task<long> AddActionItemAsync(long incidentId, NewActionItem item, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(by);
        if (string.IsNullOrWhiteSpace(item.Title) || string.IsNullOrWhiteSpace(item.OwnerId))
        {
            throw new IncidentRuleException("An action item needs a title and an owner.");
        }

        IncidentActionItem? created = null;
        await ChangeAsync(incidentId, by, "incident.action-item", async (db, incident, now) =>
        {
            created = new IncidentActionItem
            {
                IncidentId = incident.Id,
                Title = item.Title.Trim(),
                OwnerId = item.OwnerId,
                OwnerName = item.OwnerName,
                DueOn = item.DueOn,
                Status = ActionItemStatus.Open,
                CreatedBy = by.Name,
                CreatedAt = now,
            };
            db.Add(created);
            AddTimeline(db, incident, TimelineEntryKind.ActionItem, now, by, $"Action item for {item.OwnerName}, due {item.DueOn:yyyy-MM-dd}: {created.Title}");
            await Task.CompletedTask;
            return new AuditEntry("", "Incident", incident.Id.ToString(CultureInfo.InvariantCulture), $"Action item added: {created.Title}");
        }, cancellationToken);
        return created!.Id;
    }

    /// <summary>Done, won't do (with a reason) or reopened.</summary>
    public async Task SetActionItemStatusAsync(long actionItemId, ActionItemStatus status, string? resolution, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        if (status == ActionItemStatus.WontDo && string.IsNullOrWhiteSpace(resolution))
        {
            throw new IncidentRuleException("Won't do needs a reason.");
        }

        long incidentId;
        await using (var lookup = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            incidentId = await lookup.Set<IncidentActionItem>().Where(a => a.Id == actionItemId).Select(a => (long?)a.IncidentId).SingleOrDefaultAsync(cancellationToken)
                ?? throw new IncidentRuleException($"Action item {actionItemId} does not exist.");
        }

        await ChangeAsync(incidentId, by, "incident.action-item", async (db, incident, now) =>
        {
            var item = await db.Set<IncidentActionItem>().SingleAsync(a => a.Id == actionItemId, cancellationToken);
            var from = item.Status;
            item.Status = status;
            item.Resolution = status == ActionItemStatus.Open ? null : resolution?.Trim();
            item.ClosedAt = status == ActionItemStatus.Open ? null : now;
            var label = status == ActionItemStatus.WontDo ? "won't do" : status.ToString().ToLowerInvariant();
            AddTimeline(db, incident, TimelineEntryKind.ActionItem, now, by, $"Action item \"{item.Title}\": {label}{(item.Resolution is { Length: > 0 } r ? " — " + r : "")}.");
            return new AuditEntry("", "IncidentActionItem", item.Id.ToString(CultureInfo.InvariantCulture), $"{from} → {status}", item.Resolution);
        }, cancellationToken, allowClosed: true);
    }

    /// <summary>Remembers who contributed to the retrospective (once per person), so they cannot approve it.</summary>
    private static async Task RecordAuthorAsync(AppDbContext db, long incidentId, StaffUser by, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (by == StaffUser.System
            || db.ChangeTracker.Entries<RetrospectiveAuthor>().Any(e => e.Entity.IncidentId == incidentId && e.Entity.UserId == by.Id)
            || await db.Set<RetrospectiveAuthor>().AnyAsync(a => a.IncidentId == incidentId && a.UserId == by.Id, cancellationToken))
        {
            return;
        }

        db.Add(new RetrospectiveAuthor { IncidentId = incidentId, UserId = by.Id, UserName = by.Name, FirstContributedAt = now });
    }

    /// <summary>Overdue = still open and its due date is before today (UTC); due today is not overdue yet.</summary>
    public static bool IsOverdue(ActionItemStatus status, DateOnly dueOn, DateTimeOffset now) =>
        status == ActionItemStatus.Open && dueOn < DateOnly.FromDateTime(now.UtcDateTime);

    private static void Apply(Retrospective r, RetrospectiveSections s)
    {
        r.Summary = s.Summary;
        r.Impact = s.Impact;
        r.Timeline = s.Timeline;
        r.ContributingFactors = s.ContributingFactors;
        r.Detection = s.Detection;
        r.WentWell = s.WentWell;
        r.WentPoorly = s.WentPoorly;
        r.PolicyGaps = s.PolicyGaps;
        r.ClassifierGaps = s.ClassifierGaps;
    }

    internal static RetrospectiveSections SectionsOf(Retrospective r) =>
        new(r.Summary, r.Impact, r.Timeline, r.ContributingFactors, r.Detection, r.WentWell, r.WentPoorly, r.PolicyGaps, r.ClassifierGaps);
}
