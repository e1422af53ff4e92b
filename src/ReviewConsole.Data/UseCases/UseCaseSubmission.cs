namespace ReviewConsole.Data.UseCases;

public enum SubmissionKind
{
    Application,
    ResearchAccess,
}

/// <summary>
/// The review state machine (see UseCaseStateMachine in the feature): Submitted and ReReview wait
/// in the queue; ChangesRequested waits for the developer; Approved and ApprovedWithConditions are
/// live and go back to ReReview on their date, on drift or for a staged-access step; Rejected ends.
/// </summary>
public enum SubmissionState
{
    Submitted,
    ChangesRequested,
    Approved,
    ApprovedWithConditions,
    ReReview,
    Rejected,
}

/// <summary>Why a submission is (back) in the queue.</summary>
public enum QueueReason
{
    New,
    Resubmitted,
    ScheduledReReview,
    Drift,
    NextTierProposed,
    FlagSpike,
    CreditsExhausted,
    PilotCapExceeded,
}

/// <summary>
/// A developer's description of an application (or a research access application) awaiting or
/// past review. The developer-written content lives in <see cref="UseCaseRevision"/> rows, one
/// per (re)submission; the columns here are what the queue filters and sorts on. Claims are an
/// atomic conditional update of <see cref="LeaseOwner"/>/<see cref="LeaseExpiresAt"/>.
/// </summary>
public class UseCaseSubmission
{
    public long Id { get; set; }

    public SubmissionKind Kind { get; set; }

    public SubmissionState State { get; set; }

    public QueueReason QueueReason { get; set; }

    /// <summary>A short explanation of <see cref="QueueReason"/> (e.g. the drift figures).</summary>
    public string QueueNote { get; set; } = "";

    public long OrganizationId { get; set; }

    public long ApplicationId { get; set; }

    public int CategoryId { get; set; }

    /// <summary>The application's display name as submitted (latest revision).</summary>
    public string Name { get; set; } = "";

    public int CurrentRevision { get; set; }

    /// <summary>The API token that submitted it; only that token's organization may read it back.</summary>
    public long? SubmittedByTokenId { get; set; }

    /// <summary>Staff member who submitted on the developer's behalf, if any.</summary>
    public string? SubmittedOnBehalfBy { get; set; }

    public DateTimeOffset SubmittedAt { get; set; }

    public DateTimeOffset LastSubmittedAt { get; set; }

    public DateTimeOffset SlaDueAt { get; set; }

    public string? LeaseOwner { get; set; }

    public string? LeaseOwnerName { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>When the current approval started (drift and staged access count from here).</summary>
    public DateTimeOffset? ApprovedAt { get; set; }

    /// <summary>The conditions in force (JSON of the feature's conditions record), when approved with conditions.</summary>
    public string? ConditionsJson { get; set; }

    /// <summary>The approved monthly token quota in force, for drift.</summary>
    public long? ApprovedMonthlyTokens { get; set; }

    /// <summary>The quota tier in force (pilot first under staged access).</summary>
    public string? Tier { get; set; }

    /// <summary>The tier a staged-access check proposed; the reviewer confirms it.</summary>
    public string? ProposedTier { get; set; }

    /// <summary>Staged access: the next tier is proposed after a clean period, and a flag spike halts it.</summary>
    public bool StagedAccess { get; set; }

    /// <summary>Staged progression stopped after a flag spike; no further tiers are proposed.</summary>
    public bool StagedAccessHalted { get; set; }

    public DateTimeOffset? ReReviewAt { get; set; }

    /// <summary>Bumped on every state change; decisions name the version they saw.</summary>
    public int ConcurrencyVersion { get; set; }
}

/// <summary>One (re)submission's content as the developer wrote it: untrusted text, rendered as text.</summary>
public class UseCaseRevision
{
    public long Id { get; set; }

    public long SubmissionId { get; set; }

    public int Number { get; set; }

    /// <summary>The content record as JSON (the feature's UseCaseContent).</summary>
    public required string ContentJson { get; set; }

    public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>The token name or staff member who sent this revision.</summary>
    public string SubmittedBy { get; set; } = "";

    /// <summary>The developer's answer to the reviewer's questions, for revisions after the first.</summary>
    public string ResponseNote { get; set; } = "";
}

public enum UseCaseDecisionKind
{
    Approve,
    ApproveWithConditions,
    RequestChanges,
    Reject,
}

/// <summary>A reviewer's decision, with the guideline version it was made under.</summary>
public class UseCaseDecision
{
    public long Id { get; set; }

    public long SubmissionId { get; set; }

    public int Revision { get; set; }

    public UseCaseDecisionKind Kind { get; set; }

    public SubmissionState FromState { get; set; }

    public SubmissionState ToState { get; set; }

    public int GuidelineCategoryId { get; set; }

    public int GuidelineVersion { get; set; }

    public string GuidelineClause { get; set; } = "";

    /// <summary>What the developer is told: specific, actionable.</summary>
    public string Reason { get; set; } = "";

    /// <summary>Questions for the developer (request changes), one per line.</summary>
    public string Questions { get; set; } = "";

    public string? ConditionsJson { get; set; }

    /// <summary>The checklist score the reviewer saw, e.g. <c>2/3</c>.</summary>
    public string ChecklistScore { get; set; } = "";

    public required string DecidedBy { get; set; }

    public string DecidedByName { get; set; } = "";

    public DateTimeOffset DecidedAt { get; set; }
}
