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
    /// <summary>Incident response times of the period by severity ("all" first): MTTA, MTTM and time to resolve.</summary>
    public IReadOnlyList<IncidentDurationStat> IncidentDurations { get; init; } = [];

    /// <summary>Share of decided appeals that overturned the sanction, in percent; null when none were decided.</summary>
    public double? OverturnRatePercent => AppealsDecided == 0 ? null : Math.Round(100.0 * AppealsOverturned / AppealsDecided, 1);
}

/// <summary>A published row: a count or a median in hours, or suppressed.</summary>
public sealed record PublishedRow(string Section, string Key, double? Value, bool Suppressed, string Display);

/// <summary>
/// One incident response time over the incidents that reached the step inside the period, from
/// detection: <c>time-to-acknowledge</c> (MTTA), <c>time-to-mitigate</c> (MTTM) or <c>time-to-resolve</c>;
/// the median and the 90th percentile (nearest rank). <see cref="Severity"/> is <c>all</c> or SEV1–SEV4.
/// </summary>
public sealed record IncidentDurationStat(string Severity, string Metric, TimeSpan? Median, TimeSpan? P90, int Samples);
