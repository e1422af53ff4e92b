using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Incidents;

namespace ReviewConsole.Features.Incidents;

/// <summary>
/// What a new incident needs. The links let any page open an incident from what it shows (a flag,
/// a cluster, an actor, an enforcement action). The optional later timestamps make a backfill: an
/// incident found after the fact, entered with the times things actually happened.
/// </summary>
public sealed record OpenIncidentRequest
{
    public required string Title { get; init; }

    public string Summary { get; init; } = "";

    public MisuseType MisuseType { get; init; } = MisuseType.Other;

    public Severity Severity { get; init; } = Severity.Sev3;

    public HarmLevel HarmLevel { get; init; } = HarmLevel.Event;

    public Reversibility Reversibility { get; init; } = Reversibility.Unknown;

    public DetectionSource DetectionSource { get; init; } = DetectionSource.Reviewer;

    public long GenerationsAffected { get; init; }

    public long EndUsersAffected { get; init; }

    public int OrganizationsAffected { get; init; }

    public DateTimeOffset? AbuseStartedAt { get; init; }

    /// <summary>Defaults to now.</summary>
    public DateTimeOffset? DetectedAt { get; init; }

    public IReadOnlyList<long> FlagIds { get; init; } = [];

    public long? ClusterId { get; init; }

    public long? OrganizationId { get; init; }

    public long? ApplicationId { get; init; }

    public long? ApiKeyId { get; init; }

    public IReadOnlyList<long> EnforcementActionIds { get; init; } = [];

    public DateTimeOffset? AcknowledgedAt { get; init; }

    public DateTimeOffset? MitigatedAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }
}

/// <summary>The editable descriptive fields of an incident.</summary>
public sealed record UpdateIncidentRequest(
    string Title,
    string Summary,
    MisuseType MisuseType,
    Severity Severity,
    HarmLevel HarmLevel,
    Reversibility Reversibility,
    DetectionSource DetectionSource,
    long GenerationsAffected,
    long EndUsersAffected,
    int OrganizationsAffected,
    DateTimeOffset? AbuseStartedAt,
    string? SeverityChangeReason = null);

public sealed record IncidentFilter(
    IncidentStatus? Status = null,
    Severity? Severity = null,
    MisuseType? MisuseType = null,
    bool OpenOnly = false,
    string? Search = null);

public sealed record IncidentSummary(
    long Id,
    string Title,
    Severity Severity,
    MisuseType MisuseType,
    IncidentStatus Status,
    DateTimeOffset DetectedAt,
    string? CommanderName,
    DateTimeOffset LastUpdateAt,
    bool UpdateOverdue);

public sealed record StaffMember(string Id, string Name);

public sealed record LinkView(IncidentLinkType Type, long TargetId, string Label);

public sealed record EnforcementView(long Id, EnforcementKind Kind, EnforcementTargetType TargetType, long TargetId, EnforcementState State, DateTimeOffset RequestedAt, DateTimeOffset? CompletedAt, string RequestedBy);

public sealed record TimelineView(long Id, TimelineEntryKind Kind, DateTimeOffset At, string Author, string Text);

public sealed record StatusChangeView(IncidentStatus? From, IncidentStatus To, DateTimeOffset At, DateTimeOffset RecordedAt, string ChangedBy, string? Note);

public sealed record RoleChangeView(IncidentRole Role, string UserName, bool Removed, string ChangedBy, DateTimeOffset ChangedAt);

public sealed record ActionItemView(long Id, string Title, string OwnerId, string OwnerName, DateOnly DueOn, ActionItemStatus Status, string? Resolution, bool Overdue);

/// <summary>The retrospective's Markdown sections, as the editor holds them.</summary>
public sealed record RetrospectiveSections(
    string Summary,
    string Impact,
    string Timeline,
    string ContributingFactors,
    string Detection,
    string WentWell,
    string WentPoorly,
    string PolicyGaps,
    string ClassifierGaps);

public sealed record RetrospectiveView(
    RetrospectiveStatus Status,
    RetrospectiveSections Sections,
    string UpdatedBy,
    DateTimeOffset UpdatedAt,
    string? SubmittedBy,
    string? ApprovedBy,
    DateTimeOffset? ApprovedAt,
    int Version);

public sealed record IncidentDetails(
    Incident Incident,
    IncidentMetrics Metrics,
    IReadOnlyList<StaffMember> Responders,
    IReadOnlyList<TimelineView> Timeline,
    IReadOnlyList<StatusChangeView> StatusHistory,
    IReadOnlyList<RoleChangeView> RoleHistory,
    IReadOnlyList<LinkView> Links,
    IReadOnlyList<EnforcementView> Enforcement,
    RetrospectiveView? Retrospective,
    IReadOnlyList<ActionItemView> ActionItems)
{
    public bool RetrospectiveRequired => IncidentRules.IsMajor(Incident.Severity);
}

/// <summary>Enforcement requested from the incident page; the actions carry the incident as their reason.</summary>
public sealed record IncidentEnforcementRequest(
    EnforcementKind Kind,
    EnforcementTargetType TargetType,
    IReadOnlyList<long> TargetIds,
    string? PolicyClause,
    string Note,
    string? ParametersJson = null);

public sealed record NewActionItem(string Title, string OwnerId, string OwnerName, DateOnly DueOn);

/// <summary>What /incidents/new shows when another page linked to it: the things that will be linked and a suggested title.</summary>
public sealed record IncidentPrefill(
    string SuggestedTitle,
    MisuseType? SuggestedMisuseType,
    IReadOnlyList<long> FlagIds,
    long? ClusterId,
    long? OrganizationId,
    long? ApplicationId,
    long? ApiKeyId,
    IReadOnlyList<long> EnforcementActionIds,
    IReadOnlyList<string> Descriptions,
    IReadOnlyList<string> Problems);
