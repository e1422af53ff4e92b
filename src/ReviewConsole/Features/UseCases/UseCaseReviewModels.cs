using ReviewConsole.Data.UseCases;

namespace ReviewConsole.Features.UseCases;

/// <summary>Which part of the queue to show. Null fields do not filter.</summary>
public sealed record UseCaseQueueFilter(
    bool OpenOnly = true,
    SubmissionState? State = null,
    SubmissionKind? Kind = null,
    int? CategoryId = null,
    RiskLevel? RiskLevel = null,
    QueueReason? Reason = null,
    bool OverdueOnly = false,
    bool UnclaimedOnly = false,
    string? Search = null);

public sealed record UseCaseQueueRow(
    long Id,
    string Name,
    SubmissionKind Kind,
    SubmissionState State,
    QueueReason Reason,
    string QueueNote,
    string Category,
    RiskLevel RiskLevel,
    string Organization,
    string App,
    int Revision,
    DateTimeOffset LastSubmittedAt,
    DateTimeOffset SlaDueAt,
    bool Overdue,
    string? LeaseOwnerName,
    DateTimeOffset? LeaseExpiresAt);

public sealed record UseCaseQueueCounts(int Open, int Overdue, int Unclaimed, int ReReview);

public sealed record FieldChange(string Label, string Before, string After);

public sealed record RevisionView(int Number, DateTimeOffset SubmittedAt, string SubmittedBy, string ResponseNote, IReadOnlyList<FieldChange> Changes);

public sealed record DecisionView(
    long Id,
    int Revision,
    UseCaseDecisionKind Kind,
    SubmissionState FromState,
    SubmissionState ToState,
    string Reason,
    IReadOnlyList<string> Questions,
    IReadOnlyList<string> Conditions,
    string GuidelineClause,
    int GuidelineVersion,
    string ChecklistScore,
    string DecidedByName,
    DateTimeOffset DecidedAt);

public sealed record LeaseView(string Owner, string OwnerName, DateTimeOffset ExpiresAt);

/// <summary>Everything the submission view shows.</summary>
public sealed record SubmissionDetails(
    long Id,
    SubmissionKind Kind,
    SubmissionState State,
    QueueReason QueueReason,
    string QueueNote,
    string OrganizationExternalId,
    string OrganizationName,
    string AppExternalId,
    long ApplicationId,
    GuidelineSummary Category,
    UseCaseContent Content,
    int Revision,
    IReadOnlyList<RevisionView> Revisions,
    IReadOnlyList<DecisionView> Decisions,
    ChecklistScore Checklist,
    LeaseView? Lease,
    DateTimeOffset SubmittedAt,
    DateTimeOffset SlaDueAt,
    string? SubmittedOnBehalfBy,
    DateTimeOffset? ApprovedAt,
    UseCaseConditions? Conditions,
    string? Tier,
    string? ProposedTier,
    bool StagedAccessHalted,
    DateTimeOffset? ReReviewAt,
    int ConcurrencyVersion,
    DriftReport? Drift,
    UseCaseConditions SuggestedConditions)
{
    public bool IsOpen => UseCaseStateMachine.Open.Contains(State);
}

/// <summary>A reviewer's decision as the decision panel sends it.</summary>
public sealed record DecideUseCaseRequest(
    long SubmissionId,
    int ExpectedVersion,
    UseCaseDecisionKind Kind,
    string Reason,
    string Questions = "",
    string? GuidelineClause = null,
    UseCaseConditions? Conditions = null);

public sealed record DecisionResult(bool Succeeded, string Message, ValidationErrors Errors)
{
    public static DecisionResult Ok(string message) => new(true, message, new ValidationErrors());

    public static DecisionResult Refused(string message) => new(false, message, new ValidationErrors());
}

public sealed record ClaimResult(bool Succeeded, string Message, long? SubmissionId = null);

public sealed record CategoryDrift(string Category, int Flags, int ConfirmedViolations, double FlagsPerDay);

/// <summary>Usage and flags of an app since its approval against what was approved.</summary>
public sealed record DriftReport(
    DateTimeOffset Since,
    double DaysSinceApproval,
    long? ApprovedMonthlyTokens,
    long TokensUsedThisMonth,
    double? VolumeRatio,
    int Flags,
    int ConfirmedViolations,
    int FlagsLast24Hours,
    double FlagsPerDay,
    IReadOnlyList<CategoryDrift> ByCategory,
    IReadOnlyList<string> Crossed)
{
    public bool IsDrifting => Crossed.Count > 0;
}
