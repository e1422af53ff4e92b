using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Flags.Triage;

namespace ReviewConsole.Features.Flags.Queue;

public enum QueueSort
{
    Priority,
    CreatedAt,
    SlaDueAt,
    TopScore,
}

public enum QueueStatusFilter
{
    Open,
    New,
    Escalated,
    Decided,
    All,
}

public enum AgeFilter
{
    Any,
    LastHour,
    LastDay,
    OlderThanDay,
    OlderThanWeek,
}

/// <summary>The queue's filter; saved filters store it as JSON.</summary>
public sealed record FlagQueueFilter
{
    public QueueStatusFilter Status { get; init; } = QueueStatusFilter.Open;

    public string? Category { get; init; }

    /// <summary>Organization external id (exact) or name (contains).</summary>
    public string? Organization { get; init; }

    public string? Classifier { get; init; }

    public AgeFilter Age { get; init; }

    public SlaState? Sla { get; init; }

    public double? MinScore { get; init; }

    public double? MaxScore { get; init; }

    public QueueSort Sort { get; init; } = QueueSort.Priority;

    public bool Descending { get; init; } = true;
}

/// <summary>Where the next page starts: the last row's sort key and id (keyset pagination).</summary>
public sealed record FlagQueueCursor(long LongKey, double DoubleKey, long Id);

public sealed record FlagSummary(
    long Id,
    string UpstreamId,
    DateTimeOffset CreatedAt,
    string TopCategory,
    double TopScore,
    FlagStatus Status,
    int Priority,
    DateTimeOffset SlaDueAt,
    SlaState Sla,
    string OrganizationExternalId,
    string OrganizationName,
    string Classifier,
    string? LeaseOwnerName,
    string? AssignedToName,
    long? ClusterId);

public sealed record QueuePage(IReadOnlyList<FlagSummary> Items, FlagQueueCursor? Next);

public sealed record SavedFilterView(long Id, string Name, FlagQueueFilter Filter);
