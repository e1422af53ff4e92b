namespace ReviewConsole.Data.Enforcement;

public enum EnforcementKind
{
    Warn,
    RevokeKey,
    ReinstateKey,
    SuspendApplication,
    SuspendOrganization,
    Reinstate,
    SetRateLimit,
    SetQuota,
    RestrictModelAccess,
    SendNotice,

    /// <summary>Every registry limit at once (a use-case approval, a staged-access tier or halt).</summary>
    SetLimits,

    /// <summary>Puts keys' (and an app's or organization's) limits back as a snapshot held them.</summary>
    RestoreLimits,

    /// <summary>Research access: subsidized credits in the application's ledger.</summary>
    GrantResearchCredits,
}

/// <summary>The outbox state machine: PendingApproval → Pending → InProgress → Succeeded |
/// Retrying (→ InProgress) | DeadLettered (→ Pending when an Admin re-queues it); Cancelled from
/// PendingApproval, Pending, Retrying or DeadLettered. The allowed moves are listed in one table
/// (EnforcementStateMachine in the host).</summary>
public enum EnforcementState
{
    PendingApproval,
    Pending,
    InProgress,
    Retrying,
    Succeeded,
    DeadLettered,
    Cancelled,
}

public enum EnforcementTargetType
{
    Organization,
    Application,
    ApiKey,
}

/// <summary>Why an action exists: what the <see cref="EnforcementAction.ReasonId"/> points at.</summary>
public enum EnforcementReason
{
    Manual,
    Decision,
    Incident,
    Appeal,
    UseCase,
    Strike,
    Expiry,
}

/// <summary>
/// One enforcement effect against the platform, as a row first (the outbox). Jobs pick rows up by
/// an atomic conditional update on <see cref="State"/>, so a retry, a restart or a second node
/// never loses or doubles an effect; <see cref="IdempotencyKey"/> makes the platform call itself
/// safe to repeat.
/// </summary>
public class EnforcementAction
{
    public long Id { get; set; }

    public EnforcementKind Kind { get; set; }

    public EnforcementState State { get; set; }

    public EnforcementTargetType TargetType { get; set; }

    /// <summary>Id of the Organization, Application or ApiKey row.</summary>
    public long TargetId { get; set; }

    /// <summary>The organization the target belongs to (for blast radius, strikes, the actor page).</summary>
    public long OrganizationId { get; set; }

    /// <summary>Kind-specific parameters as JSON, e.g. <c>{"rpm":60,"tpm":40000}</c>.</summary>
    public string? ParametersJson { get; set; }

    public EnforcementReason Reason { get; set; }

    /// <summary>The id of the decision, incident, appeal or use case behind the action.</summary>
    public string? ReasonId { get; set; }

    public string? PolicyClause { get; set; }

    public string Note { get; set; } = "";

    public required string RequestedBy { get; set; }

    /// <summary>The requester's user id (the second-person rule compares ids, not display names).</summary>
    public string? RequestedById { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public bool RequiresApproval { get; set; }

    /// <summary>Shared by the actions of one request (a bulk revocation): approved and previewed together.</summary>
    public string? RequestGroupId { get; set; }

    public string? ApprovedBy { get; set; }

    public string? ApprovedById { get; set; }

    public DateTimeOffset? ApprovedAt { get; set; }

    public string? CancelledBy { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    public required string IdempotencyKey { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>Until when the worker that picked the action owns it; an expired lease is picked up again.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    /// <summary>What the target looked like before the effect (status, limits), captured when the
    /// effect is applied, so a reversal can restore exactly that.</summary>
    public string? PreviousStateJson { get; set; }

    /// <summary>The platform's answer (status code or reference) of the successful delivery.</summary>
    public string? PlatformResponse { get; set; }

    /// <summary>True once the platform (or the local key registry) confirmed the effect.</summary>
    public bool ConfirmedAtPlatform { get; set; }

    /// <summary>A time-bounded sanction ends here: a reversal is scheduled for this time.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>For a reversal: the action it undoes.</summary>
    public long? ReversesActionId { get; set; }

    /// <summary>Why the decider chose not to notify the organization of this sanction; null = the
    /// notice goes out when the sanction takes effect.</summary>
    public string? NoticeOptOutReason { get; set; }

    /// <summary>Set (on every action of the request group) by the transaction that queued the
    /// group's notice, so concurrent finishes of one group queue it once.</summary>
    public bool NoticeQueued { get; set; }
}
