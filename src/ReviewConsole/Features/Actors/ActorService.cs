using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Appeals;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Actors;

public enum ActorKind
{
    Organization,
    Application,
    ApiKey,
}

public sealed record ActorHit(ActorKind Kind, long Id, string Label, string ExternalId, string Status, string OrganizationName, string Href);

public sealed record OrganizationRow(long Id, string ExternalId, string Name, ActorStatus Status, bool HighProfile, int Applications, int Keys, int ActiveKeys, int FlagsLast7Days, long TokensThisMonth);

public sealed record KeyRow(long Id, string ExternalId, string Prefix, long ApplicationId, string ApplicationName, ApiKeyStatus Status, int? RateLimitRpm, int? RateLimitTpm, long? MonthlyTokenQuota, long TokensUsedThisMonth, string? AllowedModels, long Version);

public sealed record ApplicationRow(long Id, string ExternalId, string Name, ActorStatus Status, int Keys, int ActiveKeys);

public sealed record TimelineEntry(DateTimeOffset At, string Kind, string Title, string Detail, string? Href, string Icon);

public sealed record ActorDetails(
    ActorKind Kind,
    long Id,
    string ExternalId,
    string Name,
    string Status,
    long OrganizationId,
    string OrganizationName,
    string OrganizationExternalId,
    bool HighProfile,
    string? ContactEmail,
    long? ApplicationId,
    string? ApplicationName,
    DateTimeOffset CreatedAt,
    IReadOnlyList<ApplicationRow> Applications,
    IReadOnlyList<KeyRow> Keys,
    IReadOnlyList<EnforcementListItem> OpenSanctions,
    IReadOnlyList<EnforcementListItem> EndedSanctions,
    IReadOnlyList<EnforcementListItem> InFlight,
    IReadOnlyList<TimelineEntry> Timeline)
{
    /// <summary>All sanctions in force (<see cref="OpenSanctions"/> lists the newest).</summary>
    public int OpenSanctionCount { get; init; }

    /// <summary>All expired or reversed sanctions (<see cref="EndedSanctions"/> lists the newest).</summary>
    public int EndedSanctionCount { get; init; }

    /// <summary>All actions requested and not finished (<see cref="InFlight"/> lists the newest).</summary>
    public int InFlightCount { get; init; }
}

/// <summary>Reads for the actor pages (organizations → applications → keys) and their timeline.</summary>
public sealed class ActorService(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, TimeProvider clock)
{
    private const int TimelineLimit = 150;

    /// <summary>How many open sanctions and in-flight actions the page lists (the rest are counted).</summary>
    public const int SanctionsShown = 50;

    /// <summary>How many expired or reversed sanctions the page lists.</summary>
    public const int EndedShown = 20;

    private static readonly EnforcementKind[] SanctionKinds = Enum.GetValues<EnforcementKind>().Where(EnforcementStateMachine.IsSanction).ToArray();

    private static readonly EnforcementState[] TerminalStates = Enum.GetValues<EnforcementState>().Where(EnforcementStateMachine.IsTerminal).ToArray();

    public async Task<IReadOnlyList<ActorHit>> SearchAsync(string query, CancellationToken cancellationToken)
    {
        var q = (query ?? "").Trim();
        if (q.Length == 0)
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var orgs = await db.Set<Organization>().AsNoTracking()
            .Where(o => o.Name.Contains(q) || o.ExternalId.Contains(q))
            .OrderBy(o => o.Name).Take(20)
            .Select(o => new ActorHit(ActorKind.Organization, o.Id, o.Name, o.ExternalId, o.Status.ToString(), o.Name, "/actors/org/" + o.Id))
            .ToListAsync(cancellationToken);
        var apps = await (from a in db.Set<Application>().AsNoTracking()
                          join o in db.Set<Organization>() on a.OrganizationId equals o.Id
                          where a.Name.Contains(q) || a.ExternalId.Contains(q)
                          orderby a.Name
                          select new ActorHit(ActorKind.Application, a.Id, a.Name, a.ExternalId, a.Status.ToString(), o.Name, "/actors/app/" + a.Id))
            .Take(20).ToListAsync(cancellationToken);
        var keys = await (from k in db.Set<ApiKey>().AsNoTracking()
                          join o in db.Set<Organization>() on k.OrganizationId equals o.Id
                          where k.ExternalId.Contains(q) || k.Prefix.Contains(q)
                          orderby k.ExternalId
                          select new ActorHit(ActorKind.ApiKey, k.Id, k.Prefix, k.ExternalId, k.Status.ToString(), o.Name, "/actors/key/" + k.Id))
            .Take(20).ToListAsync(cancellationToken);
        return [.. orgs, .. apps, .. keys];
    }

    /// <summary>Organizations, most flagged in the last week first.</summary>
    public async Task<IReadOnlyList<OrganizationRow>> OrganizationsAsync(int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var since = clock.GetUtcNow().AddDays(-7);
        var rows = await db.Set<Organization>().AsNoTracking()
            .Select(o => new
            {
                Org = o,
                Applications = db.Set<Application>().Count(a => a.OrganizationId == o.Id),
                Keys = db.Set<ApiKey>().Count(k => k.OrganizationId == o.Id),
                ActiveKeys = db.Set<ApiKey>().Count(k => k.OrganizationId == o.Id && k.Status == ApiKeyStatus.Active),
                Flags = db.Set<Flag>().Count(f => f.OrganizationId == o.Id && f.CreatedAt >= since),
                Tokens = db.Set<ApiKey>().Where(k => k.OrganizationId == o.Id).Sum(k => (long?)k.TokensUsedThisMonth) ?? 0,
            })
            .OrderByDescending(r => r.Flags).ThenBy(r => r.Org.Name)
            .Take(Math.Clamp(take, 1, 500))
            .ToListAsync(cancellationToken);
        return rows.Select(r => new OrganizationRow(r.Org.Id, r.Org.ExternalId, r.Org.Name, r.Org.Status, r.Org.IsHighProfile, r.Applications, r.Keys, r.ActiveKeys, r.Flags, r.Tokens)).ToList();
    }

    public async Task<ActorDetails?> GetAsync(ActorKind kind, long id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        long orgId;
        long? appId = null;
        string externalId, name, status;
        DateTimeOffset createdAt;
        switch (kind)
        {
            case ActorKind.Organization:
                var org = await db.Set<Organization>().AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, cancellationToken);
                if (org is null)
                {
                    return null;
                }

                (orgId, externalId, name, status, createdAt) = (org.Id, org.ExternalId, org.Name, org.Status.ToString(), org.CreatedAt);
                break;
            case ActorKind.Application:
                var app = await db.Set<Application>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
                if (app is null)
                {
                    return null;
                }

                (orgId, appId, externalId, name, status, createdAt) = (app.OrganizationId, app.Id, app.ExternalId, app.Name, app.Status.ToString(), app.CreatedAt);
                break;
            default:
                var key = await db.Set<ApiKey>().AsNoTracking().SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
                if (key is null)
                {
                    return null;
                }

                (orgId, appId, externalId, name, status, createdAt) = (key.OrganizationId, key.ApplicationId, key.ExternalId, key.Prefix, key.Status.ToString(), key.CreatedAt);
                break;
        }

        var organization = await db.Set<Organization>().AsNoTracking().SingleAsync(o => o.Id == orgId, cancellationToken);
        var appName = appId is { } a ? await db.Set<Application>().Where(x => x.Id == a).Select(x => x.Name).SingleAsync(cancellationToken) : null;
        var apps = kind == ActorKind.Organization
            ? await db.Set<Application>().AsNoTracking().Where(x => x.OrganizationId == orgId).OrderBy(x => x.Name)
                .Select(x => new ApplicationRow(x.Id, x.ExternalId, x.Name, x.Status, db.Set<ApiKey>().Count(k => k.ApplicationId == x.Id), db.Set<ApiKey>().Count(k => k.ApplicationId == x.Id && k.Status == ApiKeyStatus.Active)))
                .ToListAsync(cancellationToken)
            : [];
        var keyQuery = kind switch
        {
            ActorKind.Organization => db.Set<ApiKey>().Where(k => k.OrganizationId == orgId),
            ActorKind.Application => db.Set<ApiKey>().Where(k => k.ApplicationId == id),
            _ => db.Set<ApiKey>().Where(k => k.Id == id),
        };
        var keys = await (from k in keyQuery.AsNoTracking()
                          join x in db.Set<Application>() on k.ApplicationId equals x.Id
                          orderby x.Name, k.ExternalId
                          select new KeyRow(k.Id, k.ExternalId, k.Prefix, k.ApplicationId, x.Name, k.Status, k.RateLimitRpm, k.RateLimitTpm, k.MonthlyTokenQuota, k.TokensUsedThisMonth, k.AllowedModels, k.Version))
            .ToListAsync(cancellationToken);
        var keyIds = keys.Select(k => k.Id).ToList();

        var actionQuery = kind switch
        {
            ActorKind.Organization => db.Set<EnforcementAction>().Where(x => x.OrganizationId == orgId),
            ActorKind.Application => db.Set<EnforcementAction>().Where(x =>
                (x.TargetType == EnforcementTargetType.Application && x.TargetId == id)
                || (x.TargetType == EnforcementTargetType.ApiKey && keyIds.Contains(x.TargetId))
                || (x.TargetType == EnforcementTargetType.Organization && x.TargetId == orgId)),
            _ => db.Set<EnforcementAction>().Where(x =>
                (x.TargetType == EnforcementTargetType.ApiKey && x.TargetId == id)
                || (x.TargetType == EnforcementTargetType.Application && x.TargetId == appId)
                || (x.TargetType == EnforcementTargetType.Organization && x.TargetId == orgId)),
        };
        // Bounded reads: the busiest organization has tens of thousands of actions. The timeline takes
        // the newest; open and ended sanctions and in-flight actions are found in SQL (a sanction is
        // ended when a succeeded action reverses it) and listed newest first, with their totals.
        var actions = await Newest(actionQuery, TimelineLimit).ToListAsync(cancellationToken);
        var succeededSanctions = actionQuery.Where(x => SanctionKinds.Contains(x.Kind) && x.ReversesActionId == null && x.State == EnforcementState.Succeeded);
        var reversed = db.Set<EnforcementAction>().Where(r => r.ReversesActionId != null && r.State == EnforcementState.Succeeded);
        var openQuery = succeededSanctions.Where(x => !reversed.Any(r => r.ReversesActionId == x.Id));
        var endedQuery = succeededSanctions.Where(x => reversed.Any(r => r.ReversesActionId == x.Id));
        var inFlightQuery = actionQuery.Where(x => !TerminalStates.Contains(x.State));
        var openRows = await Newest(openQuery, SanctionsShown).ToListAsync(cancellationToken);
        var endedRows = await Newest(endedQuery, EndedShown).ToListAsync(cancellationToken);
        var inFlightRows = await Newest(inFlightQuery, SanctionsShown).ToListAsync(cancellationToken);

        // One description pass (target labels, organization names) for all four lists.
        var byId = (await EnforcementOutboxService.DescribeAsync(db, actions.Concat(openRows).Concat(endedRows).Concat(inFlightRows).DistinctBy(x => x.Id).ToList(), cancellationToken))
            .ToDictionary(x => x.Id);
        List<EnforcementListItem> Described(List<EnforcementAction> rows) => rows.Select(x => byId[x.Id]).ToList();
        var described = Described(actions);
        var open = Described(openRows);
        var ended = Described(endedRows);
        var inFlight = Described(inFlightRows);
        var openCount = open.Count < SanctionsShown ? open.Count : await openQuery.CountAsync(cancellationToken);
        var endedCount = ended.Count < EndedShown ? ended.Count : await endedQuery.CountAsync(cancellationToken);
        var inFlightCount = inFlight.Count < SanctionsShown ? inFlight.Count : await inFlightQuery.CountAsync(cancellationToken);

        var timeline = await TimelineAsync(db, kind, id, orgId, described, cancellationToken);
        return new ActorDetails(
            kind, id, externalId, name, status, orgId, organization.Name, organization.ExternalId, organization.IsHighProfile, organization.ContactEmail,
            appId, appName, createdAt, apps, keys,
            open,
            ended,
            inFlight,
            timeline)
        {
            OpenSanctionCount = openCount,
            EndedSanctionCount = endedCount,
            InFlightCount = inFlightCount,
        };
    }

    public async Task<ServiceResult> SetHighProfileAsync(long organizationId, bool highProfile, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await StaffDirectory.IsInAnyRoleAsync(db, by.Id, [Roles.Lead, Roles.Admin], cancellationToken))
        {
            return ServiceResult.Fail("Only a Lead or an Admin can mark organizations high-profile.");
        }

        var refused = await db.InTransactionAsync<ServiceResult?>(
            async ct =>
            {
                var changed = await db.Set<Organization>().Where(o => o.Id == organizationId && o.IsHighProfile != highProfile)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.IsHighProfile, highProfile), ct);
                if (changed == 0)
                {
                    return ServiceResult.Fail("Nothing changed.");
                }

                await audit.AppendAsync(db, by, new AuditEntry("actor.highprofile", "Organization", organizationId.ToString(CultureInfo.InvariantCulture), highProfile ? "Marked high-profile (sanctions need a Lead's approval)" : "No longer high-profile"), ct);
                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        return ServiceResult.Ok(highProfile ? "Marked high-profile." : "High-profile mark removed.");
    }

    private static IQueryable<EnforcementAction> Newest(IQueryable<EnforcementAction> query, int take) =>
        query.AsNoTracking().OrderByDescending(x => x.Id).Take(take);

    private static string Clip(string value) => value.Length > 60 ? value[..60] + "…" : value;

    private static async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(AppDbContext db, ActorKind kind, long id, long orgId, IReadOnlyList<EnforcementListItem> actions, CancellationToken cancellationToken)
    {
        var flags = kind switch
        {
            ActorKind.Organization => db.Set<Flag>().Where(f => f.OrganizationId == id),
            ActorKind.Application => db.Set<Flag>().Where(f => f.ApplicationId == id),
            _ => db.Set<Flag>().Where(f => f.ApiKeyId == id),
        };
        var recentFlags = await flags.AsNoTracking().OrderByDescending(f => f.CreatedAt).Take(TimelineLimit)
            .Select(f => new { f.Id, f.CreatedAt, f.TopCategory, f.TopScore, f.Model, f.Status })
            .ToListAsync(cancellationToken);
        // Decision rows carry their organization: the newest are read from (OrganizationId, DecidedAt),
        // stopping after the limit, instead of joining every flag of a large organization.
        var decisions = await (from d in db.Set<FlagDecision>().AsNoTracking()
                               where d.OrganizationId == orgId
                               join f in flags on d.FlagId equals f.Id
                               orderby d.DecidedAt descending
                               select new { d.Id, d.FlagId, d.DecidedAt, d.Verdict, d.Action, d.PolicyClause, d.DecidedByName })
            .Take(TimelineLimit).ToListAsync(cancellationToken);
        var entries = new List<TimelineEntry>();
        entries.AddRange(recentFlags.Select(f => new TimelineEntry(f.CreatedAt, "Flag", $"Flagged: {f.TopCategory} ({f.TopScore:0.00})", $"Model {f.Model} · {f.Status}", "/flags/" + f.Id.ToString(CultureInfo.InvariantCulture), "flag")));
        entries.AddRange(decisions.Select(d => new TimelineEntry(d.DecidedAt, "Decision", $"Decision: {d.Verdict}" + (d.Action == DecisionAction.None ? "" : $" → {d.Action}"), $"Flag #{d.FlagId} by {d.DecidedByName}" + (string.IsNullOrEmpty(d.PolicyClause) ? "" : $" · {d.PolicyClause}"), "/flags/" + d.FlagId.ToString(CultureInfo.InvariantCulture), "gavel")));
        foreach (var a in actions)
        {
            var what = NoticeService.Describe(a.Kind, a.ParametersJson);
            entries.Add(new TimelineEntry(a.RequestedAt, "Enforcement", $"Requested: {what}", $"#{a.Id} on {a.TargetLabel} by {a.RequestedBy} · {a.Reason}" + (a.PolicyClause is null ? "" : $" · {a.PolicyClause}"), "/enforcement?action=" + a.Id.ToString(CultureInfo.InvariantCulture), "policy"));
            if (a.CompletedAt is { } done)
            {
                entries.Add(new TimelineEntry(done, "Enforcement", $"Carried out: {what}", $"#{a.Id} {(a.PlatformResponse == LocalEnforcementGateway.Label ? "applied to the local registry" : a.ConfirmedAtPlatform ? "confirmed by the platform" : "not confirmed by the platform")}", "/enforcement?action=" + a.Id.ToString(CultureInfo.InvariantCulture), "check"));
            }
        }

        if (kind == ActorKind.Organization)
        {
            var strikes = await db.Set<Strike>().AsNoTracking().Where(s => s.OrganizationId == orgId).OrderByDescending(s => s.CreatedAt).Take(TimelineLimit).ToListAsync(cancellationToken);
            entries.AddRange(strikes.Select(s => new TimelineEntry(s.CreatedAt, "Strike", $"Strike +{s.Weight} ({s.Category})" + (s.RevokedAt is null ? "" : " — revoked"), $"{s.Reason} {s.ReasonId} by {s.CreatedBy}", null, "warning")));
        }

        var actionIds = actions.Select(a => a.Id).ToList();
        var appeals = await db.Set<Appeal>().AsNoTracking().Where(p => actionIds.Contains(p.EnforcementActionId)).ToListAsync(cancellationToken);
        foreach (var p in appeals)
        {
            entries.Add(new TimelineEntry(p.SubmittedAt, "Appeal", $"Appeal filed against #{p.EnforcementActionId}", $"Appeal #{p.Id} via {p.Source}", "/appeals?appeal=" + p.Id.ToString(CultureInfo.InvariantCulture), "balance"));
            if (p.DecidedAt is { } decidedAt)
            {
                entries.Add(new TimelineEntry(decidedAt, "Appeal", $"Appeal {p.State.ToString().ToLowerInvariant()}", $"Appeal #{p.Id} by {p.DecidedBy}", "/appeals?appeal=" + p.Id.ToString(CultureInfo.InvariantCulture), "balance"));
            }
        }

        entries.AddRange(await UseCaseEntriesAsync(db, kind, id, cancellationToken));
        entries.AddRange(await IncidentEntriesAsync(db, kind, id, cancellationToken));
        return entries.OrderByDescending(e => e.At).Take(TimelineLimit * 2).ToList();
    }

    /// <summary>Use-case submissions of the organization or application (a key shows its application's).</summary>
    private static async Task<IEnumerable<TimelineEntry>> UseCaseEntriesAsync(AppDbContext db, ActorKind kind, long id, CancellationToken cancellationToken)
    {
        var submissions = db.Set<UseCaseSubmission>().AsNoTracking();
        submissions = kind switch
        {
            ActorKind.Organization => submissions.Where(u => u.OrganizationId == id),
            ActorKind.Application => submissions.Where(u => u.ApplicationId == id),
            _ => submissions.Where(u => db.Set<ApiKey>().Any(k => k.Id == id && k.ApplicationId == u.ApplicationId)),
        };
        var found = await submissions.OrderByDescending(u => u.SubmittedAt).Take(TimelineLimit)
            .Select(u => new { u.Id, u.Name, u.SubmittedAt, u.State })
            .ToListAsync(cancellationToken);
        var ids = found.Select(u => u.Id).ToList();
        var decisions = await db.Set<UseCaseDecision>().AsNoTracking().Where(d => ids.Contains(d.SubmissionId))
            .Select(d => new { d.SubmissionId, d.Kind, d.DecidedAt, d.DecidedByName, d.GuidelineClause })
            .ToListAsync(cancellationToken);
        var names = found.ToDictionary(u => u.Id, u => u.Name);
        return found.Select(u => new TimelineEntry(u.SubmittedAt, "Use case", $"Use case submitted: {u.Name}", $"#{u.Id} · now {u.State}", "/use-cases/" + u.Id.ToString(CultureInfo.InvariantCulture), "apps"))
            .Concat(decisions.Select(d => new TimelineEntry(d.DecidedAt, "Use case", $"Use case decision: {d.Kind}", $"{names[d.SubmissionId]} by {d.DecidedByName}" + (string.IsNullOrEmpty(d.GuidelineClause) ? "" : $" · {d.GuidelineClause}"), "/use-cases/" + d.SubmissionId.ToString(CultureInfo.InvariantCulture), "apps")));
    }

    /// <summary>Incidents that name this actor as linked.</summary>
    private static async Task<IEnumerable<TimelineEntry>> IncidentEntriesAsync(AppDbContext db, ActorKind kind, long id, CancellationToken cancellationToken)
    {
        var linkType = kind switch
        {
            ActorKind.Organization => IncidentLinkType.Organization,
            ActorKind.Application => IncidentLinkType.Application,
            _ => IncidentLinkType.ApiKey,
        };
        var incidentIds = db.Set<IncidentLink>().Where(l => l.Type == linkType && l.TargetId == id).Select(l => l.IncidentId);
        var incidents = await db.Set<Incident>().AsNoTracking().Where(i => incidentIds.Contains(i.Id))
            .OrderByDescending(i => i.DetectedAt).Take(TimelineLimit)
            .Select(i => new { i.Id, i.Title, i.Severity, i.Status, i.DetectedAt })
            .ToListAsync(cancellationToken);
        return incidents.Select(i => new TimelineEntry(i.DetectedAt, "Incident", $"Incident {i.Severity}: {i.Title}", $"#{i.Id} · {i.Status}", "/incidents/" + i.Id.ToString(CultureInfo.InvariantCulture), "warning"));
    }
}
