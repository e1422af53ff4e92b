using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;

namespace ReviewConsole.Features.Flags.Triage;

public enum SlaState
{
    Ok,
    DueSoon,
    Breached,
    Closed,
}

/// <summary>Everything the triage view shows about one flag. Prompt and completion are untrusted text.</summary>
public sealed record FlagDetails(
    long Id,
    string UpstreamId,
    FlagStatus Status,
    int Priority,
    DateTimeOffset CreatedAt,
    DateTimeOffset SlaDueAt,
    SlaState Sla,
    string Model,
    string Prompt,
    string Completion,
    bool Redacted,
    string Classifier,
    IReadOnlyList<CategoryScoreView> Scores,
    IReadOnlyList<PolicyView> Policies,
    ActorPanel Actor,
    ClusterView? Cluster,
    LeaseView Lease,
    string? AssignedToName,
    IReadOnlyList<DecisionView> Decisions)
{
    /// <summary>The clause and text of each policy version the decisions cite.</summary>
    public IReadOnlyList<ReviewConsole.Features.Quality.PolicyVersionView> DecisionPolicies { get; init; } = [];

    /// <summary>How the priority was computed (null for flags stored before breakdowns existed).</summary>
    public ReviewConsole.Features.Flags.Ingestion.PriorityBreakdown? PriorityBreakdown { get; init; }

    /// <summary>Categories the classifier flagged (drive blurring and the default confirmed set).</summary>
    public IEnumerable<string> FlaggedCategories => Scores.Where(s => s.Flagged).Select(s => s.Category);
}

public sealed record CategoryScoreView(string Category, string Name, double Score, bool Flagged, bool BlurByDefault);

/// <summary>A policy category as reviewers cite it (all active categories, for confirming and citing).</summary>
public sealed record PolicyView(string Key, string Name, string Clause, string Text, int Version, bool BlurByDefault);

public sealed record LeaseView(string? OwnerId, string? OwnerName, DateTimeOffset? ExpiresAt, bool HeldByMe, bool HeldByOther);

public sealed record ActorPanel(
    long OrganizationId,
    string OrganizationExternalId,
    string OrganizationName,
    ActorStatus OrganizationStatus,
    bool HighProfile,
    string ApplicationExternalId,
    string ApplicationName,
    ActorStatus ApplicationStatus,
    string KeyExternalId,
    string KeyPrefix,
    ApiKeyStatus KeyStatus,
    int Strikes,
    IReadOnlyList<DecisionView> PriorDecisions,
    IReadOnlyList<OpenEnforcementView> OpenEnforcement);

/// <summary>A decision as history shows it; <see cref="PolicyVersions"/> is the <c>key@version</c> stamp it was made under.</summary>
public sealed record DecisionView(long Id, long FlagId, Verdict Verdict, string ConfirmedCategories, DecisionAction Action, string PolicyClause, string Reason, string DecidedByName, DateTimeOffset DecidedAt, string PolicyVersions = "", bool SeenByDecider = true);

public sealed record OpenEnforcementView(long Id, EnforcementKind Kind, EnforcementState State, EnforcementTargetType TargetType, long TargetId, DateTimeOffset RequestedAt, string RequestedBy);

public sealed record ClusterView(long Id, int Size, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, string Excerpt, IReadOnlyList<ClusterMember> Members, int OpenMembers);

/// <summary>A cluster member as a row (metadata only; its content is on its own triage page).</summary>
public sealed record ClusterMember(long Id, FlagStatus Status, int Priority, string TopCategory, double TopScore, string OrganizationExternalId, DateTimeOffset CreatedAt);

public sealed record ReviewerOption(string Id, string Name);
