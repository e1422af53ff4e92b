using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Appeals;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Features.Incidents;

namespace ReviewConsole.Features.Statistics;

/// <summary>
/// Safety statistics for a period, and their publishable export with small counts suppressed.
/// Period membership: flags by when they were flagged, decisions by when they were made,
/// enforcement by when it was requested, incidents by when they were detected. Medians are over
/// the events that finished inside the period.
/// </summary>
public sealed class StatisticsService(IDbContextFactory<AppDbContext> dbFactory, IOptions<StatisticsOptions> options)
{
    public const string FlagToDecision = "flag-to-decision";
    public const string DecisionToEnforcement = "decision-to-enforcement-in-effect";
    public const string IncidentDetectToMitigate = "incident-detect-to-mitigate";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public int SuppressBelow => options.Value.SuppressBelow;

    public async Task<SafetyStatistics> ComputeAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (to <= from)
        {
            throw new ArgumentException("The period must end after it starts.", nameof(to));
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var flags = db.Set<Flag>().AsNoTracking().Where(f => f.CreatedAt >= from && f.CreatedAt < to);
        var byCategory = await flags.GroupBy(f => f.TopCategory).Select(g => new StatCount(g.Key, g.Count())).ToListAsync(cancellationToken);
        var bySourceRaw = await flags.GroupBy(f => f.Source).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var decisions = db.Set<FlagDecision>().AsNoTracking().Where(d => d.DecidedAt >= from && d.DecidedAt < to);
        var decisionCount = await decisions.CountAsync(cancellationToken);
        var flagsReviewed = await decisions.Select(d => d.FlagId).Distinct().CountAsync(cancellationToken);
        var byVerdictRaw = await decisions.GroupBy(d => d.Verdict).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
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

        // Durations are computed in memory: date arithmetic differs between SQLite (ticks) and SQL Server.
        var flagToDecision = await (from d in decisions
                                    join f in db.Set<Flag>() on d.FlagId equals f.Id
                                    where d.Verdict != Verdict.Escalate
                                    select new { d.FlagId, d.DecidedAt, f.CreatedAt }).ToListAsync(cancellationToken);
        var firstDecisions = flagToDecision.GroupBy(x => x.FlagId).Select(g => g.Min(x => x.DecidedAt) - g.First().CreatedAt).ToList();
        var decisionIds = await db.Set<EnforcementAction>().AsNoTracking()
            .Where(a => a.Reason == EnforcementReason.Decision && a.State == EnforcementState.Succeeded && a.CompletedAt >= from && a.CompletedAt < to)
            .Select(a => new { a.ReasonId, a.CompletedAt }).ToListAsync(cancellationToken);
        var ids = decisionIds.Select(a => long.TryParse(a.ReasonId, CultureInfo.InvariantCulture, out var id) ? id : -1).Where(id => id > 0).Distinct().ToList();
        var decidedAt = await db.Set<FlagDecision>().AsNoTracking().Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.DecidedAt, cancellationToken);
        var decisionToEffect = decisionIds
            .Where(a => long.TryParse(a.ReasonId, CultureInfo.InvariantCulture, out var id) && decidedAt.ContainsKey(id))
            .GroupBy(a => long.Parse(a.ReasonId!, CultureInfo.InvariantCulture))
            .Select(g => g.Min(a => a.CompletedAt!.Value) - decidedAt[g.Key]).ToList();
        var detectToMitigate = (await db.Set<Incident>().AsNoTracking()
                .Where(i => i.MitigatedAt != null && i.MitigatedAt >= from && i.MitigatedAt < to)
                .Select(i => new { i.DetectedAt, i.MitigatedAt }).ToListAsync(cancellationToken))
            .Select(i => i.MitigatedAt!.Value - i.DetectedAt).ToList();

        return new SafetyStatistics(
            from,
            to,
            Sorted(byCategory.Select(c => c with { Key = string.IsNullOrEmpty(c.Key) ? "(none)" : c.Key })),
            Sorted(bySourceRaw.Select(x => new StatCount(x.Key.ToString(), x.Count))),
            byCategory.Sum(c => c.Count),
            flagsReviewed,
            decisionCount,
            Sorted(byVerdictRaw.Select(x => new StatCount(x.Key.ToString(), x.Count))),
            Sorted(byKindRaw.Select(x => new StatCount(x.Key.ToString(), x.Count))),
            inEffect,
            Sorted(byTypeRaw.Select(x => new StatCount(IncidentRules.Label(x.Key), x.Count))),
            bySeverityRaw.OrderBy(x => x.Key).Select(x => new StatCount(IncidentRules.Label(x.Key), x.Count)).ToList(),
            [Median(FlagToDecision, firstDecisions), Median(DecisionToEnforcement, decisionToEffect), Median(IncidentDetectToMitigate, detectToMitigate)],
            appealsFiled,
            decidedAppeals,
            overturned);
    }

    /// <summary>The statistics as publishable rows: counts from 1 to below the threshold and medians
    /// over fewer samples than the threshold are suppressed. Zero is published (it reveals no one).</summary>
    public IReadOnlyList<PublishedRow> Publish(SafetyStatistics stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var threshold = options.Value.SuppressBelow;
        var rows = new List<PublishedRow>();
        void Count(string section, string key, int count)
        {
            var suppressed = count > 0 && count < threshold;
            rows.Add(new PublishedRow(section, key, suppressed ? null : count, suppressed, suppressed ? $"<{threshold}" : count.ToString(CultureInfo.InvariantCulture)));
        }

        Count("flags", "received", stats.FlagsReceived);
        Count("flags", "reviewed", stats.FlagsReviewed);
        Count("decisions", "total", stats.Decisions);
        Count("enforcement", "in-effect", stats.EnforcementInEffect);
        Count("appeals", "filed", stats.AppealsFiled);
        Count("appeals", "decided", stats.AppealsDecided);
        Count("appeals", "overturned", stats.AppealsOverturned);
        // A rate over a handful of appeals would reveal individual outcomes: withheld like small counts.
        var rateSuppressed = stats.AppealsDecided < threshold || stats.OverturnRatePercent is null;
        rows.Add(new PublishedRow("appeals", "overturn-rate-percent", rateSuppressed ? null : stats.OverturnRatePercent, rateSuppressed,
            rateSuppressed ? $"withheld (<{threshold} decided)" : stats.OverturnRatePercent!.Value.ToString("0.#", CultureInfo.InvariantCulture)));
        foreach (var (section, counts) in new[]
        {
            ("flags-by-category", stats.FlagsByCategory),
            ("flags-by-source", stats.FlagsBySource),
            ("decisions-by-verdict", stats.DecisionsByVerdict),
            ("enforcement-by-kind", stats.EnforcementByKind),
            ("incidents-by-misuse-type", stats.IncidentsByMisuseType),
            ("incidents-by-severity", stats.IncidentsBySeverity),
        })
        {
            foreach (var c in counts)
            {
                Count(section, c.Key, c.Count);
            }
        }

        foreach (var m in stats.Medians)
        {
            var suppressed = m.Samples < threshold || m.Median is null;
            var hours = m.Median is { } median ? Math.Round(median.TotalHours, 2) : (double?)null;
            rows.Add(new PublishedRow("median-hours", m.Key, suppressed ? null : hours, suppressed,
                suppressed ? $"withheld (<{threshold} samples)" : hours!.Value.ToString("0.##", CultureInfo.InvariantCulture)));
        }

        return rows;
    }

    public string ToCsv(SafetyStatistics stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var csv = new StringBuilder();
        csv.Append("# ReviewConsole safety statistics, ").Append(Iso(stats.From)).Append(" to ").Append(Iso(stats.To))
            .Append("; counts below ").Append(options.Value.SuppressBelow.ToString(CultureInfo.InvariantCulture)).Append(" suppressed\n");
        csv.Append("section,key,value\n");
        foreach (var row in Publish(stats))
        {
            csv.Append(Csv(row.Section)).Append(',').Append(Csv(row.Key)).Append(',').Append(Csv(row.Display)).Append('\n');
        }

        return csv.ToString();
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

    /// <summary>RFC 4180 quoting, and a leading apostrophe for cells a spreadsheet would run as a formula.</summary>
    private static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

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
