using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Incidents;

/// <summary>
/// Opens incidents and moves them through the workflow. Every change is one transaction that
/// also writes its timeline entry and its audit event. Roles are checked here, not only on the
/// page: Auditors (and anyone outside <see cref="IncidentRules.EditorRoles"/>) are refused.
/// </summary>
public sealed partial class IncidentService(
    IDbContextFactory<AppDbContext> dbFactory,
    AuditLog audit,
    EnforcementService enforcement,
    TimeProvider clock)
{
    public async Task<long> OpenAsync(OpenIncidentRequest request, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(by);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await EnsureEditorAsync(db, by, cancellationToken);
        long id = default!;
        await db.InTransactionAsync(
            async ct =>
            {
                id = await OpenCoreAsync(db, request, by, ct);
            },
            cancellationToken);
        return id;
    }

    /// <summary>
    /// Opens an incident inside the caller's transaction, for a reviewer's "open incident" decision:
    /// the reviewer raises it (and is recorded as its opener); incident responders take it from there.
    /// </summary>
    public Task<long> OpenFromDecisionAsync(AppDbContext db, OpenIncidentRequest request, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(by);
        return OpenCoreAsync(db, request, by, cancellationToken);
    }

    private async Task<long> OpenCoreAsync(AppDbContext db, OpenIncidentRequest request, StaffUser by, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Title))
        {
            throw new IncidentRuleException("An incident needs a title.");
        }

        var now = clock.GetUtcNow();
        var backfilled = request.AcknowledgedAt is not null || request.MitigatedAt is not null || request.ResolvedAt is not null
            || (request.DetectedAt is { } d && d < now.AddMinutes(-5));
        var incident = new Incident
        {
            Title = request.Title.Trim(),
            Summary = request.Summary.Trim(),
            MisuseType = request.MisuseType,
            Severity = request.Severity,
            HarmLevel = request.HarmLevel,
            Reversibility = request.Reversibility,
            DetectionSource = request.DetectionSource,
            GenerationsAffected = Math.Max(0, request.GenerationsAffected),
            EndUsersAffected = Math.Max(0, request.EndUsersAffected),
            OrganizationsAffected = Math.Max(0, request.OrganizationsAffected),
            AbuseStartedAt = request.AbuseStartedAt,
            DetectedAt = request.DetectedAt ?? now,
            AcknowledgedAt = request.AcknowledgedAt,
            MitigatedAt = request.MitigatedAt,
            ResolvedAt = request.ResolvedAt,
            Backfilled = backfilled,
            OpenedBy = by.Name,
            OpenedAt = now,
            LastUpdateAt = now,
        };
        if ((request.MitigatedAt is not null && request.AcknowledgedAt is null) || (request.ResolvedAt is not null && request.MitigatedAt is null))
        {
            throw new IncidentRuleException("A backfill gives every step up to the latest one: acknowledged before mitigated before resolved.");
        }

        IncidentRules.EnsureOrder(incident, now);
        incident.Status = incident.ResolvedAt is not null ? IncidentStatus.Resolved
            : incident.MitigatedAt is not null ? IncidentStatus.Mitigated
            : incident.AcknowledgedAt is not null ? IncidentStatus.Acknowledged
            : IncidentStatus.Detected;

        db.Add(incident);
        await db.SaveChangesAsync(cancellationToken);

        AddStatusChange(db, incident, null, IncidentStatus.Detected, incident.DetectedAt, by, backfilled ? "Backfilled" : null, now);
        foreach (var (status, at) in new[] { (IncidentStatus.Acknowledged, incident.AcknowledgedAt), (IncidentStatus.Mitigated, incident.MitigatedAt), (IncidentStatus.Resolved, incident.ResolvedAt) })
        {
            if (at is { } value)
            {
                AddStatusChange(db, incident, status - 1, status, value, by, "Backfilled", now);
            }
        }

        foreach (var flagId in request.FlagIds.Distinct())
        {
            await LinkCoreAsync(db, incident, IncidentLinkType.Flag, flagId, by, now, cancellationToken);
        }

        if (request.ClusterId is { } clusterId)
        {
            await LinkCoreAsync(db, incident, IncidentLinkType.Cluster, clusterId, by, now, cancellationToken);
        }

        if (request.OrganizationId is { } orgId)
        {
            await LinkCoreAsync(db, incident, IncidentLinkType.Organization, orgId, by, now, cancellationToken);
        }

        if (request.ApplicationId is { } appId)
        {
            await LinkCoreAsync(db, incident, IncidentLinkType.Application, appId, by, now, cancellationToken);
        }

        if (request.ApiKeyId is { } keyId)
        {
            await LinkCoreAsync(db, incident, IncidentLinkType.ApiKey, keyId, by, now, cancellationToken);
        }

        foreach (var actionId in request.EnforcementActionIds.Distinct())
        {
            await LinkCoreAsync(db, incident, IncidentLinkType.EnforcementAction, actionId, by, now, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(db, by, new AuditEntry(
            "incident.opened", "Incident", Id(incident), $"{IncidentRules.Label(incident.Severity)} {incident.Title}",
            AfterJson: Snapshot(incident)), cancellationToken);
        return incident.Id;
    }

    public async Task UpdateAsync(long incidentId, UpdateIncidentRequest request, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(by);
        if (string.IsNullOrWhiteSpace(request.Title))
        {
            throw new IncidentRuleException("An incident needs a title.");
        }

        await ChangeAsync(incidentId, by, "incident.updated", async (db, incident, now) =>
        {
            var before = Snapshot(incident);
            var severityChanged = incident.Severity != request.Severity;
            var oldSeverity = incident.Severity;
            incident.Title = request.Title.Trim();
            incident.Summary = request.Summary.Trim();
            incident.MisuseType = request.MisuseType;
            incident.Severity = request.Severity;
            incident.HarmLevel = request.HarmLevel;
            incident.Reversibility = request.Reversibility;
            incident.DetectionSource = request.DetectionSource;
            incident.GenerationsAffected = Math.Max(0, request.GenerationsAffected);
            incident.EndUsersAffected = Math.Max(0, request.EndUsersAffected);
            incident.OrganizationsAffected = Math.Max(0, request.OrganizationsAffected);
            incident.AbuseStartedAt = request.AbuseStartedAt;
            IncidentRules.EnsureOrder(incident, now);
            var reason = request.SeverityChangeReason?.Trim();
            if (severityChanged)
            {
                // After resolution the severity decides whether a retrospective is owed: changing it then
                // must be explained, and the explanation is on the timeline for the reviewers of the retrospective.
                if (incident.Status is IncidentStatus.Resolved && string.IsNullOrEmpty(reason))
                {
                    throw new IncidentRuleException("The incident is resolved: say why its severity changes.");
                }

                AddTimeline(db, incident, TimelineEntryKind.Note, now, by,
                    $"Severity changed from {IncidentRules.Label(oldSeverity)} to {IncidentRules.Label(incident.Severity)}{(string.IsNullOrEmpty(reason) ? "." : $" — {reason}")}");
            }

            await Task.CompletedTask;
            return new AuditEntry("incident.updated", "Incident", Id(incident), severityChanged ? $"Details updated; severity {IncidentRules.Label(oldSeverity)} → {IncidentRules.Label(incident.Severity)}" : "Details updated",
                Reason: severityChanged ? reason : null, BeforeJson: before, AfterJson: Snapshot(incident));
        }, cancellationToken);
    }

    /// <summary>
    /// Moves the incident one step on. <paramref name="at"/> is when the step happened (default now;
    /// earlier for a late entry). Mitigated defaults to when the first linked enforcement action
    /// took effect. Closing a SEV1/SEV2 needs an approved retrospective.
    /// </summary>
    public async Task TransitionAsync(long incidentId, IncidentStatus to, DateTimeOffset? at, string? note, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        await ChangeAsync(incidentId, by, "incident.status", async (db, incident, now) =>
        {
            var from = incident.Status;
            IncidentRules.EnsureTransition(from, to);
            var when = at ?? now;
            switch (to)
            {
                case IncidentStatus.Acknowledged:
                    incident.AcknowledgedAt = when;
                    break;
                case IncidentStatus.Mitigated:
                    if (at is null && await FirstEffectiveEnforcementAsync(db, incident.Id, cancellationToken) is { } effective)
                    {
                        // The first enforcement in effect is the mitigation; it cannot predate acknowledgement.
                        when = effective < incident.AcknowledgedAt!.Value ? incident.AcknowledgedAt.Value : effective;
                    }

                    incident.MitigatedAt = when;
                    break;
                case IncidentStatus.Resolved:
                    incident.ResolvedAt = when;
                    incident.SeverityAtResolution = incident.Severity;
                    break;
                case IncidentStatus.Closed:
                    var retrospective = await db.Set<Retrospective>().AsNoTracking().SingleOrDefaultAsync(r => r.IncidentId == incident.Id, cancellationToken);
                    // A SEV1/SEV2 downgraded after it was resolved still owes its retrospective.
                    var owed = IncidentRules.IsMajor(incident.Severity) ? incident.Severity
                        : incident.SeverityAtResolution is { } atResolution && IncidentRules.IsMajor(atResolution) ? atResolution : (Severity?)null;
                    if (owed is { } major && retrospective?.Status != RetrospectiveStatus.Approved)
                    {
                        throw new IncidentRuleException($"A {IncidentRules.Label(major)} closes only after its retrospective is approved by a Lead{(major != incident.Severity ? $" (it was {IncidentRules.Label(major)} when resolved)" : "")}.");
                    }

                    if (retrospective?.ApprovedAt is { } approvedAt && incident.RetrospectiveDoneAt is null)
                    {
                        incident.RetrospectiveDoneAt = approvedAt < incident.ResolvedAt!.Value ? incident.ResolvedAt.Value : approvedAt;
                    }

                    break;
            }

            IncidentRules.EnsureOrder(incident, now);
            incident.Status = to;
            AddStatusChange(db, incident, from, to, when, by, note, now);
            return new AuditEntry("incident.status", "Incident", Id(incident), $"{from} → {to} at {IncidentRules.Format(when)}", note);
        }, cancellationToken);
    }

    /// <summary>
    /// Reopens a closed incident (back to Resolved) so it can be changed again; closed incidents are
    /// read-only. Needs a reason; audited and on the timeline.
    /// </summary>
    public async Task ReopenAsync(long incidentId, string reason, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new IncidentRuleException("Say why the incident is reopened.");
        }

        var why = reason.Trim();
        await ChangeAsync(incidentId, by, "incident.reopened", async (db, incident, now) =>
        {
            if (incident.Status != IncidentStatus.Closed)
            {
                throw new IncidentRuleException($"The incident is {incident.Status}; only a closed incident is reopened.");
            }

            incident.Status = IncidentStatus.Resolved;
            AddStatusChange(db, incident, IncidentStatus.Closed, IncidentStatus.Resolved, now, by, "Reopened: " + why, now);
            await Task.CompletedTask;
            return new AuditEntry("incident.reopened", "Incident", Id(incident), "Closed → Resolved (reopened)", why);
        }, cancellationToken, allowClosed: true);
    }

    public async Task AssignRoleAsync(long incidentId, IncidentRole role, StaffMember member, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(by);
        await ChangeAsync(incidentId, by, "incident.role", async (db, incident, now) =>
        {
            string text;
            switch (role)
            {
                case IncidentRole.Commander:
                    text = incident.CommanderName is null
                        ? $"{member.Name} took command."
                        : $"Command handed off from {incident.CommanderName} to {member.Name}.";
                    incident.CommanderId = member.Id;
                    incident.CommanderName = member.Name;
                    break;
                case IncidentRole.CommunicationsOwner:
                    text = $"{member.Name} owns communications.";
                    incident.CommunicationsOwnerId = member.Id;
                    incident.CommunicationsOwnerName = member.Name;
                    break;
                default:
                    if (await db.Set<IncidentResponder>().AnyAsync(r => r.IncidentId == incident.Id && r.UserId == member.Id, cancellationToken))
                    {
                        throw new IncidentRuleException($"{member.Name} is already a responder.");
                    }

                    db.Add(new IncidentResponder { IncidentId = incident.Id, UserId = member.Id, UserName = member.Name, AddedAt = now });
                    text = $"{member.Name} joined as a responder.";
                    break;
            }

            db.Add(new IncidentRoleChange { IncidentId = incident.Id, Role = role, UserId = member.Id, UserName = member.Name, ChangedBy = by.Name, ChangedAt = now });
            AddTimeline(db, incident, TimelineEntryKind.RoleChange, now, by, text);
            return new AuditEntry("incident.role", "Incident", Id(incident), text);
        }, cancellationToken);
    }

    public async Task RemoveResponderAsync(long incidentId, string userId, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        await ChangeAsync(incidentId, by, "incident.role", async (db, incident, now) =>
        {
            var responder = await db.Set<IncidentResponder>().SingleOrDefaultAsync(r => r.IncidentId == incident.Id && r.UserId == userId, cancellationToken)
                ?? throw new IncidentRuleException("That person is not a responder on this incident.");
            db.Remove(responder);
            db.Add(new IncidentRoleChange { IncidentId = incident.Id, Role = IncidentRole.Responder, UserId = userId, UserName = responder.UserName, Removed = true, ChangedBy = by.Name, ChangedAt = now });
            var text = $"{responder.UserName} left the responders.";
            AddTimeline(db, incident, TimelineEntryKind.RoleChange, now, by, text);
            return new AuditEntry("incident.role", "Incident", Id(incident), text);
        }, cancellationToken);
    }

    public async Task AddNoteAsync(long incidentId, string text, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new IncidentRuleException("A note needs some text.");
        }

        var trimmed = text.Trim();
        if (trimmed.Length > 4000)
        {
            throw new IncidentRuleException("A note is at most 4000 characters.");
        }

        await ChangeAsync(incidentId, by, "incident.note", async (db, incident, now) =>
        {
            AddTimeline(db, incident, TimelineEntryKind.Note, now, by, trimmed);
            await Task.CompletedTask;
            return new AuditEntry("incident.note", "Incident", Id(incident), "Note added", trimmed);
        }, cancellationToken);
    }

    public async Task LinkAsync(long incidentId, IncidentLinkType type, long targetId, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        await ChangeAsync(incidentId, by, "incident.linked", async (db, incident, now) =>
        {
            if (await db.Set<IncidentLink>().AnyAsync(l => l.IncidentId == incident.Id && l.Type == type && l.TargetId == targetId, cancellationToken))
            {
                throw new IncidentRuleException($"{type} {targetId} is already linked.");
            }

            await LinkCoreAsync(db, incident, type, targetId, by, now, cancellationToken);
            return new AuditEntry("incident.linked", "Incident", Id(incident), $"Linked {type} {targetId}");
        }, cancellationToken);
    }

    /// <summary>Asks for enforcement on the incident's behalf (reason Incident, reason id = incident id) and links the actions.</summary>
    public async Task<IReadOnlyList<long>> RequestEnforcementAsync(long incidentId, IncidentEnforcementRequest request, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(by);
        if (string.IsNullOrWhiteSpace(request.Note))
        {
            throw new IncidentRuleException("Say why: enforcement needs a note.");
        }

        IReadOnlyList<long> ids = [];
        await ChangeAsync(incidentId, by, "incident.enforcement", async (db, incident, now) =>
        {
            if (incident.Status == IncidentStatus.Closed)
            {
                throw new IncidentRuleException("The incident is closed.");
            }

            var actions = await enforcement.RequestAsync(db, new EnforcementRequest(
                request.Kind, request.TargetType, request.TargetIds, EnforcementReason.Incident, Id(incident), request.PolicyClause, request.Note, request.ParametersJson), by, cancellationToken);
            foreach (var action in actions)
            {
                db.Add(new IncidentLink { IncidentId = incident.Id, Type = IncidentLinkType.EnforcementAction, TargetId = action.Id, LinkedBy = by.Name, LinkedAt = now });
                AddTimeline(db, incident, TimelineEntryKind.EnforcementRequested, now, by, $"Requested {action.Kind} on {action.TargetType} {action.TargetId} ({action.State}).", action.Id);
            }

            ids = actions.Select(a => a.Id).ToList();
            return new AuditEntry("incident.enforcement", "Incident", Id(incident), $"Requested {request.Kind} on {request.TargetIds.Count} {request.TargetType} target(s)", request.Note);
        }, cancellationToken);
        return ids;
    }

    /// <summary>The time the first linked enforcement action took effect, if one has.</summary>
    private static async Task<DateTimeOffset?> FirstEffectiveEnforcementAsync(AppDbContext db, long incidentId, CancellationToken cancellationToken) =>
        await (from l in db.Set<IncidentLink>()
               join a in db.Set<EnforcementAction>() on l.TargetId equals a.Id
               where l.IncidentId == incidentId && l.Type == IncidentLinkType.EnforcementAction
                     && a.State == EnforcementState.Succeeded && a.CompletedAt != null
               orderby a.CompletedAt
               select a.CompletedAt).FirstOrDefaultAsync(cancellationToken);

    /// <summary>Loads the incident, checks the editor's role, runs the change, bumps the version and
    /// update time, audits, and commits — one transaction. A concurrent edit fails the version check.</summary>
    /// <remarks>A closed incident is read-only: every change is refused until it is reopened, except
    /// those marked <paramref name="allowClosed"/> (reopening, and closing out action items, which
    /// are followed up after the incident closes).</remarks>
    private async Task ChangeAsync(long incidentId, StaffUser by, string kind, Func<AppDbContext, Incident, DateTimeOffset, Task<AuditEntry>> change, CancellationToken cancellationToken, bool allowClosed = false)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await EnsureEditorAsync(db, by, cancellationToken);
        await db.InTransactionAsync(
            async ct =>
            {
                var incident = await db.Set<Incident>().SingleOrDefaultAsync(i => i.Id == incidentId, ct)
                    ?? throw new IncidentRuleException($"Incident {incidentId} does not exist.");
                if (incident.Status == IncidentStatus.Closed && !allowClosed)
                {
                    throw new IncidentRuleException("The incident is closed and read-only; reopen it to change it.");
                }

                var now = clock.GetUtcNow();
                var entry = await change(db, incident, now);
                incident.LastUpdateAt = now;
                incident.UpdateOverdueSince = null;
                incident.Version++;
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateConcurrencyException)
                {
                    throw new IncidentRuleException("Someone else changed this incident meanwhile; reload and try again.");
                }

                await audit.AppendAsync(db, by, entry with { Kind = kind }, ct);
            },
            cancellationToken);
    }

    private static async Task LinkCoreAsync(AppDbContext db, Incident incident, IncidentLinkType type, long targetId, StaffUser by, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var exists = type switch
        {
            IncidentLinkType.Flag => await db.Set<Flag>().AnyAsync(f => f.Id == targetId, cancellationToken),
            IncidentLinkType.Cluster => await db.Set<FlagCluster>().AnyAsync(c => c.Id == targetId, cancellationToken),
            IncidentLinkType.Organization => await db.Set<Organization>().AnyAsync(o => o.Id == targetId, cancellationToken),
            IncidentLinkType.Application => await db.Set<Application>().AnyAsync(a => a.Id == targetId, cancellationToken),
            IncidentLinkType.ApiKey => await db.Set<ApiKey>().AnyAsync(k => k.Id == targetId, cancellationToken),
            IncidentLinkType.EnforcementAction => await db.Set<EnforcementAction>().AnyAsync(a => a.Id == targetId, cancellationToken),
            _ => false,
        };
        if (!exists)
        {
            throw new IncidentRuleException($"There is no {type} with id {targetId}.");
        }

        db.Add(new IncidentLink { IncidentId = incident.Id, Type = type, TargetId = targetId, LinkedBy = by.Name, LinkedAt = now });
        var kind = type switch
        {
            IncidentLinkType.Flag => TimelineEntryKind.FlagLinked,
            IncidentLinkType.Cluster => TimelineEntryKind.ClusterLinked,
            IncidentLinkType.EnforcementAction => TimelineEntryKind.EnforcementRequested,
            _ => TimelineEntryKind.ActorLinked,
        };
        AddTimeline(db, incident, kind, now, by, $"Linked {LinkNoun(type)} #{targetId}.", type == IncidentLinkType.EnforcementAction ? targetId : null);
    }

    internal static string LinkNoun(IncidentLinkType type) => type switch
    {
        IncidentLinkType.Flag => "flag",
        IncidentLinkType.Cluster => "cluster",
        IncidentLinkType.Organization => "organization",
        IncidentLinkType.Application => "application",
        IncidentLinkType.ApiKey => "API key",
        IncidentLinkType.EnforcementAction => "enforcement action",
        _ => type.ToString(),
    };

    private static void AddStatusChange(AppDbContext db, Incident incident, IncidentStatus? from, IncidentStatus to, DateTimeOffset at, StaffUser by, string? note, DateTimeOffset now)
    {
        db.Add(new IncidentStatusChange { IncidentId = incident.Id, From = from, To = to, At = at, RecordedAt = now, ChangedBy = by.Name, Note = note });
        var text = from is null ? $"Detected ({IncidentRules.Label(incident.Severity)})." : $"Status {from} → {to}.";
        AddTimeline(db, incident, TimelineEntryKind.StatusChange, at, by, string.IsNullOrWhiteSpace(note) ? text : $"{text} {note}");
    }

    private static void AddTimeline(AppDbContext db, Incident incident, TimelineEntryKind kind, DateTimeOffset at, StaffUser by, string text, long? actionId = null) =>
        db.Add(new IncidentTimelineEntry { IncidentId = incident.Id, Kind = kind, At = at, Author = by.Name, Text = text, EnforcementActionId = actionId });

    /// <summary>Refuses anyone who does not hold an editing role (Auditors read only). The system
    /// actor (jobs, demo seed) is allowed.</summary>
    private static async Task EnsureEditorAsync(AppDbContext db, StaffUser by, CancellationToken cancellationToken)
    {
        if (by == StaffUser.System)
        {
            return;
        }

        if (!await HasRoleAsync(db, by.Id, IncidentRules.EditorRoles, cancellationToken))
        {
            throw new UnauthorizedAccessException("Only incident responders, Leads and Admins change incidents.");
        }
    }

    internal static Task<bool> HasRoleAsync(AppDbContext db, string userId, IReadOnlyList<string> roles, CancellationToken cancellationToken) =>
        (from ur in db.UserRoles
         join r in db.Roles on ur.RoleId equals r.Id
         join u in db.Users on ur.UserId equals u.Id
         where ur.UserId == userId && !u.IsDisabled && roles.Contains(r.Name!)
         select ur).AnyAsync(cancellationToken);

    private static string Id(Incident incident) => incident.Id.ToString(CultureInfo.InvariantCulture);

    private static string Snapshot(Incident incident) => JsonSerializer.Serialize(new
    {
        incident.Title,
        Severity = incident.Severity.ToString(),
        MisuseType = incident.MisuseType.ToString(),
        HarmLevel = incident.HarmLevel.ToString(),
        Reversibility = incident.Reversibility.ToString(),
        DetectionSource = incident.DetectionSource.ToString(),
        incident.GenerationsAffected,
        incident.EndUsersAffected,
        incident.OrganizationsAffected,
        Status = incident.Status.ToString(),
        incident.AbuseStartedAt,
        incident.DetectedAt,
        incident.AcknowledgedAt,
        incident.MitigatedAt,
        incident.ResolvedAt,
    });
}
