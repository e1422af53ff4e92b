using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Appeals;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Features.Incidents;
using ReviewConsole.Infrastructure.Export;

namespace ReviewConsole.Features.Statistics;

/// <summary>
/// Safety statistics for a period, and their publishable export with small counts suppressed.
/// Period membership: flags by when they were flagged, decisions by when they were made,
/// enforcement by when it was requested, incidents by when they were detected. Medians are over
/// the events that finished inside the period.
/// </summary>
public sealed class StatisticsService(IDbContextFactory<AppDbContext> dbFactory, IOptions<StatisticsOptions> options, StatisticsRollup rollup)
{
    public const string FlagToDecision = "flag-to-decision";
    public const string DecisionToEnforcement = "decision-to-enforcement-in-effect";
    public const string IncidentDetectToMitigate = "incident-detect-to-mitigate";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>How every withheld count reads: the same for a small count and for its complement.</summary>
    public const string SuppressedDisplay = "suppressed";

    public int SuppressBelow => options.Value.SuppressBelow;

    public async Task<SafetyStatistics> ComputeAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (to <= from)
        {
            throw new ArgumentException("The period must end after it starts.", nameof(to));
        }

        // Periods of whole UTC days (the page's and the exports') read the daily rollup; any other period,
        // or a rollup still far behind, counts the tables directly. Both give the same figures.
        var figures = IsWholeDays(from) && IsWholeDays(to) ? await rollup.ReadAsync(from, to, cancellationToken) : null;
        return await ComputeAsync(from, to, figures, cancellationToken);
    }

    /// <summary>The statistics counted directly from the tables, never from the rollup (the reference
    /// the rollup is tested against).</summary>
    internal Task<SafetyStatistics> ComputeDirectAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        ComputeAsync(from, to, null, cancellationToken);

    private static bool IsWholeDays(DateTimeOffset at) => at.UtcDateTime.TimeOfDay == TimeSpan.Zero;

    private async Task<SafetyStatistics> ComputeAsync(DateTimeOffset from, DateTimeOffset to, FlagFigures? figures, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        figures ??= await DirectFlagFiguresAsync(db, from, to, cancellationToken);
        var byCategory = figures.ByCategory;
        var actions = db.Set<EnforcementAction>().AsNoTracking().Where(a => a.RequestedAt >= from && a.RequestedAt < to && a.ReversesActionId == null);
        var byKindRaw = await actions.GroupBy(a => a.Kind).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var inEffect = await actions.CountAsync(a => a.State == EnforcementState.Succeeded, cancellationToken);
        var incidents = db.Set<Incident>().AsNoTracking().Where(i => i.DetectedAt >= from && i.DetectedAt < to);
        var byTypeRaw = await incidents.GroupBy(i => i.MisuseType).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var bySeverityRaw = await incidents.GroupBy(i => i.Severity).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);

        var appealsFiled = await db.Set<Appeal>().CountAsync(a => a.SubmittedAt >= from && a.SubmittedAt < to, cancellationToken);
        var appealsDecided = db.Set<Appeal>().Where(a => a.DecidedAt != null && a.DecidedAt >= from && a.DecidedAt < to && a.State != AppealState.Open);
        var decidedAppeals = await appealsDecided.CountAsync(cancellationToken);
        var overturned = await appealsDecided.CountAsync(a => a.State == AppealState.Overturned, cancellationToken);

        var decisionIds = await db.Set<EnforcementAction>().AsNoTracking()
            .Where(a => a.Reason == EnforcementReason.Decision && a.State == EnforcementState.Succeeded && a.CompletedAt >= from && a.CompletedAt < to)
            .Select(a => new { a.ReasonId, a.CompletedAt }).ToListAsync(cancellationToken);
        var ids = decisionIds.Select(a => long.TryParse(a.ReasonId, CultureInfo.InvariantCulture, out var id) ? id : -1).Where(id => id > 0).Distinct().ToList();
        // One array-like parameter, not one parameter per id: a month has thousands of these actions.
        var decidedAt = await db.Set<FlagDecision>().AsNoTracking().Where(d => EF.Parameter(ids).Contains(d.Id)).Select(d => new { d.Id, d.DecidedAt }).ToDictionaryAsync(d => d.Id, d => d.DecidedAt, cancellationToken);
        var decisionToEffect = decisionIds
            .Where(a => long.TryParse(a.ReasonId, CultureInfo.InvariantCulture, out var id) && decidedAt.ContainsKey(id))
            .GroupBy(a => long.Parse(a.ReasonId!, CultureInfo.InvariantCulture))
            .Select(g => g.Min(a => a.CompletedAt!.Value) - decidedAt[g.Key]).ToList();
        var detectToMitigate = (await db.Set<Incident>().AsNoTracking()
                .Where(i => i.MitigatedAt != null && i.MitigatedAt >= from && i.MitigatedAt < to)
                .Select(i => new { i.DetectedAt, i.MitigatedAt }).ToListAsync(cancellationToken))
            .Select(i => i.MitigatedAt!.Value - i.DetectedAt).ToList();

        var durations = await IncidentDurationsAsync(db, from, to, cancellationToken);
        return new SafetyStatistics(
            from,
            to,
            Sorted(byCategory.Select(c => c with { Key = string.IsNullOrEmpty(c.Key) ? "(none)" : c.Key })),
            Sorted(figures.BySource),
            byCategory.Sum(c => c.Count),
            figures.FlagsReviewed,
            figures.Decisions,
            Sorted(figures.ByVerdict),
            Sorted(byKindRaw.Select(x => new StatCount(x.Key.ToString(), x.Count))),
            inEffect,
            Sorted(byTypeRaw.Select(x => new StatCount(IncidentRules.Label(x.Key), x.Count))),
            bySeverityRaw.OrderBy(x => x.Key).Select(x => new StatCount(IncidentRules.Label(x.Key), x.Count)).ToList(),
            [figures.FlagToDecision, Median(DecisionToEnforcement, decisionToEffect), Median(IncidentDetectToMitigate, detectToMitigate)],
            appealsFiled,
            decidedAppeals,
            overturned)
        {
            IncidentDurations = durations,
        };
    }

    /// <summary>The flag and decision figures counted from the tables. Durations are computed in memory:
    /// date arithmetic differs between SQLite (ticks) and SQL Server.</summary>
    private static async Task<FlagFigures> DirectFlagFiguresAsync(AppDbContext db, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var flags = db.Set<Flag>().AsNoTracking().Where(f => f.CreatedAt >= from && f.CreatedAt < to);
        var byCategory = await flags.GroupBy(f => f.TopCategory).Select(g => new StatCount(g.Key, g.Count())).ToListAsync(cancellationToken);
        var bySourceRaw = await flags.GroupBy(f => f.Source).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var decisions = db.Set<FlagDecision>().AsNoTracking().Where(d => d.DecidedAt >= from && d.DecidedAt < to);
        var decisionCount = await decisions.CountAsync(cancellationToken);
        var flagsReviewed = await decisions.Select(d => d.FlagId).Distinct().CountAsync(cancellationToken);
        var byVerdictRaw = await decisions.GroupBy(d => d.Verdict).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var flagToDecision = await (from d in decisions
                                    join f in db.Set<Flag>() on d.FlagId equals f.Id
                                    where d.Verdict != Verdict.Escalate
                                    select new { d.FlagId, d.DecidedAt, f.CreatedAt }).ToListAsync(cancellationToken);
        var firstDecisions = flagToDecision.GroupBy(x => x.FlagId).Select(g => g.Min(x => x.DecidedAt) - g.First().CreatedAt).ToList();
        return new FlagFigures(
            byCategory,
            bySourceRaw.Select(x => new StatCount(x.Key.ToString(), x.Count)).ToList(),
            flagsReviewed,
            decisionCount,
            byVerdictRaw.Select(x => new StatCount(x.Key.ToString(), x.Count)).ToList(),
            Median(FlagToDecision, firstDecisions));
    }

    public const string TimeToAcknowledge = "time-to-acknowledge";
    public const string TimeToMitigate = "time-to-mitigate";
    public const string TimeToResolve = "time-to-resolve";

    /// <summary>MTTA, MTTM and time to resolve of one period, for the dashboard (all severities and each).</summary>
    public async Task<IReadOnlyList<IncidentDurationStat>> IncidentDurationsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await IncidentDurationsAsync(db, from, to, cancellationToken);
    }

    /// <summary>Each step counts the incidents that reached it inside the period (acknowledged, mitigated,
    /// resolved), measured from detection; computed in memory like the other durations.</summary>
    private static async Task<IReadOnlyList<IncidentDurationStat>> IncidentDurationsAsync(AppDbContext db, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var rows = await db.Set<Incident>().AsNoTracking()
            .Where(i => (i.AcknowledgedAt >= from && i.AcknowledgedAt < to) || (i.MitigatedAt >= from && i.MitigatedAt < to) || (i.ResolvedAt >= from && i.ResolvedAt < to))
            .Select(i => new { i.Severity, i.DetectedAt, i.AcknowledgedAt, i.MitigatedAt, i.ResolvedAt })
            .ToListAsync(cancellationToken);
        var steps = new (string Metric, Func<DateTimeOffset?, DateTimeOffset?, DateTimeOffset?, DateTimeOffset?> Pick)[]
        {
            (TimeToAcknowledge, (a, _, _) => a),
            (TimeToMitigate, (_, m, _) => m),
            (TimeToResolve, (_, _, r) => r),
        };
        var result = new List<IncidentDurationStat>();
        var groups = new List<(string Label, Severity? Severity)> { ("all", null) };
        groups.AddRange(Enum.GetValues<Severity>().Select(s => (IncidentRules.Label(s), (Severity?)s)));
        foreach (var (label, severity) in groups)
        {
            foreach (var (metric, pick) in steps)
            {
                var values = rows
                    .Where(r => severity is null || r.Severity == severity)
                    .Select(r => pick(r.AcknowledgedAt, r.MitigatedAt, r.ResolvedAt) is { } at && at >= from && at < to ? at - r.DetectedAt : (TimeSpan?)null)
                    .OfType<TimeSpan>()
                    .ToList();
                var median = Median(metric, values);
                result.Add(new IncidentDurationStat(label, metric, median.Median, Percentile(values, 90), values.Count));
            }
        }

        return result;
    }

    /// <summary>The nearest-rank percentile (the smallest value with at least p% of the values at or below it).</summary>
    public static TimeSpan? Percentile(IReadOnlyList<TimeSpan> values, int percent)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.OrderBy(v => v).ToList();
        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

    /// <summary>
    /// The statistics as publishable rows. Counts from 1 to below the threshold are suppressed, and so
    /// are the complements that keep them from being worked out by subtraction from a total or from a
    /// second breakdown of the same items (<see cref="ComplementarySuppression"/>). Zero is published
    /// (it reveals no one). Medians and 90th percentiles over fewer samples than the threshold are
    /// withheld; the overturn rate is withheld with either of its counts.
    /// </summary>
    public IReadOnlyList<PublishedRow> Publish(SafetyStatistics stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var threshold = options.Value.SuppressBelow;
        var table = new ComplementarySuppression(threshold);
        var order = new List<int>();
        int Cell(string section, string key, int count)
        {
            var id = table.Add(section, key, count);
            order.Add(id);
            return id;
        }

        var received = Cell("flags", "received", stats.FlagsReceived);
        Cell("flags", "reviewed", stats.FlagsReviewed);
        var decisions = Cell("decisions", "total", stats.Decisions);
        Cell("enforcement", "in-effect", stats.EnforcementInEffect);
        var incidents = Cell("incidents", "detected", stats.IncidentsBySeverity.Sum(c => c.Count));
        Cell("appeals", "filed", stats.AppealsFiled);
        var decided = Cell("appeals", "decided", stats.AppealsDecided);
        var overturned = Cell("appeals", "overturned", stats.AppealsOverturned);
        var upheld = table.Add("appeals", "upheld", stats.AppealsDecided - stats.AppealsOverturned, hidden: true);
        table.Relate(decided, [overturned, upheld]);
        var rateAt = order.Count;
        List<int> Breakdown(string section, IReadOnlyList<StatCount> counts) => counts.Select(c => Cell(section, c.Key, c.Count)).ToList();
        table.Relate(received, Breakdown("flags-by-category", stats.FlagsByCategory));
        table.Relate(received, Breakdown("flags-by-source", stats.FlagsBySource));
        table.Relate(decisions, Breakdown("decisions-by-verdict", stats.DecisionsByVerdict));
        Breakdown("enforcement-by-kind", stats.EnforcementByKind);
        table.Relate(incidents, Breakdown("incidents-by-misuse-type", stats.IncidentsByMisuseType));
        table.Relate(incidents, Breakdown("incidents-by-severity", stats.IncidentsBySeverity));
        var withheld = table.Solve();

        var rows = new List<PublishedRow>();
        foreach (var id in order)
        {
            var (section, key) = table.Name(id);
            var count = table.Count(id);
            var suppressed = withheld.Contains(id);
            rows.Add(new PublishedRow(section, key, suppressed ? null : count, suppressed,
                suppressed ? SuppressedDisplay : count.ToString(CultureInfo.InvariantCulture)));
        }

        // A rate over a handful of appeals, or beside a withheld count, would reveal that count.
        var rateSuppressed = stats.AppealsDecided < threshold || stats.OverturnRatePercent is null || withheld.Contains(decided) || withheld.Contains(overturned);
        rows.Insert(rateAt, new PublishedRow("appeals", "overturn-rate-percent", rateSuppressed ? null : stats.OverturnRatePercent, rateSuppressed,
            rateSuppressed ? $"withheld (<{threshold} decided or a count withheld)" : stats.OverturnRatePercent!.Value.ToString("0.#", CultureInfo.InvariantCulture)));

        foreach (var m in stats.Medians)
        {
            var suppressed = m.Samples < threshold || m.Median is null;
            var hours = m.Median is { } median ? Math.Round(median.TotalHours, 2) : (double?)null;
            rows.Add(new PublishedRow("median-hours", m.Key, suppressed ? null : hours, suppressed,
                suppressed ? $"withheld (<{threshold} samples)" : hours!.Value.ToString("0.##", CultureInfo.InvariantCulture)));
        }

        foreach (var d in stats.IncidentDurations)
        {
            foreach (var (statistic, value) in new[] { ("median", d.Median), ("p90", d.P90) })
            {
                var suppressed = d.Samples < threshold || value is null;
                var hours = value is { } v ? Math.Round(v.TotalHours, 2) : (double?)null;
                rows.Add(new PublishedRow("incident-hours", $"{d.Severity}/{d.Metric}/{statistic}", suppressed ? null : hours, suppressed,
                    suppressed ? $"withheld (<{threshold} samples)" : hours!.Value.ToString("0.##", CultureInfo.InvariantCulture)));
            }
        }

        return rows;
    }

    /// <summary>The published rows as CSV (through the shared, formula-safe writer), after a comment line naming the period.</summary>
    public string ToCsv(SafetyStatistics stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var rows = Publish(stats);
        return CsvExport.Write(csv =>
        {
            csv.WriteComment(string.Create(CultureInfo.InvariantCulture,
                $" ReviewConsole safety statistics, {Iso(stats.From)} to {Iso(stats.To)}; counts from 1 to {options.Value.SuppressBelow - 1} suppressed, and the counts that would let them be worked out"));
            csv.WriteHeader(["section", "key", "value"]);
            foreach (var row in rows)
            {
                csv.WriteRecord([row.Section, row.Key, row.Display]);
            }
        });
    }

    public string ToJson(SafetyStatistics stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var rows = Publish(stats);
        var document = new
        {
            period = new { from = Iso(stats.From), to = Iso(stats.To) },
            suppressBelow = options.Value.SuppressBelow,
            sections = rows.GroupBy(r => r.Section).ToDictionary(
                g => g.Key,
                g => g.Select(r => new { key = r.Key, value = r.Value, suppressed = r.Suppressed }).ToList()),
        };
        return JsonSerializer.Serialize(document, Indented);
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static List<StatCount> Sorted(IEnumerable<StatCount> counts) =>
        counts.OrderByDescending(c => c.Count).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();

    /// <summary>The median; for an even count, the mean of the two middle values.</summary>
    public static StatMedian Median(string key, IReadOnlyList<TimeSpan> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return new StatMedian(key, null, 0);
        }

        var sorted = values.OrderBy(v => v).ToList();
        var mid = sorted.Count / 2;
        var median = sorted.Count % 2 == 1 ? sorted[mid] : TimeSpan.FromTicks((sorted[mid - 1].Ticks + sorted[mid].Ticks) / 2);
        return new StatMedian(key, median, sorted.Count);
    }
}
