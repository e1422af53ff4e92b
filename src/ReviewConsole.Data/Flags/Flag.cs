namespace ReviewConsole.Data.Flags;

public enum FlagSource
{
    Feed,
    FileDrop,
    Api,
    Demo,
}

public enum FlagStatus
{
    New,
    Escalated,
    Decided,
}

/// <summary>
/// One flagged generation. Prompt and completion are attacker-written text: rendered as text only.
/// Claims are an atomic conditional update of <see cref="LeaseOwner"/>/<see cref="LeaseExpiresAt"/>.
/// </summary>
public class Flag
{
    public long Id { get; set; }

    /// <summary>The detection pipeline's id; unique (a repeat is a duplicate, not a new flag).</summary>
    public required string UpstreamId { get; set; }

    public FlagSource Source { get; set; }

    /// <summary>When the generation was flagged upstream.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset IngestedAt { get; set; }

    public long OrganizationId { get; set; }

    public long ApplicationId { get; set; }

    public long ApiKeyId { get; set; }

    public string Model { get; set; } = "";

    public string Prompt { get; set; } = "";

    public string Completion { get; set; } = "";

    public string ClassifierName { get; set; } = "";

    public string ClassifierVersion { get; set; } = "";

    /// <summary>The highest-scoring flagged category and its score (sorting and filtering without a join).</summary>
    public string TopCategory { get; set; } = "";

    public double TopScore { get; set; }

    public FlagStatus Status { get; set; }

    /// <summary>0..100, deterministic; the breakdown of how it was computed is in <see cref="PriorityBreakdownJson"/>.</summary>
    public int Priority { get; set; }

    public string? PriorityBreakdownJson { get; set; }

    public DateTimeOffset SlaDueAt { get; set; }

    public long? ClusterId { get; set; }

    /// <summary>SimHash (64 bits) of the normalized completion, for near-duplicate clustering.</summary>
    public long SimHash { get; set; }

    /// <summary>SHA-256 of prompt + completion, kept after redaction.</summary>
    public string ContentHash { get; set; } = "";

    /// <summary>The reviewer holding the claim, until <see cref="LeaseExpiresAt"/>.</summary>
    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>A reviewer this flag is assigned to (others do not get it from Next).</summary>
    public string? AssignedTo { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>Prompt and completion were removed after the retention period.</summary>
    public bool Redacted { get; set; }

    public List<FlagCategoryScore> Scores { get; set; } = [];
}

/// <summary>One classifier score of a flag (several per flag).</summary>
public class FlagCategoryScore
{
    public long Id { get; set; }

    public long FlagId { get; set; }

    public required string Category { get; set; }

    public double Score { get; set; }

    /// <summary>Whether the classifier flagged this category (above its threshold).</summary>
    public bool Flagged { get; set; }
}

/// <summary>A near-duplicate cluster: flags whose completions share a SimHash neighbourhood (campaigns).</summary>
public class FlagCluster
{
    public long Id { get; set; }

    /// <summary>The SimHash of the first member; new flags join when within the Hamming threshold.</summary>
    public long SimHash { get; set; }

    public int Size { get; set; }

    /// <summary>Members not yet decided (New or Escalated), maintained by every writer that adds a
    /// member or decides one (see FlagCounters in the host), so the triage page never counts them.</summary>
    public int OpenCount { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>A short excerpt of the first member's completion.</summary>
    public string Excerpt { get; set; } = "";
}

public enum Verdict
{
    Violation,
    NoViolation,
    Escalate,
}

public enum DecisionAction
{
    None,
    Warn,
    RateLimit,
    RevokeKey,
    SuspendApp,
    SuspendOrg,
    OpenIncident,
}

/// <summary>A reviewer's decision on a flag.</summary>
public class FlagDecision
{
    public long Id { get; set; }

    public long FlagId { get; set; }

    /// <summary>The flag's organization, copied so an organization's prior decisions are one index
    /// range (OrganizationId, DecidedAt) instead of a join over all its flags.</summary>
    public long OrganizationId { get; set; }

    public Verdict Verdict { get; set; }

    /// <summary>Space-separated category keys the reviewer confirmed.</summary>
    public string ConfirmedCategories { get; set; } = "";

    public DecisionAction Action { get; set; }

    public string PolicyClause { get; set; } = "";

    public string Reason { get; set; } = "";

    public required string DecidedBy { get; set; }

    public string DecidedByName { get; set; } = "";

    public DateTimeOffset DecidedAt { get; set; }

    /// <summary>Set when the decision covered a whole cluster in one action.</summary>
    public long? ClusterId { get; set; }

    public List<DecisionLabel> Labels { get; set; } = [];
}

public enum LabelOutcome
{
    TruePositive,
    FalsePositive,
    FalseNegative,
}

/// <summary>Per-category ground truth from a decision, for classifier precision and retraining export.</summary>
public class DecisionLabel
{
    public long Id { get; set; }

    public long DecisionId { get; set; }

    public long FlagId { get; set; }

    public required string Category { get; set; }

    public string ClassifierName { get; set; } = "";

    public string ClassifierVersion { get; set; } = "";

    public double Score { get; set; }

    public LabelOutcome Outcome { get; set; }

    public DateTimeOffset LabeledAt { get; set; }
}

/// <summary>A rejected intake record: what came in (truncated), from where, and why it was refused.</summary>
public class IngestionError
{
    public long Id { get; set; }

    public FlagSource Source { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public required string Reason { get; set; }

    public string? UpstreamId { get; set; }

    /// <summary>The file and line, the feed cursor, or the API batch index the record came from.</summary>
    public string Origin { get; set; } = "";

    public string RawPayload { get; set; } = "";
}

/// <summary>The pull feed's position, advanced only in the transaction that stores the page.</summary>
public class FeedCursor
{
    public required string Name { get; set; }

    public string? Cursor { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? LastSuccessAt { get; set; }

    public string? LastError { get; set; }
}

/// <summary>
/// A lease that lets one node at a time run an intake job across the whole deployment (the priority
/// refresh). Taken by an atomic conditional update (<c>WHERE ExpiresAt IS NULL OR ExpiresAt &lt; now</c>),
/// renewed while the run lasts and released at its end; a node that dies leaves a lease that simply
/// expires. <see cref="WatermarkAt"/> is the point in time the last completed run computed for, so the
/// next run touches only what changed since.
/// </summary>
public class FlagJobLease
{
    public const string PriorityRefresh = "refresh-flag-priority";

    public required string Name { get; set; }

    public string? Owner { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? WatermarkAt { get; set; }
}
