namespace ReviewConsole.Data.Incidents;

/// <summary>The misuse taxonomy incidents are filed under.</summary>
public enum MisuseType
{
    InfluenceOperation,
    SpamDeceptiveHealthClaims,
    HatefulRolePlay,
    Malware,
    SexualContentInvolvingMinors,
    SelfHarm,
    Other,
}

/// <summary>SEV1 is the most severe; the written definitions live with the incident feature.</summary>
public enum Severity
{
    Sev1 = 1,
    Sev2 = 2,
    Sev3 = 3,
    Sev4 = 4,
}

public enum HarmLevel
{
    /// <summary>Harm happened.</summary>
    Event,

    /// <summary>Harm was possible and was stopped before it happened.</summary>
    NearMiss,

    /// <summary>A weakness with no misuse observed yet.</summary>
    Issue,
}

public enum Reversibility
{
    Reversible,
    PartiallyReversible,
    Irreversible,
    Unknown,
}

public enum DetectionSource
{
    Classifier,
    Reviewer,
    ExternalReport,
    Partner,
}

/// <summary>The workflow, in order. Each step has its own timestamp on <see cref="Incident"/>.</summary>
public enum IncidentStatus
{
    Detected,
    Acknowledged,
    Mitigated,
    Resolved,
    Closed,
}

/// <summary>
/// A safety incident. The workflow timestamps are kept in order (started ≤ detected ≤ acknowledged
/// ≤ mitigated ≤ resolved ≤ retrospective done); MTTA, time to mitigate and time to resolve are
/// computed from them. <see cref="Version"/> is a concurrency token: two responders editing the
/// same incident do not silently overwrite each other.
/// </summary>
public class Incident
{
    public long Id { get; set; }

    public required string Title { get; set; }

    public string Summary { get; set; } = "";

    public MisuseType MisuseType { get; set; }

    public Severity Severity { get; set; }

    public HarmLevel HarmLevel { get; set; }

    public Reversibility Reversibility { get; set; }

    public DetectionSource DetectionSource { get; set; }

    public long GenerationsAffected { get; set; }

    public long EndUsersAffected { get; set; }

    public int OrganizationsAffected { get; set; }

    public IncidentStatus Status { get; set; }

    public DateTimeOffset? AbuseStartedAt { get; set; }

    public DateTimeOffset DetectedAt { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public DateTimeOffset? MitigatedAt { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public DateTimeOffset? RetrospectiveDoneAt { get; set; }

    /// <summary>The severity when the incident was (last) resolved: a SEV1/SEV2 downgraded afterwards
    /// still needs its approved retrospective to close.</summary>
    public Severity? SeverityAtResolution { get; set; }

    /// <summary>Opened after the fact: the workflow timestamps were entered by hand.</summary>
    public bool Backfilled { get; set; }

    public string? CommanderId { get; set; }

    public string? CommanderName { get; set; }

    public string? CommunicationsOwnerId { get; set; }

    public string? CommunicationsOwnerName { get; set; }

    public required string OpenedBy { get; set; }

    public DateTimeOffset OpenedAt { get; set; }

    /// <summary>The last meaningful change (status, note, link, role); stale SEV1/SEV2 are reminded from it.</summary>
    public DateTimeOffset LastUpdateAt { get; set; }

    /// <summary>Set by the reminder job when a SEV1/SEV2 went without an update too long; cleared by any update.</summary>
    public DateTimeOffset? UpdateOverdueSince { get; set; }

    public int Version { get; set; }

    public List<IncidentResponder> Responders { get; set; } = [];
}

/// <summary>A responder on an incident (the commander and communications owner are on the incident).</summary>
public class IncidentResponder
{
    public long Id { get; set; }

    public long IncidentId { get; set; }

    public required string UserId { get; set; }

    public string UserName { get; set; } = "";

    public DateTimeOffset AddedAt { get; set; }
}

public enum IncidentRole
{
    Commander,
    CommunicationsOwner,
    Responder,
}

/// <summary>Who held which role from when: commander handoffs are kept, not overwritten.</summary>
public class IncidentRoleChange
{
    public long Id { get; set; }

    public long IncidentId { get; set; }

    public IncidentRole Role { get; set; }

    public string? UserId { get; set; }

    public string UserName { get; set; } = "";

    /// <summary>True when the user was removed from the role (responders only).</summary>
    public bool Removed { get; set; }

    public required string ChangedBy { get; set; }

    public DateTimeOffset ChangedAt { get; set; }
}

/// <summary>One status change: from, to, who and when (the time the step happened, and when it was recorded).</summary>
public class IncidentStatusChange
{
    public long Id { get; set; }

    public long IncidentId { get; set; }

    public IncidentStatus? From { get; set; }

    public IncidentStatus To { get; set; }

    /// <summary>When the step happened (may be earlier than <see cref="RecordedAt"/> for a backfill).</summary>
    public DateTimeOffset At { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    public required string ChangedBy { get; set; }

    public string? Note { get; set; }
}

public enum TimelineEntryKind
{
    Note,
    StatusChange,
    RoleChange,
    FlagLinked,
    ClusterLinked,
    ActorLinked,
    EnforcementRequested,
    EnforcementOutcome,
    Retrospective,
    ActionItem,
    Appeal,
}

/// <summary>An entry of the incident's timeline: automatic ones and responders' notes.</summary>
public class IncidentTimelineEntry
{
    public long Id { get; set; }

    public long IncidentId { get; set; }

    public TimelineEntryKind Kind { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Author { get; set; }

    /// <summary>Plain text, rendered as text.</summary>
    public required string Text { get; set; }

    /// <summary>For enforcement entries: the action, so its outcome is recorded once.</summary>
    public long? EnforcementActionId { get; set; }
}

public enum IncidentLinkType
{
    Flag,
    Cluster,
    Organization,
    Application,
    ApiKey,
    EnforcementAction,
}

/// <summary>Evidence and actors: flags, clusters, organizations, applications, keys and enforcement actions.</summary>
public class IncidentLink
{
    public long Id { get; set; }

    public long IncidentId { get; set; }

    public IncidentLinkType Type { get; set; }

    public long TargetId { get; set; }

    public required string LinkedBy { get; set; }

    public DateTimeOffset LinkedAt { get; set; }
}

public enum RetrospectiveStatus
{
    Draft,
    InReview,
    Approved,
}

/// <summary>The written retrospective of an incident, one per incident, in Markdown sections.</summary>
public class Retrospective
{
    public long Id { get; set; }

    public long IncidentId { get; set; }

    public RetrospectiveStatus Status { get; set; }

    public string Summary { get; set; } = "";

    public string Impact { get; set; } = "";

    public string Timeline { get; set; } = "";

    public string ContributingFactors { get; set; } = "";

    public string Detection { get; set; } = "";

    public string WentWell { get; set; } = "";

    public string WentPoorly { get; set; } = "";

    public string PolicyGaps { get; set; } = "";

    public string ClassifierGaps { get; set; } = "";

    public required string UpdatedBy { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? SubmittedBy { get; set; }

    public DateTimeOffset? SubmittedAt { get; set; }

    public string? ApprovedBy { get; set; }

    public DateTimeOffset? ApprovedAt { get; set; }

    public int Version { get; set; }
}

/// <summary>Someone who saved or submitted a retrospective. Authors cannot approve it.</summary>
public class RetrospectiveAuthor
{
    public long Id { get; set; }

    public long IncidentId { get; set; }

    public required string UserId { get; set; }

    public string UserName { get; set; } = "";

    public DateTimeOffset FirstContributedAt { get; set; }
}

public enum ActionItemStatus
{
    Open,
    Done,
    WontDo,
}

/// <summary>A follow-up from a retrospective, owned by one person with a due date.</summary>
public class IncidentActionItem
{
    public long Id { get; set; }

    public long IncidentId { get; set; }

    public required string Title { get; set; }

    public required string OwnerId { get; set; }

    public string OwnerName { get; set; } = "";

    public DateOnly DueOn { get; set; }

    public ActionItemStatus Status { get; set; }

    /// <summary>Required for won't do.</summary>
    public string? Resolution { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }
}
