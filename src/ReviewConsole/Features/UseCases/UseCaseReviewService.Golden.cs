using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Quality;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.Quality;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.UseCases;

/// <summary>
/// Golden use-case submissions, kept beside the ordinary review path. Next serves a configured share
/// of claims as a known-answer submission; the reviewer sees it as the live item it replays (the
/// revision and state its promoted decision was taken on, claimed by them), decides it on the ordinary
/// panel, and gets the ordinary confirmation. The answer is scored and nothing else happens: the real
/// submission keeps its state, and no decision, notice, limit or statistic is written.
/// </summary>
public sealed partial class UseCaseReviewService
{
    /// <summary>Claiming a golden submission the reviewer was served (their reservation expired, or the
    /// page's Claim button) renews the reservation instead of touching the real submission.</summary>
    private async Task<bool> ReclaimGoldenAsync(AppDbContext db, long submissionId, StaffUser reviewer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await GoldenSetService.UseCaseAttemptAsync(db, reviewer.Id, submissionId, cancellationToken) is not { } found || found.Attempt.AnsweredAt is not null)
        {
            return false;
        }

        var until = now + LeaseDuration;
        var attemptId = found.Attempt.Id;
        return await db.Set<GoldenAnswer>().Where(a => a.Id == attemptId && a.AnsweredAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.ExpiresAt, until), cancellationToken) == 1;
    }

    /// <summary>Null when <paramref name="reviewer"/> was not served <paramref name="s"/> as a golden
    /// submission; otherwise the result a real decision would have had, with only the score written.</summary>
    private async Task<DecisionResult?> DecideGoldenAsync(AppDbContext db, UseCaseSubmission s, DecideUseCaseRequest request, StaffUser reviewer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (HoldsForReal(s, reviewer, now)
            || await GoldenSetService.UseCaseAttemptAsync(db, reviewer.Id, s.Id, cancellationToken) is not { } found
            || await SourceDecisionAsync(db, found.Item, cancellationToken) is not { } source)
        {
            return null;
        }

        var shown = ShownState(found.Attempt, source);
        if (!UseCaseStateMachine.TryNext(shown, UseCaseStateMachine.ToTransition(request.Kind), out var next))
        {
            return CannotDecide(shown, request.Kind);
        }

        var category = await db.Set<GuidelineCategory>().AsNoTracking().SingleAsync(c => c.Id == s.CategoryId, cancellationToken);
        if (CategoryRefusal(request.Kind, category) is { } refusal)
        {
            return refusal;
        }

        var conditions = request.Kind == UseCaseDecisionKind.ApproveWithConditions ? request.Conditions : null;
        var clause = string.IsNullOrWhiteSpace(request.GuidelineClause) ? category.Clause : request.GuidelineClause.Trim();
        var answer = new UseCaseGoldenAnswer(request.Kind, clause, request.Reason.Trim(), request.Questions.Trim(), conditions?.ToJson());
        var attemptId = found.Attempt.Id;
        var scored = await db.InTransactionAsync(
            async ct =>
            {
                var attempt = await db.Set<GoldenAnswer>().SingleOrDefaultAsync(a => a.Id == attemptId && a.AnsweredAt == null && a.ExpiresAt > now, ct);
                if (attempt is null || request.ExpectedVersion != s.ConcurrencyVersion)
                {
                    return false;
                }

                await golden.ScoreUseCaseAsync(db, attempt, answer, reviewer, ct);
                return true;
            },
            cancellationToken);
        return scored ? Decided(next, conditions) : ClaimLost();
    }

    /// <summary>The submission as the reviewer who was served it as golden sees it: the revision and
    /// state of the promoted decision, with the decisions before it, claimed by them — and once they
    /// answered, in the state their decision would have left it, with their decision on top.</summary>
    private async Task<SubmissionDetails> GoldenViewAsync(AppDbContext db, StaffUser viewer, UseCaseSubmission s, GuidelineCategory category, SubmissionDetails details, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (HoldsForReal(s, viewer, now)
            || await GoldenSetService.UseCaseAttemptAsync(db, viewer.Id, s.Id, cancellationToken) is not { } found
            || await SourceDecisionAsync(db, found.Item, cancellationToken) is not { } source)
        {
            return details;
        }

        var (attempt, _) = found;
        var answer = attempt.AnsweredAt is not null ? UseCaseGoldenAnswer.FromJson(attempt.AnswerJson) : null;
        var state = ShownState(attempt, source);
        var revision = await db.Set<UseCaseRevision>().AsNoTracking().SingleAsync(r => r.SubmissionId == s.Id && r.Number == source.Revision, cancellationToken);
        var content = UseCaseContent.FromJson(revision.ContentJson);
        var checklist = ChecklistScorer.Score(content, category.RiskLevel, category.RequiredSafeguards);

        // What was in force when the promoted decision was taken: the approval just before it, if the
        // decision before it was one. A request for changes or a rejection clears a live submission's
        // approval, conditions and drift card, so an older approval must not show either.
        var previous = await db.Set<UseCaseDecision>().AsNoTracking()
            .Where(d => d.SubmissionId == s.Id && d.Id < source.Id)
            .OrderByDescending(d => d.Id)
            .FirstOrDefaultAsync(cancellationToken);
        var lastApproval = previous is { Kind: UseCaseDecisionKind.Approve or UseCaseDecisionKind.ApproveWithConditions } ? previous : null;
        UseCaseDecisionKind? approvalKind = lastApproval?.Kind;
        var conditions = UseCaseConditions.FromJson(lastApproval?.ConditionsJson);
        var approvedAt = lastApproval?.DecidedAt;
        var decisions = details.Decisions.Where(d => d.Id < source.Id).ToList();
        if (answer is not null && attempt.AnsweredAt is { } answeredAt)
        {
            var approving = answer.Decision is UseCaseDecisionKind.Approve or UseCaseDecisionKind.ApproveWithConditions;
            approvalKind = approving ? answer.Decision : null;
            conditions = UseCaseConditions.FromJson(answer.ConditionsJson);
            approvedAt = approving ? answeredAt : null;
            decisions.Insert(0, new DecisionView(
                source.Id,
                source.Revision,
                answer.Decision,
                source.FromState,
                state,
                answer.Reason,
                UseCaseNotices.SplitQuestions(answer.Questions),
                conditions?.Describe() ?? [],
                answer.Clause,
                category.Version,
                checklist.Summary,
                viewer.Name,
                answeredAt));
        }

        var tier = QuotaTiers.Find(conditions?.Tier);
        long? approvedTokens = approvalKind switch
        {
            UseCaseDecisionKind.Approve => content.ExpectedMonthlyTokens,
            UseCaseDecisionKind.ApproveWithConditions => conditions?.MonthlyTokenQuota ?? tier?.MonthlyTokens,
            _ => null,
        };
        var open = answer is null && attempt.ExpiresAt > now;
        return details with
        {
            State = state,
            QueueReason = source.FromState == SubmissionState.ReReview ? QueueReason.ScheduledReReview : source.Revision > 1 ? QueueReason.Resubmitted : QueueReason.New,
            QueueNote = "",
            Content = content,
            Revision = source.Revision,
            Revisions = details.Revisions.Where(r => r.Number <= source.Revision).ToList(),
            Decisions = decisions,
            Checklist = checklist,
            Lease = open ? new LeaseView(viewer.Id, viewer.Name, attempt.ExpiresAt) : null,
            SlaDueAt = attempt.AssignedAt.AddHours(options.Value.ReviewSlaHours),
            ApprovedAt = approvedAt,
            Conditions = conditions,
            Tier = conditions?.Tier,
            ProposedTier = null,
            StagedAccessHalted = false,
            ReReviewAt = conditions?.ReReviewAt,
            ConcurrencyVersion = s.ConcurrencyVersion + (answer is null ? 0 : 1),
            Drift = approvedAt is { } at ? await monitor.DriftAsync(db, s.ApplicationId, at, approvedTokens, cancellationToken) : null,
            SuggestedConditions = Suggest(new UseCaseSubmission(), category, conditions, content.Models),
        };
    }

    /// <summary>A real claim on the submission (it came back to the queue and this reviewer took it)
    /// wins over an earlier golden replay of it.</summary>
    private static bool HoldsForReal(UseCaseSubmission s, StaffUser user, DateTimeOffset now) =>
        s.LeaseOwner == user.Id && s.LeaseExpiresAt > now;

    /// <summary>The state the reviewer sees: the one the promoted decision started from, or after their answer.</summary>
    private static SubmissionState ShownState(GoldenAnswer attempt, UseCaseDecision source) =>
        attempt.Decision is { } answered && UseCaseStateMachine.TryNext(source.FromState, UseCaseStateMachine.ToTransition(answered), out var after)
            ? after
            : source.FromState;

    private static Task<UseCaseDecision?> SourceDecisionAsync(AppDbContext db, GoldenItem item, CancellationToken cancellationToken) =>
        item.SourceDecisionId is { } id
            ? db.Set<UseCaseDecision>().AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken)
            : Task.FromResult<UseCaseDecision?>(null);
}
