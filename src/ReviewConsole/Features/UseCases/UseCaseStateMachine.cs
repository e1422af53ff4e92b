using ReviewConsole.Data.UseCases;

namespace ReviewConsole.Features.UseCases;

/// <summary>Everything that moves a submission between states.</summary>
public enum UseCaseTransition
{
    Approve,
    ApproveWithConditions,
    RequestChanges,
    Reject,

    /// <summary>The developer sends a new revision after changes were requested.</summary>
    Resubmit,

    /// <summary>A live approval goes back to the queue: re-review date, drift, staged-access step or spike.</summary>
    Requeue,
}

/// <summary>The one table of allowed transitions; every service asks it before changing a state.</summary>
public static class UseCaseStateMachine
{
    private static readonly Dictionary<(SubmissionState, UseCaseTransition), SubmissionState> Table = new()
    {
        [(SubmissionState.Submitted, UseCaseTransition.Approve)] = SubmissionState.Approved,
        [(SubmissionState.Submitted, UseCaseTransition.ApproveWithConditions)] = SubmissionState.ApprovedWithConditions,
        [(SubmissionState.Submitted, UseCaseTransition.RequestChanges)] = SubmissionState.ChangesRequested,
        [(SubmissionState.Submitted, UseCaseTransition.Reject)] = SubmissionState.Rejected,
        [(SubmissionState.ReReview, UseCaseTransition.Approve)] = SubmissionState.Approved,
        [(SubmissionState.ReReview, UseCaseTransition.ApproveWithConditions)] = SubmissionState.ApprovedWithConditions,
        [(SubmissionState.ReReview, UseCaseTransition.RequestChanges)] = SubmissionState.ChangesRequested,
        [(SubmissionState.ReReview, UseCaseTransition.Reject)] = SubmissionState.Rejected,
        [(SubmissionState.ChangesRequested, UseCaseTransition.Resubmit)] = SubmissionState.Submitted,
        [(SubmissionState.Approved, UseCaseTransition.Requeue)] = SubmissionState.ReReview,
        [(SubmissionState.ApprovedWithConditions, UseCaseTransition.Requeue)] = SubmissionState.ReReview,
    };

    /// <summary>The states a reviewer works from (the queue).</summary>
    public static readonly IReadOnlyList<SubmissionState> Open = [SubmissionState.Submitted, SubmissionState.ReReview];

    /// <summary>Live approvals (drift, re-review, staged access apply).</summary>
    public static readonly IReadOnlyList<SubmissionState> Live = [SubmissionState.Approved, SubmissionState.ApprovedWithConditions];

    public static IReadOnlyCollection<(SubmissionState From, UseCaseTransition Transition, SubmissionState To)> Allowed =>
        Table.Select(e => (e.Key.Item1, e.Key.Item2, e.Value)).ToList();

    public static bool TryNext(SubmissionState from, UseCaseTransition transition, out SubmissionState to) =>
        Table.TryGetValue((from, transition), out to);

    public static UseCaseTransition ToTransition(UseCaseDecisionKind kind) => kind switch
    {
        UseCaseDecisionKind.Approve => UseCaseTransition.Approve,
        UseCaseDecisionKind.ApproveWithConditions => UseCaseTransition.ApproveWithConditions,
        UseCaseDecisionKind.RequestChanges => UseCaseTransition.RequestChanges,
        UseCaseDecisionKind.Reject => UseCaseTransition.Reject,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string Describe(SubmissionState state) => state switch
    {
        SubmissionState.Submitted => "Awaiting review",
        SubmissionState.ChangesRequested => "Changes requested",
        SubmissionState.Approved => "Approved",
        SubmissionState.ApprovedWithConditions => "Approved with conditions",
        SubmissionState.ReReview => "Re-review",
        SubmissionState.Rejected => "Rejected",
        _ => state.ToString(),
    };
}
