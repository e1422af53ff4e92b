namespace ReviewConsole.Features.Statistics;

/// <summary>One counted group of a section, e.g. ("flags-by-category", "hate", 42).</summary>
public sealed record StatCount(string Key, int Count);

/// <summary>A median duration and how many samples it came from.</summary>
public sealed record StatMedian(string Key, TimeSpan? Median, int Samples);

/// <summary>The safety statistics of one period [From, To). Appeals count by filing date (filed) and by
/// decision date (decided, overturned).</summary>
public sealed record SafetyStatistics(
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<StatCount> FlagsByCategory,
    IReadOnlyList<StatCount> FlagsBySource,
    int FlagsReceived,
    int FlagsReviewed,
    int Decisions,
    IReadOnlyList<StatCount> DecisionsByVerdict,
    IReadOnlyList<StatCount> EnforcementByKind,
    int EnforcementInEffect,
    IReadOnlyList<StatCount> IncidentsByMisuseType,
    IReadOnlyList<StatCount> IncidentsBySeverity,
    IReadOnlyList<StatMedian> Medians,
    int AppealsFiled = 0,
    int AppealsDecided = 0,
    int AppealsOverturned = 0)
{
    /// <summary>Share of decided appeals that overturned the sanction, in percent; null when none were decided.</summary>
    public double? OverturnRatePercent => AppealsDecided == 0 ? null : Math.Round(100.0 * AppealsOverturned / AppealsDecided, 1);
}

/// <summary>A published row: a count or a median in hours, or suppressed.</summary>
public sealed record PublishedRow(string Section, string Key, double? Value, bool Suppressed, string Display);
