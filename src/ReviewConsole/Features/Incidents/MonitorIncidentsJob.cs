using System.Globalization;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Appeals;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.BackgroundJobs;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Incidents;

/// <summary>
/// Keeps incidents honest without anyone watching: records the outcome of linked enforcement
/// actions on the timeline (once each), marks an acknowledged incident mitigated when its first
/// enforcement action takes effect, and marks SEV1/SEV2 incidents that went without an update for
/// the configured time (the incident page and the dashboard show the reminder). Every write is a
/// conditional update, so two nodes running it at once do the work once.
/// </summary>
public sealed class MonitorIncidentsJob(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, TimeProvider clock, IOptions<IncidentsOptions> options)
{
    public const string Name = "incidents-monitor";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await RecordEnforcementOutcomesAsync(cancellationToken);
        await RecordAppealsAsync(cancellationToken);
        await MarkStaleAsync(cancellationToken);
    }

    /// <summary>
    /// Appeals against the incident's enforcement actions reach its timeline: one entry when filed,
    /// one when decided. Each entry's text starts with a stable key ("Appeal #N filed" / "Appeal #N
    /// upheld|overturned"), so reruns and a second node add nothing twice (the incident's version is
    /// claimed as for enforcement outcomes).
    /// </summary>
    public async Task RecordAppealsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var appeals = await (from l in db.Set<IncidentLink>()
                             join p in db.Set<Appeal>() on l.TargetId equals p.EnforcementActionId
                             join i in db.Set<Incident>() on l.IncidentId equals i.Id
                             where l.Type == IncidentLinkType.EnforcementAction && i.Status != IncidentStatus.Closed
                             select new { l.IncidentId, Appeal = p }).ToListAsync(cancellationToken);
        foreach (var group in appeals.GroupBy(x => x.IncidentId))
        {
            var existing = await db.Set<IncidentTimelineEntry>().AsNoTracking()
                .Where(t => t.IncidentId == group.Key && t.Kind == TimelineEntryKind.Appeal)
                .Select(t => t.Text).ToListAsync(cancellationToken);
            var entries = new List<IncidentTimelineEntry>();
            foreach (var p in group.Select(x => x.Appeal))
            {
                var filed = string.Create(CultureInfo.InvariantCulture, $"Appeal #{p.Id} filed");
                if (!existing.Any(t => t.StartsWith(filed + " ", StringComparison.Ordinal)))
                {
                    entries.Add(new IncidentTimelineEntry { IncidentId = group.Key, Kind = TimelineEntryKind.Appeal, At = p.SubmittedAt, Author = StaffUser.System.Name, Text = $"{filed} against enforcement action #{p.EnforcementActionId} ({p.Source}).", EnforcementActionId = p.EnforcementActionId });
                }

                if (p.State != AppealState.Open && p.DecidedAt is { } decidedAt)
                {
                    var decided = string.Create(CultureInfo.InvariantCulture, $"Appeal #{p.Id} {p.State.ToString().ToLowerInvariant()}");
                    if (!existing.Any(t => t.StartsWith(decided + " ", StringComparison.Ordinal)))
                    {
                        entries.Add(new IncidentTimelineEntry { IncidentId = group.Key, Kind = TimelineEntryKind.Appeal, At = decidedAt, Author = StaffUser.System.Name, Text = $"{decided} by {p.DecidedBy} (enforcement action #{p.EnforcementActionId}).", EnforcementActionId = p.EnforcementActionId });
                    }
                }
            }

            if (entries.Count == 0)
            {
                continue;
            }

            var committed = await db.InTransactionAsync(
                async ct =>
                {
                    var version = await db.Set<Incident>().Where(i => i.Id == group.Key).Select(i => i.Version).SingleAsync(ct);
                    var claimed = await db.Set<Incident>().Where(i => i.Id == group.Key && i.Version == version)
                        .ExecuteUpdateAsync(s => s.SetProperty(i => i.Version, i => i.Version + 1), ct);
                    var stillMissing = await db.Set<IncidentTimelineEntry>().AsNoTracking()
                        .Where(t => t.IncidentId == group.Key && t.Kind == TimelineEntryKind.Appeal)
                        .CountAsync(ct) == existing.Count;
                    if (claimed == 0 || !stillMissing)
                    {
                        return false;
                    }

                    db.AddRange(entries);
                    await db.SaveChangesAsync(ct);
                    await audit.AppendAsync(db, StaffUser.System, new AuditEntry(
                        "incident.appeal-recorded", "Incident", group.Key.ToString(CultureInfo.InvariantCulture),
                        string.Join(" ", entries.Select(e => e.Text))), ct);
                    return true;
                },
                done => done,
                cancellationToken);
            if (!committed)
            {
                continue;
            }

            db.ChangeTracker.Clear();
        }
    }

    public async Task RecordEnforcementOutcomesAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var terminal = new[] { EnforcementState.Succeeded, EnforcementState.DeadLettered, EnforcementState.Cancelled };
        var outcomes = await (from l in db.Set<IncidentLink>()
                              join a in db.Set<EnforcementAction>() on l.TargetId equals a.Id
                              join i in db.Set<Incident>() on l.IncidentId equals i.Id
                              where l.Type == IncidentLinkType.EnforcementAction && terminal.Contains(a.State) && i.Status != IncidentStatus.Closed
                                    && !db.Set<IncidentTimelineEntry>().Any(t => t.IncidentId == l.IncidentId && t.Kind == TimelineEntryKind.EnforcementOutcome && t.EnforcementActionId == a.Id)
                              select new { l.IncidentId, Action = a }).ToListAsync(cancellationToken);
        foreach (var outcome in outcomes)
        {
            var committed = await db.InTransactionAsync(
                async ct =>
                {
                    // Claim the outcome by bumping the incident's version only if it is unchanged; a second node loses here.
                    var incident = await db.Set<Incident>().AsNoTracking().SingleAsync(i => i.Id == outcome.IncidentId, ct);
                    var already = await db.Set<IncidentTimelineEntry>().AnyAsync(t => t.IncidentId == incident.Id && t.Kind == TimelineEntryKind.EnforcementOutcome && t.EnforcementActionId == outcome.Action.Id, ct);
                    if (already)
                    {
                        return false;
                    }

                    var a = outcome.Action;
                    var at = a.CompletedAt ?? clock.GetUtcNow();
                    var mitigate = a.State == EnforcementState.Succeeded && incident.Status == IncidentStatus.Acknowledged;
                    var mitigatedAt = incident.AcknowledgedAt is { } ack && at < ack ? ack : at;
                    var claim = db.Set<Incident>().Where(i => i.Id == incident.Id && i.Version == incident.Version);
                    var claimed = mitigate
                        ? await claim.ExecuteUpdateAsync(
                            s => s.SetProperty(i => i.Version, i => i.Version + 1)
                                .SetProperty(i => i.Status, IncidentStatus.Mitigated)
                                .SetProperty(i => i.MitigatedAt, mitigatedAt)
                                .SetProperty(i => i.LastUpdateAt, clock.GetUtcNow())
                                .SetProperty(i => i.UpdateOverdueSince, (DateTimeOffset?)null),
                            ct)
                        : await claim.ExecuteUpdateAsync(s => s.SetProperty(i => i.Version, i => i.Version + 1), ct);
                    if (claimed == 0)
                    {
                        return false;
                    }

                    var text = $"{a.Kind} on {a.TargetType} {a.TargetId}: {a.State}{(a.LastError is { Length: > 0 } e && a.State != EnforcementState.Succeeded ? " — " + e : "")}.";
                    db.Add(new IncidentTimelineEntry { IncidentId = incident.Id, Kind = TimelineEntryKind.EnforcementOutcome, At = at, Author = StaffUser.System.Name, Text = text, EnforcementActionId = a.Id });
                    if (mitigate)
                    {
                        db.Add(new IncidentStatusChange { IncidentId = incident.Id, From = IncidentStatus.Acknowledged, To = IncidentStatus.Mitigated, At = mitigatedAt, RecordedAt = clock.GetUtcNow(), ChangedBy = StaffUser.System.Name, Note = $"Enforcement action #{a.Id} in effect" });
                        db.Add(new IncidentTimelineEntry { IncidentId = incident.Id, Kind = TimelineEntryKind.StatusChange, At = mitigatedAt, Author = StaffUser.System.Name, Text = $"Status Acknowledged → Mitigated. Enforcement action #{a.Id} in effect." });
                    }

                    await db.SaveChangesAsync(ct);
                    await audit.AppendAsync(db, StaffUser.System, new AuditEntry(
                        mitigate ? "incident.status" : "incident.enforcement-outcome", "Incident", incident.Id.ToString(CultureInfo.InvariantCulture),
                        mitigate ? $"Acknowledged → Mitigated (action #{a.Id} succeeded)" : text), ct);
                    return true;
                },
                done => done,
                cancellationToken);
            if (!committed)
            {
                continue;
            }

        }
    }

    public async Task<int> MarkStaleAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var marked = 0;
        foreach (var (severity, minutes) in new[] { (Severity.Sev1, options.Value.Sev1UpdateMinutes), (Severity.Sev2, options.Value.Sev2UpdateMinutes) })
        {
            var cutoff = now.AddMinutes(-minutes);
            var stale = await db.Set<Incident>()
                .Where(i => i.Severity == severity && i.UpdateOverdueSince == null && i.LastUpdateAt < cutoff
                            && i.Status != IncidentStatus.Resolved && i.Status != IncidentStatus.Closed)
                .Select(i => new { i.Id, i.LastUpdateAt }).ToListAsync(cancellationToken);
            foreach (var incident in stale)
            {
                var committed = await db.InTransactionAsync(
                    async ct =>
                    {
                        var updated = await db.Set<Incident>()
                            .Where(i => i.Id == incident.Id && i.UpdateOverdueSince == null && i.LastUpdateAt == incident.LastUpdateAt)
                            .ExecuteUpdateAsync(s => s.SetProperty(i => i.UpdateOverdueSince, now), ct);
                        if (updated == 0)
                        {
                            return false;
                        }

                        await audit.AppendAsync(db, StaffUser.System, new AuditEntry(
                            "incident.update-overdue", "Incident", incident.Id.ToString(CultureInfo.InvariantCulture),
                            $"No update for {minutes} minutes ({IncidentRules.Label(severity)})"), ct);
                        return true;
                    },
                    done => done,
                    cancellationToken);
                if (!committed)
                {
                    continue;
                }

                marked++;
            }
        }

        return marked;
    }
}

public sealed class IncidentJobsRegistration(IOptions<IncidentsOptions> options) : IRecurringJobRegistration
{
    public void Register(IRecurringJobManager recurring)
    {
        ArgumentNullException.ThrowIfNull(recurring);
        recurring.AddOrUpdate<MonitorIncidentsJob>(MonitorIncidentsJob.Name, job => job.RunAsync(CancellationToken.None), options.Value.MonitorCron);
    }
}
