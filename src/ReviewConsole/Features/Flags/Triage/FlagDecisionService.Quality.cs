using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Quality;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Quality;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Flags.Triage;

/// <summary>
/// Decisions on review-quality items, kept beside the ordinary path so the two stay readable:
/// a golden answer is scored and nothing else; a second review either confirms the held first
/// answer (which then becomes the decision, with labels and enforcement) or waits for a Lead,
/// whose adjudication is final.
/// </summary>
public sealed partial class FlagDecisionService
{
    private static ReviewAnswer Answer(DecideFlagRequest request) =>
        new(request.Verdict, request.ConfirmedCategories.ToList(), request.Action, request.PolicyClause);

    /// <summary>Null when the flag is not a golden item or second review the user holds.</summary>
    private async Task<DecisionOutcome?> DecideQualityItemAsync(StaffUser user, long flagId, DecideFlagRequest request, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        if (await GoldenSetService.OpenAttemptAsync(db, user.Id, flagId, cancellationToken) is { } open)
        {
            if (open.ExpiresAt <= now)
            {
                return new DecisionOutcome(false, $"Your lease expired at {open.ExpiresAt:HH:mm:ss} UTC. Claim the flag again to decide it.");
            }

            return await db.InTransactionAsync(
                async ct =>
                {
                    var attempt = await GoldenSetService.OpenAttemptAsync(db, user.Id, flagId, ct);
                    if (attempt is null)
                    {
                        return new DecisionOutcome(false, "This flag was already decided.");
                    }

                    var flag = await db.Set<Flag>().AsNoTracking().Include(f => f.Scores).SingleAsync(f => f.Id == flagId, ct);
                    var shown = new FlagGoldenAnswer(
                        string.Join(' ', request.ConfirmedCategories.Distinct(StringComparer.Ordinal)),
                        request.Action,
                        request.Reason.Trim(),
                        await PolicyVersionStamp.ForAsync(db, PolicyVersionStamp.Relevant(flag, request.ConfirmedCategories), ct));
                    await golden.ScoreAsync(db, attempt, Answer(request), user, ct, shown);
                    return MimickedOutcome(request);
                },
                cancellationToken);
        }

        if (await DoubleReviewService.HeldSecondReviewAsync(db, user.Id, flagId, now, cancellationToken) is null)
        {
            return null;
        }

        int actions = 0;
        long? incidentId = null;
        var agreed = false;
        var refused = await db.InTransactionAsync<DecisionOutcome?>(
            async ct =>
            {
                var review = await DoubleReviewService.HeldSecondReviewAsync(db, user.Id, flagId, now, ct);
                if (review is null)
                {
                    return new DecisionOutcome(false, await claims.ExplainAsync(db, user, TriageRights.Reviewer, flagId, ct));
                }

                agreed = await doubleReview.RecordSecondAsync(db, review, Answer(request), request.Reason, user, now, ct);
                if (agreed)
                {
                    var first = new StaffUser(review.FirstReviewerId, review.FirstReviewerName);
                    var firstRequest = new DecideFlagRequest(review.FirstVerdict, [.. ReviewAnswer.Split(review.FirstCategories).Order(StringComparer.Ordinal)], review.FirstAction, review.FirstClause, review.FirstReason)
                    {
                        // The confirming reviewer may withhold the notice (with a reason); the first answer's hold carried none.
                        NoticeOptOutReason = DecideFlagRequest.SendsNotice(review.FirstAction) ? request.NoticeOptOutReason : null,
                    };
                    (actions, incidentId) = await FinalizeDoubleReviewAsync(db, review, firstRequest, first, user, now, review.ClusterId is null ? review.PolicyVersions : null, ct);
                }

                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        if (agreed)
        {
            return new DecisionOutcome(true, Summary(request, 1, actions, incidentId is not null), 1, actions, incidentId);
        }

        // A disagreement waits for a Lead; the second reviewer still sees an ordinary confirmation.
        return MimickedOutcome(request);
    }

    /// <summary>
    /// What an ordinary decision of this kind on the flag would have told the reviewer, for an answer
    /// that takes no effect (a golden item, a second review that disagreed): one enforcement action for
    /// an enforcing action, "incident opened" for "open incident" (live confirmations name no incident
    /// number either). Nothing is opened, linked or requested, so known-answer practice never reaches
    /// incident or enforcement data.
    /// </summary>
    private static DecisionOutcome MimickedOutcome(DecideFlagRequest request)
    {
        var actions = request.Action is DecisionAction.None or DecisionAction.OpenIncident ? 0 : 1;
        return new DecisionOutcome(true, Summary(request, 1, actions, request.Action == DecisionAction.OpenIncident), 1, actions);
    }

    /// <summary>A Lead's final answer on a double review whose reviewers disagreed. It becomes the
    /// decision (labels, enforcement); with <paramref name="addToGolden"/> it also joins the golden set.</summary>
    public async Task<DecisionOutcome> AdjudicateAsync(StaffUser lead, TriageRights rights, long doubleReviewId, DecideFlagRequest request, bool addToGolden, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lead);
        ArgumentNullException.ThrowIfNull(rights);
        ArgumentNullException.ThrowIfNull(request);
        if (!rights.CanDecideEscalated)
        {
            return new DecisionOutcome(false, "Only a Lead can adjudicate a double review.");
        }

        if (request.Verdict == Verdict.Escalate)
        {
            return new DecisionOutcome(false, "An adjudication is final: choose violation or no violation.");
        }

        if (Validate(request) is { } invalid)
        {
            return new DecisionOutcome(false, invalid);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        int actions = 0;
        long? incidentId = null;
        var members = 1;
        var refused = await db.InTransactionAsync<DecisionOutcome?>(
            async ct =>
            {
                var review = await db.Set<DoubleReview>().SingleOrDefaultAsync(r => r.Id == doubleReviewId, ct);
                if (review is null || review.State != DoubleReviewState.AwaitingAdjudication)
                {
                    return new DecisionOutcome(false, "This double review is not waiting for adjudication (already resolved, or still with its second reviewer).");
                }

                if (review.FirstReviewerId == lead.Id || review.SecondReviewerId == lead.Id)
                {
                    return new DecisionOutcome(false, "You reviewed this flag yourself; another Lead must adjudicate.");
                }

                members = Math.Max(1, review.MemberCount);
                review.State = DoubleReviewState.Adjudicated;
                review.AdjudicatedBy = lead.Id;
                review.AdjudicatedByName = lead.Name;
                review.AdjudicatedAt = now;
                await db.SaveChangesAsync(ct);
                (actions, incidentId) = await FinalizeDoubleReviewAsync(db, review, request, lead, lead, now, policyVersions: null, ct);
                if (addToGolden)
                {
                    var added = await golden.AddAsync(db, lead, new PromoteGoldenRequest(GoldenSourceKind.Flag, review.FlagId, request.Verdict, request.ConfirmedCategories, request.PolicyClause, $"Adjudicated double review {review.Id}"), ct);
                    if (!added.Succeeded)
                    {
                        return new DecisionOutcome(false, added.Message);
                    }
                }

                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        return new DecisionOutcome(true, "Adjudicated: " + Summary(request, members, actions, incidentId is not null) + (incidentId is { } incident ? $" Incident #{incident}." : "") + (addToGolden ? " Added to the golden set." : ""), members, actions, incidentId);
    }

    /// <summary>Writes what a double review ends in: its flag (or every held member of a cluster
    /// decision) leaves <see cref="FlagStatus.InDoubleReview"/> with one decision each, and counters,
    /// strikes, audit, enforcement (once, per distinct target) and an incident follow as for any decision.
    /// Of a cluster's members only those a reviewer opened are labelled, as in a direct cluster decision.</summary>
    private async Task<(int Actions, long? IncidentId)> FinalizeDoubleReviewAsync(AppDbContext db, DoubleReview review, DecideFlagRequest request, StaffUser decider, StaffUser actor, DateTimeOffset now, string? policyVersions, CancellationToken cancellationToken)
    {
        var ids = await DoubleReviewService.MemberIdsAsync(db, review, cancellationToken);
        var rows = await db.Set<Flag>().Where(f => ids.Contains(f.Id) && f.Status == FlagStatus.InDoubleReview)
            .ExecuteUpdateAsync(s => s
                .SetProperty(f => f.Status, FlagStatus.Decided)
                .SetProperty(f => f.DecidedAt, now)
                .SetProperty(f => f.LeaseOwner, (string?)null)
                .SetProperty(f => f.LeaseExpiresAt, (DateTimeOffset?)null), cancellationToken);
        if (rows != ids.Count)
        {
            throw new InvalidOperationException($"Double review {review.Id}: {ids.Count - rows} of its flag(s) are not in double review.");
        }

        var flags = await db.Set<Flag>().AsNoTracking().Include(f => f.Scores).Where(f => ids.Contains(f.Id)).OrderBy(f => f.Id).ToListAsync(cancellationToken);
        var seen = new HashSet<long> { review.FlagId };
        if (review.ClusterId is not null)
        {
            foreach (var who in new[] { review.FirstReviewerId, review.SecondReviewerId, review.AdjudicatedBy }.OfType<string>().Distinct(StringComparer.Ordinal))
            {
                seen.UnionWith(await SeenByAsync(db, new StaffUser(who, who), ids, cancellationToken));
            }
        }

        var decisions = new List<FlagDecision>(flags.Count);
        foreach (var flag in flags)
        {
            var decision = NewDecision(flag, request, decider, now, review.ClusterId);
            decision.PolicyVersions = policyVersions ?? await PolicyVersionStamp.ForAsync(db, PolicyVersionStamp.Relevant(flag, request.ConfirmedCategories), cancellationToken);
            decision.DoubleReviewId = review.Id;
            if (!seen.Contains(flag.Id))
            {
                decision.SeenByDecider = false;
                decision.Labels = [];
            }

            decisions.Add(decision);
        }

        db.AddRange(decisions);
        await db.SaveChangesAsync(cancellationToken);
        review.FinalDecisionId = decisions.Single(d => d.FlagId == review.FlagId).Id;
        await db.SaveChangesAsync(cancellationToken);
        await UpdateCountersAsync(db, flags, request.Verdict, cancellationToken);
        if (review.ClusterId is { } clusterId)
        {
            await audit.AppendAsync(db, actor, new AuditEntry(
                "flag.cluster-decided",
                "FlagCluster",
                Id(clusterId),
                $"{request.Verdict} on {flags.Count} flag(s) of cluster {clusterId} ({decisions.Count(d => d.SeenByDecider)} seen and labelled); action {request.Action} (double review {review.Id}, {review.State})",
                request.Reason,
                AfterJson: System.Text.Json.JsonSerializer.Serialize(new { flags = ids, decisions = decisions.Select(d => d.Id), request.Verdict, request.Action, request.ConfirmedCategories, request.PolicyClause })), cancellationToken);
        }
        else
        {
            await audit.AppendAsync(db, actor, new AuditEntry(
                "flag.decided",
                "Flag",
                Id(review.FlagId),
                $"{request.Verdict} on flag {review.FlagId}; action {request.Action} (double review {review.Id}, {review.State})",
                request.Reason,
                AfterJson: DecisionJson(decisions[0])), cancellationToken);
        }

        await strikes.RecordForDecisionsAsync(db, decisions, flags, decider, cancellationToken);
        var actions = await RequestEnforcementAsync(db, flags, decisions[0], request, decider, cancellationToken);
        var incidentId = await OpenIncidentAsync(db, flags, decisions[0], request, decider, cancellationToken, review.ClusterId);
        return (actions, incidentId);
    }

}
