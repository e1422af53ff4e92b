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

                    await golden.ScoreAsync(db, attempt, Answer(request), user, ct);
                    // The reviewer sees what an ordinary decision of this kind would say.
                    var mimicked = request.Action is DecisionAction.None or DecisionAction.OpenIncident ? 0 : 1;
                    return new DecisionOutcome(true, Summary(request, 1, mimicked, null), 1, mimicked);
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
                    (actions, incidentId) = await FinalizeDoubleReviewAsync(db, review, firstRequest, first, user, now, review.PolicyVersions, ct);
                }

                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        return agreed
            ? new DecisionOutcome(true, Summary(request, 1, actions, incidentId), 1, actions, incidentId)
            : new DecisionOutcome(true, Summary(request, 1, 0, null), 1);
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

                review.State = DoubleReviewState.Adjudicated;
                review.AdjudicatedBy = lead.Id;
                review.AdjudicatedByName = lead.Name;
                review.AdjudicatedAt = now;
                await db.SaveChangesAsync(ct);
                var flag = await db.Set<Flag>().AsNoTracking().Include(f => f.Scores).SingleAsync(f => f.Id == review.FlagId, ct);
                var stamp = await PolicyVersionStamp.ForAsync(db, PolicyVersionStamp.Relevant(flag, request.ConfirmedCategories), ct);
                (actions, incidentId) = await FinalizeDoubleReviewAsync(db, review, request, lead, lead, now, stamp, ct);
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

        return new DecisionOutcome(true, "Adjudicated: " + Summary(request, 1, actions, incidentId) + (addToGolden ? " Added to the golden set." : ""), 1, actions, incidentId);
    }

    /// <summary>Writes the one decision a double review ends in: the flag leaves
    /// <see cref="FlagStatus.InDoubleReview"/>, and labels, audit, the strike and enforcement follow
    /// in the same transaction, as for any decision.</summary>
    private async Task<(int Actions, long? IncidentId)> FinalizeDoubleReviewAsync(AppDbContext db, DoubleReview review, DecideFlagRequest request, StaffUser decider, StaffUser actor, DateTimeOffset now, string policyVersions, CancellationToken cancellationToken)
    {
        var rows = await db.Set<Flag>().Where(f => f.Id == review.FlagId && f.Status == FlagStatus.InDoubleReview)
            .ExecuteUpdateAsync(s => s
                .SetProperty(f => f.Status, FlagStatus.Decided)
                .SetProperty(f => f.DecidedAt, now)
                .SetProperty(f => f.LeaseOwner, (string?)null)
                .SetProperty(f => f.LeaseExpiresAt, (DateTimeOffset?)null), cancellationToken);
        if (rows != 1)
        {
            throw new InvalidOperationException($"Flag {review.FlagId} is not in double review.");
        }

        var flag = await db.Set<Flag>().AsNoTracking().Include(f => f.Scores).SingleAsync(f => f.Id == review.FlagId, cancellationToken);
        var decision = NewDecision(flag, request, decider, now, clusterId: null);
        decision.PolicyVersions = policyVersions;
        decision.DoubleReviewId = review.Id;
        db.Add(decision);
        await db.SaveChangesAsync(cancellationToken);
        review.FinalDecisionId = decision.Id;
        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(db, actor, new AuditEntry(
            "flag.decided",
            "Flag",
            flag.Id.ToString(CultureInfo.InvariantCulture),
            $"{request.Verdict} on flag {flag.Id}; action {request.Action} (double review {review.Id}, {review.State})",
            request.Reason,
            AfterJson: DecisionJson(decision)), cancellationToken);
        await strikes.RecordForDecisionsAsync(db, [decision], [flag], decider, cancellationToken);
        var actions = await RequestEnforcementAsync(db, [flag], decision, request, decider, cancellationToken);
        var incidentId = await OpenIncidentAsync(db, [flag], decision, request, decider, cancellationToken);
        return (actions, incidentId);
    }
}
