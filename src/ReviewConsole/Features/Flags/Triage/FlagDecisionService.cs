using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Features.Incidents;
using ReviewConsole.Features.Quality;
using ReviewConsole.Features.Wellness;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Flags.Triage;

/// <summary>What a reviewer decided about one flag (or, with <see cref="FlagDecisionService.DecideClusterAsync"/>, a cluster).</summary>
public sealed record DecideFlagRequest(
    Verdict Verdict,
    IReadOnlyList<string> ConfirmedCategories,
    DecisionAction Action,
    string PolicyClause,
    string Reason,
    string? NoticeOptOutReason = null)
{
    /// <summary>Actions that reach the organization as a notice (unless the decider opts out with a reason).</summary>
    public static bool SendsNotice(DecisionAction action) =>
        action is DecisionAction.Warn or DecisionAction.RateLimit or DecisionAction.RevokeKey or DecisionAction.SuspendApp or DecisionAction.SuspendOrg;
}

public sealed record DecisionOutcome(bool Succeeded, string Message, int FlagsDecided = 0, int EnforcementActions = 0, long? IncidentId = null);

/// <summary>How much a cluster decision would touch, shown before it is confirmed.</summary>
public sealed record ClusterPreview(long ClusterId, int Flags, int Organizations, int Applications, int Keys, int HeldByOthers)
{
    /// <summary>Exactly the members this preview counted; a confirmed cluster decision applies to these and no others.</summary>
    public IReadOnlyList<long> MemberIds { get; init; } = [];

    /// <summary>Members the reviewer has opened (their content was on screen); only these are labelled.</summary>
    public int Seen { get; init; }
}

/// <summary>
/// Decisions. The flag's transition is a conditional UPDATE (the caller's unexpired lease, still
/// open) and the decision, its labels, the audit event and the enforcement requests commit in the
/// same transaction, so a decision never half-happens and a flag is never decided twice.
/// </summary>
public sealed partial class FlagDecisionService(
    IDbContextFactory<AppDbContext> dbFactory,
    FlagClaimService claims,
    EnforcementService enforcement,
    StrikeService strikes,
    IncidentService incidents,
    WellnessService wellness,
    AuditLog audit,
    TimeProvider clock,
    IOptions<FlagsTriageOptions> options,
    DoubleReviewService doubleReview,
    GoldenSetService golden)
{
    /// <summary>Audited when a flag decision's sanction goes out without a notice (the reason is the decider's).</summary>
    public const string NoticeWithheldAuditKind = "flag.notice-withheld";

    public static string? Validate(DecideFlagRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            return "A reason is required.";
        }

        if (request.Reason.Length > 4000)
        {
            return "The reason is longer than 4000 characters.";
        }

        if (request.NoticeOptOutReason is { } optOut)
        {
            if (request.Verdict != Verdict.Violation || !DecideFlagRequest.SendsNotice(request.Action))
            {
                return "Only a sanction or a warning sends the organization a notice; there is no notice to withhold.";
            }

            if (optOut.Trim().Length < 10)
            {
                return "Say why the organization is not notified (at least 10 characters); the reason is audited.";
            }

            if (optOut.Length > 1000)
            {
                return "The reason for not notifying the organization is longer than 1000 characters.";
            }
        }

        return request.Verdict switch
        {
            Verdict.Violation when request.ConfirmedCategories.Count == 0 => "A violation needs at least one confirmed category.",
            Verdict.Violation when string.IsNullOrWhiteSpace(request.PolicyClause) => "A violation needs the policy clause it breaks.",
            Verdict.NoViolation or Verdict.Escalate when request.Action != DecisionAction.None => "Only a violation can carry an action.",
            Verdict.NoViolation when request.ConfirmedCategories.Count > 0 => "No violation cannot confirm categories.",
            _ => null,
        };
    }

    public async Task<DecisionOutcome> DecideAsync(StaffUser user, TriageRights rights, long flagId, DecideFlagRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(rights);
        ArgumentNullException.ThrowIfNull(request);
        if (Validate(request) is { } invalid)
        {
            return new DecisionOutcome(false, invalid);
        }

        // Review quality: a golden item or a second review the user holds is decided on its own path.
        if (rights.CanDecide && await DecideQualityItemAsync(user, flagId, request, cancellationToken) is { } qualityOutcome)
        {
            return qualityOutcome;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var statuses = rights.DecidableStatuses.ToList();
        if (request.Verdict == Verdict.Escalate)
        {
            // Escalating an escalated flag would bounce it back to the same Leads.
            statuses.Remove(FlagStatus.Escalated);
        }

        var now = clock.GetUtcNow();
        int actions = default!;
        long? incidentId = default!;
        var held = false;
        var refused = await db.InTransactionAsync<DecisionOutcome?>(
            async ct =>
            {
                var rows = await Transition(db.Set<Flag>().Where(f => f.Id == flagId && f.LeaseOwner == user.Id && f.LeaseExpiresAt > now && statuses.Contains(f.Status)), request.Verdict, now, ct);
                if (rows == 0)
                {
                    var why = await claims.ExplainAsync(db, user, rights, flagId, ct);
                    return new DecisionOutcome(false, why);
                }

                var flag = await db.Set<Flag>().AsNoTracking().Include(f => f.Scores).SingleAsync(f => f.Id == flagId, ct);
                // Review quality: a sampled flag holds this answer for a blind second review instead.
                // A decision that withholds the notice is not sampled: the hold keeps only the answer,
                // and the notice would go out when a second reviewer confirms it.
                held = request.NoticeOptOutReason is null && await doubleReview.HoldIfSampledAsync(db, flag, Answer(request), request.Reason, user, now, ct);
                if (held)
                {
                    return null;
                }

                var decision = NewDecision(flag, request, user, now, clusterId: null);
                decision.PolicyVersions = await PolicyVersionStamp.ForAsync(db, PolicyVersionStamp.Relevant(flag, request.ConfirmedCategories), ct);
                db.Add(decision);
                await db.SaveChangesAsync(ct);
                await UpdateCountersAsync(db, [flag], request.Verdict, ct);
                await audit.AppendAsync(db, user, new AuditEntry(
                    request.Verdict == Verdict.Escalate ? "flag.escalated" : "flag.decided",
                    "Flag",
                    Id(flagId),
                    $"{request.Verdict} on flag {flagId}; action {request.Action}",
                    request.Reason,
                    AfterJson: DecisionJson(decision)), ct);
                await strikes.RecordForDecisionsAsync(db, [decision], [flag], user, ct);
                actions = await RequestEnforcementAsync(db, [flag], decision, request, user, ct);
                incidentId = await OpenIncidentAsync(db, [flag], decision, request, user, ct);
                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        if (held)
        {
            return new DecisionOutcome(true, $"{Summary(request, 1, 0, false).TrimEnd('.')}; held for a second review before it takes effect.", 1);
        }

        return new DecisionOutcome(true, Summary(request, 1, actions, incidentId is not null), 1, actions, incidentId);
    }

    public async Task<ClusterPreview> PreviewClusterAsync(StaffUser user, TriageRights rights, long clusterId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(rights);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var statuses = rights.DecidableStatuses.ToList();
        var now = clock.GetUtcNow();
        var open = db.Set<Flag>().AsNoTracking().Where(f => f.ClusterId == clusterId && statuses.Contains(f.Status));
        var eligible = await open
            .Where(f => f.LeaseOwner == null || f.LeaseExpiresAt < now || f.LeaseOwner == user.Id)
            .Select(f => new { f.Id, f.OrganizationId, f.ApplicationId, f.ApiKeyId })
            .ToListAsync(cancellationToken);
        var heldByOthers = await open.CountAsync(f => f.LeaseOwner != null && f.LeaseOwner != user.Id && f.LeaseExpiresAt >= now, cancellationToken);
        var ids = eligible.Select(f => f.Id).ToList();
        var seen = await SeenByAsync(db, user, ids, cancellationToken);
        return new ClusterPreview(
            clusterId,
            eligible.Count,
            eligible.Select(f => f.OrganizationId).Distinct().Count(),
            eligible.Select(f => f.ApplicationId).Distinct().Count(),
            eligible.Select(f => f.ApiKeyId).Distinct().Count(),
            heldByOthers)
        {
            MemberIds = ids,
            Seen = seen.Count,
        };
    }

    /// <summary>Decides exactly the members of <paramref name="preview"/> (the set the reviewer confirmed)
    /// that are still open and free, in one transaction: one decision per flag, enforcement per distinct
    /// target. Members that joined the cluster after the preview stay open for review. Only members
    /// the reviewer opened are labelled; the others carry the decision but stay out of precision.</summary>
    public async Task<DecisionOutcome> DecideClusterAsync(StaffUser user, TriageRights rights, ClusterPreview preview, DecideFlagRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(rights);
        ArgumentNullException.ThrowIfNull(preview);
        ArgumentNullException.ThrowIfNull(request);
        if (!rights.CanDecide)
        {
            return new DecisionOutcome(false, "Your role can read flags but not decide them.");
        }

        if (Validate(request) is { } invalid)
        {
            return new DecisionOutcome(false, invalid);
        }

        var clusterId = preview.ClusterId;
        var confirmedIds = preview.MemberIds.Distinct().ToList();
        if (confirmedIds.Count == 0)
        {
            return new DecisionOutcome(false, "The preview holds no flag to decide.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var statuses = rights.DecidableStatuses.ToList();
        if (request.Verdict == Verdict.Escalate)
        {
            statuses.Remove(FlagStatus.Escalated);
        }

        var now = clock.GetUtcNow();
        var until = now + claims.LeaseDuration;
        int actions = default!;
        long? incidentId = default!;
        List<Flag> flags = default!;
        var held = false;
        var refused = await db.InTransactionAsync<DecisionOutcome?>(
            async ct =>
            {
                // Claim the previewed members that are still free (one conditional UPDATE), then decide exactly the claimed ones.
                await db.Set<Flag>()
                    .Where(f => confirmedIds.Contains(f.Id) && f.ClusterId == clusterId && statuses.Contains(f.Status) && (f.LeaseOwner == null || f.LeaseExpiresAt < now || f.LeaseOwner == user.Id))
                    .ExecuteUpdateAsync(s => s.SetProperty(f => f.LeaseOwner, user.Id).SetProperty(f => f.LeaseExpiresAt, until), ct);
                flags = await db.Set<Flag>().AsNoTracking().Include(f => f.Scores)
                    .Where(f => confirmedIds.Contains(f.Id) && f.ClusterId == clusterId && f.LeaseOwner == user.Id && f.LeaseExpiresAt > now && statuses.Contains(f.Status))
                    .ToListAsync(ct);
                if (flags.Count == 0)
                {
                    return new DecisionOutcome(false, "No flag of the preview is still available to decide (all decided or held by others).");
                }

                // The members the reviewer was shown (the panel's first rows) count against today's
                // exposure caps, in this transaction: a decision that would pass a cap is refused.
                var shown = flags.OrderByDescending(f => f.Priority).ThenByDescending(f => f.Id).Take(FlagTriageService.ClusterMembersShown).Select(f => f.Id).ToList();
                if (await wellness.CountExposureAsync(db, user, shown, ct) is { } cappedBy)
                {
                    return new DecisionOutcome(false, $"Deciding this cluster would show you more {cappedBy} content than today's exposure cap allows. Ask another reviewer to decide it.");
                }

                var ids = flags.Select(f => f.Id).ToList();
                var seen = await SeenByAsync(db, user, ids, ct);
                // Review quality: a sampled cluster decision is held whole for a blind second review on a
                // member the reviewer opened; agreement or a Lead's adjudication decides every held member.
                var byPriority = flags.OrderByDescending(f => f.Priority).ThenByDescending(f => f.Id).ToList();
                var representative = byPriority.FirstOrDefault(f => seen.Contains(f.Id)) ?? byPriority[0];
                held = await doubleReview.HoldClusterIfSampledAsync(db, flags, representative.Id, clusterId, Answer(request), request.Reason, user, now, ct);
                if (held)
                {
                    await FlagCounters.RecountOpenAsync(db, [clusterId], ct);
                    return null;
                }

                await Transition(db.Set<Flag>().Where(f => ids.Contains(f.Id)), request.Verdict, now, ct);
                var decisions = new List<FlagDecision>(flags.Count);
                foreach (var f in flags)
                {
                    var decision = NewDecision(f, request, user, now, clusterId);
                    decision.PolicyVersions = await PolicyVersionStamp.ForAsync(db, PolicyVersionStamp.Relevant(f, request.ConfirmedCategories), ct);
                    if (!seen.Contains(f.Id))
                    {
                        decision.SeenByDecider = false;
                        decision.Labels = [];
                    }

                    decisions.Add(decision);
                }

                db.AddRange(decisions);
                await db.SaveChangesAsync(ct);
                await UpdateCountersAsync(db, flags, request.Verdict, ct);
                await audit.AppendAsync(db, user, new AuditEntry(
                    request.Verdict == Verdict.Escalate ? "flag.cluster-escalated" : "flag.cluster-decided",
                    "FlagCluster",
                    Id(clusterId),
                    $"{request.Verdict} on {flags.Count} flag(s) of cluster {clusterId} ({seen.Count} seen and labelled); action {request.Action}",
                    request.Reason,
                    AfterJson: JsonSerializer.Serialize(new { flags = ids, seen, previewed = confirmedIds, decisions = decisions.Select(d => d.Id), request.Verdict, request.Action, request.ConfirmedCategories, request.PolicyClause })), ct);
                await strikes.RecordForDecisionsAsync(db, decisions, flags, user, ct);
                actions = await RequestEnforcementAsync(db, flags, decisions[0], request, user, ct);
                incidentId = await OpenIncidentAsync(db, flags, decisions[0], request, user, ct, clusterId);
                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var skipped = confirmedIds.Count - flags.Count;
        var leftOut = skipped > 0 ? $" {skipped} previewed flag(s) were taken or decided meanwhile and left out." : "";
        if (held)
        {
            return new DecisionOutcome(true, $"{Summary(request, flags.Count, 0, false).TrimEnd('.')}; held for a second review before it takes effect.{leftOut}", flags.Count);
        }

        var message = Summary(request, flags.Count, actions, incidentId is not null) + leftOut;
        return new DecisionOutcome(true, message, flags.Count, actions, incidentId);
    }

    /// <summary>Which of <paramref name="flagIds"/> <paramref name="user"/> opened (the audited "flag.opened" of the triage page).</summary>
    private static async Task<HashSet<long>> SeenByAsync(AppDbContext db, StaffUser user, IReadOnlyCollection<long> flagIds, CancellationToken cancellationToken)
    {
        var targets = flagIds.Select(Id).ToList();
        var opened = await db.Set<AuditEvent>().AsNoTracking()
            .Where(e => e.TargetType == "Flag" && targets.Contains(e.TargetId) && e.ActorId == user.Id && e.Kind == "flag.opened")
            .Select(e => e.TargetId)
            .Distinct()
            .ToListAsync(cancellationToken);
        return opened.Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToHashSet();
    }

    /// <summary>TP/FP for every category the classifier flagged, FN for confirmed categories it missed.
    /// An escalation is not ground truth and yields no labels.</summary>
    public static List<DecisionLabel> Labels(Flag flag, DecideFlagRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(flag);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Verdict == Verdict.Escalate)
        {
            return [];
        }

        var confirmed = request.ConfirmedCategories.ToHashSet(StringComparer.Ordinal);
        var labels = new List<DecisionLabel>();
        foreach (var score in flag.Scores.Where(s => s.Flagged))
        {
            labels.Add(Label(flag, score.Category, score.Score, confirmed.Contains(score.Category) ? LabelOutcome.TruePositive : LabelOutcome.FalsePositive, now));
        }

        var flagged = flag.Scores.Where(s => s.Flagged).Select(s => s.Category).ToHashSet(StringComparer.Ordinal);
        foreach (var category in confirmed.Where(c => !flagged.Contains(c)).Order(StringComparer.Ordinal))
        {
            var score = flag.Scores.FirstOrDefault(s => s.Category == category)?.Score ?? 0;
            labels.Add(Label(flag, category, score, LabelOutcome.FalseNegative, now));
        }

        return labels;
    }

    private static Task<int> Transition(IQueryable<Flag> flags, Verdict verdict, DateTimeOffset now, CancellationToken cancellationToken) =>
        verdict == Verdict.Escalate
            ? flags.ExecuteUpdateAsync(s => s
                .SetProperty(f => f.Status, FlagStatus.Escalated)
                .SetProperty(f => f.AssignedTo, (string?)null)
                .SetProperty(f => f.LeaseOwner, (string?)null)
                .SetProperty(f => f.LeaseExpiresAt, (DateTimeOffset?)null), cancellationToken)
            : flags.ExecuteUpdateAsync(s => s
                .SetProperty(f => f.Status, FlagStatus.Decided)
                .SetProperty(f => f.DecidedAt, now)
                .SetProperty(f => f.LeaseOwner, (string?)null)
                .SetProperty(f => f.LeaseExpiresAt, (DateTimeOffset?)null), cancellationToken);

    /// <summary>Counters on write: open members of the touched clusters, confirmed violations of the organizations.</summary>
    private static async Task UpdateCountersAsync(AppDbContext db, IReadOnlyList<Flag> flags, Verdict verdict, CancellationToken cancellationToken)
    {
        if (verdict != Verdict.Escalate)
        {
            await FlagCounters.RecountOpenAsync(db, flags.Where(f => f.ClusterId is not null).Select(f => f.ClusterId!.Value).Distinct().ToList(), cancellationToken);
        }

        if (verdict == Verdict.Violation)
        {
            await FlagCounters.AddConfirmedViolationsAsync(db, flags.Select(f => f.OrganizationId), cancellationToken);
        }
    }

    private static FlagDecision NewDecision(Flag flag, DecideFlagRequest request, StaffUser user, DateTimeOffset now, long? clusterId) => new()
    {
        FlagId = flag.Id,
        OrganizationId = flag.OrganizationId,
        Verdict = request.Verdict,
        ConfirmedCategories = string.Join(' ', request.ConfirmedCategories.Distinct(StringComparer.Ordinal)),
        Action = request.Action,
        PolicyClause = request.PolicyClause.Trim(),
        Reason = request.Reason.Trim(),
        DecidedBy = user.Id,
        DecidedByName = user.Name,
        DecidedAt = now,
        ClusterId = clusterId,
        Labels = Labels(flag, request, now),
    };

    private static DecisionLabel Label(Flag flag, string category, double score, LabelOutcome outcome, DateTimeOffset now) => new()
    {
        FlagId = flag.Id,
        Category = category,
        ClassifierName = flag.ClassifierName,
        ClassifierVersion = flag.ClassifierVersion,
        Score = score,
        Outcome = outcome,
        LabeledAt = now,
    };

    private async Task<int> RequestEnforcementAsync(AppDbContext db, IReadOnlyList<Flag> flags, FlagDecision decision, DecideFlagRequest request, StaffUser user, CancellationToken cancellationToken)
    {
        var (kind, targetType, targets, parameters) = request.Action switch
        {
            DecisionAction.Warn => (EnforcementKind.Warn, EnforcementTargetType.Organization, flags.Select(f => f.OrganizationId), null),
            DecisionAction.RateLimit => (EnforcementKind.SetRateLimit, EnforcementTargetType.ApiKey, flags.Select(f => f.ApiKeyId), EnforcementContract.Write(EnforcementKind.SetRateLimit, options.Value.RateLimit.ToParameters())),
            DecisionAction.RevokeKey => (EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, flags.Select(f => f.ApiKeyId), null),
            DecisionAction.SuspendApp => (EnforcementKind.SuspendApplication, EnforcementTargetType.Application, flags.Select(f => f.ApplicationId), null),
            DecisionAction.SuspendOrg => (EnforcementKind.SuspendOrganization, EnforcementTargetType.Organization, flags.Select(f => f.OrganizationId), (string?)null),
            // None requests nothing; OpenIncident opens an incident instead (OpenIncidentAsync).
            _ => ((EnforcementKind?)null, default(EnforcementTargetType), Enumerable.Empty<long>(), (string?)null),
        };
        if (kind is null)
        {
            return 0;
        }

        var created = await enforcement.RequestAsync(db, new EnforcementRequest(
            kind.Value,
            targetType,
            targets.Distinct().ToList(),
            EnforcementReason.Decision,
            Id(decision.Id),
            request.PolicyClause.Trim(),
            request.Reason.Trim(),
            parameters)
        {
            NoticeOptOutReason = request.NoticeOptOutReason?.Trim(),
        }, user, cancellationToken);
        if (request.NoticeOptOutReason is { } optOut && created.Count > 0)
        {
            // A cluster decision is audited on the cluster, as its "flag.cluster-decided" is.
            var (auditType, auditId) = decision.ClusterId is { } cluster ? ("FlagCluster", Id(cluster)) : ("Flag", Id(decision.FlagId));
            await audit.AppendAsync(db, user, new AuditEntry(
                NoticeWithheldAuditKind,
                auditType,
                auditId,
                $"{kind} requested without notifying the organization ({created.Count} action(s))",
                optOut.Trim(),
                AfterJson: JsonSerializer.Serialize(new { decision = decision.Id, actions = created.Select(a => a.Id) })), cancellationToken);
        }

        return created.Count;
    }

    /// <summary>"Open incident": the incident is opened in the decision's transaction, linked to the
    /// flags (and cluster) as evidence and to the organization, so it cannot exist without its decision.</summary>
    private async Task<long?> OpenIncidentAsync(AppDbContext db, List<Flag> flags, FlagDecision decision, DecideFlagRequest request, StaffUser user, CancellationToken cancellationToken, long? clusterId = null)
    {
        if (request.Action != DecisionAction.OpenIncident)
        {
            return null;
        }

        var first = flags[0];
        var organizations = flags.Select(f => f.OrganizationId).Distinct().ToList();
        var categories = string.Join(", ", request.ConfirmedCategories);
        var scope = flags.Count == 1 ? $"flag {first.Id}" : $"{flags.Count} flags of cluster {clusterId}";
        return await incidents.OpenFromDecisionAsync(db, new OpenIncidentRequest
        {
            Title = $"{categories} from {scope}",
            Summary = $"Opened by {user.Name} from decision {decision.Id} ({request.PolicyClause.Trim()}): {request.Reason.Trim()}",
            Severity = Severity.Sev3,
            DetectionSource = DetectionSource.Reviewer,
            GenerationsAffected = flags.Count,
            OrganizationsAffected = organizations.Count,
            DetectedAt = clock.GetUtcNow(),
            FlagIds = flags.Select(f => f.Id).ToList(),
            ClusterId = clusterId,
            OrganizationId = organizations.Count == 1 ? organizations[0] : null,
        }, user, cancellationToken);
    }

    /// <summary>The reviewer's confirmation. An opened incident is named without its number: reviewers
    /// cannot open incidents (responders work them from /incidents), and an answer that takes no effect
    /// (a golden item, a disagreeing second review) must confirm exactly like a live decision without an
    /// incident behind it.</summary>
    private static string Summary(DecideFlagRequest request, int flags, int actions, bool incidentOpened)
    {
        var what = request.Verdict switch
        {
            Verdict.Violation => "Violation recorded",
            Verdict.NoViolation => "No violation recorded",
            _ => "Escalated to Leads",
        };
        var scope = flags == 1 ? "" : $" on {flags} flags";
        var effect = actions > 0 ? $"; {actions} enforcement action(s) requested" : incidentOpened ? "; incident opened for the incident responders" : "";
        return what + scope + effect + ".";
    }

    private static string DecisionJson(FlagDecision d) => JsonSerializer.Serialize(new
    {
        d.Id,
        d.FlagId,
        Verdict = d.Verdict.ToString(),
        d.ConfirmedCategories,
        Action = d.Action.ToString(),
        d.PolicyClause,
        Labels = d.Labels.Select(l => new { l.Category, Outcome = l.Outcome.ToString() }),
    });

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
