using ReviewConsole.Features.Statistics;

namespace ReviewConsole.Tests.Statistics;

/// <summary>
/// Someone holding one published export and knowing how it adds up (each breakdown sums to its
/// total, two breakdowns share one, appeals decided = overturned + upheld). Written apart from the
/// publisher: it tries plain subtraction, solving all the relations together (Gaussian elimination),
/// and narrowing ranges (a withheld count is at least 1), and fails the test if any of these pins a
/// withheld count from 1 to below the threshold, or if a rate gives its count back.
/// </summary>
internal static class StatisticsAttacker
{
    public static void AssertNothingRecovered(SafetyStatistics stats, IReadOnlyList<PublishedRow> rows, int threshold)
    {
        // Every cell: its true count and what was published (null = withheld, or not published at all).
        var truth = new Dictionary<string, long>(StringComparer.Ordinal);
        var published = new Dictionary<string, long?>(StringComparer.Ordinal);
        void Cell(string name, long count)
        {
            truth[name] = count;
            var row = rows.SingleOrDefault(r => r.Section + "/" + r.Key == name);
            published[name] = row is { Suppressed: false, Value: { } v } ? (long)v : null;
        }

        Cell("flags/received", stats.FlagsReceived);
        Cell("decisions/total", stats.Decisions);
        Cell("incidents/detected", stats.IncidentsBySeverity.Sum(c => c.Count));
        Cell("appeals/decided", stats.AppealsDecided);
        Cell("appeals/overturned", stats.AppealsOverturned);
        Cell("appeals/upheld", stats.AppealsDecided - stats.AppealsOverturned);
        var relations = new List<(string Total, List<string> Parts)>();
        void Breakdown(string total, string section, IReadOnlyList<StatCount> counts)
        {
            foreach (var c in counts)
            {
                Cell(section + "/" + c.Key, c.Count);
            }

            relations.Add((total, counts.Select(c => section + "/" + c.Key).ToList()));
        }

        Breakdown("flags/received", "flags-by-category", stats.FlagsByCategory);
        Breakdown("flags/received", "flags-by-source", stats.FlagsBySource);
        Breakdown("decisions/total", "decisions-by-verdict", stats.DecisionsByVerdict);
        Breakdown("incidents/detected", "incidents-by-misuse-type", stats.IncidentsByMisuseType);
        Breakdown("incidents/detected", "incidents-by-severity", stats.IncidentsBySeverity);
        relations.Add(("appeals/decided", ["appeals/overturned", "appeals/upheld"]));

        bool Sensitive(string name) => truth[name] > 0 && truth[name] < threshold;
        var context = Environment.NewLine + string.Join(Environment.NewLine, truth.Select(t => $"{t.Key} = {t.Value} published {published[t.Key]?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}"));
        foreach (var row in rows.Where(r => !r.Suppressed && r.Value is not null && truth.ContainsKey(r.Section + "/" + r.Key)))
        {
            Assert.False(Sensitive(row.Section + "/" + row.Key), $"{row.Section}/{row.Key} = {row.Value} is published below the threshold.");
        }

        var unknown = published.Where(p => p.Value is null).Select(p => p.Key).ToList();

        // 1. Subtraction: a relation with one unknown term gives it away.
        foreach (var (total, parts) in relations)
        {
            var missing = parts.Append(total).Where(unknown.Contains).ToList();
            if (missing.Count == 1)
            {
                Assert.False(Sensitive(missing[0]), $"{missing[0]} = {truth[missing[0]]} follows by subtraction." + context);
            }
        }

        // 2. All relations at once: a variable alone in a row of the reduced system is determined.
        var index = unknown.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i);
        var matrix = relations.Select(r =>
        {
            var row = new double[unknown.Count];
            if (index.TryGetValue(r.Total, out var t))
            {
                row[t] += 1;
            }

            foreach (var p in r.Parts.Where(index.ContainsKey))
            {
                row[index[p]] -= 1;
            }

            return row;
        }).Where(row => row.Any(v => v != 0)).ToList();
        var pivotRow = 0;
        for (var column = 0; column < unknown.Count && pivotRow < matrix.Count; column++)
        {
            var pivot = matrix.FindIndex(pivotRow, r => Math.Abs(r[column]) > 1e-9);
            if (pivot < 0)
            {
                continue;
            }

            (matrix[pivotRow], matrix[pivot]) = (matrix[pivot], matrix[pivotRow]);
            var scale = matrix[pivotRow][column];
            for (var k = 0; k < unknown.Count; k++)
            {
                matrix[pivotRow][k] /= scale;
            }

            for (var r = 0; r < matrix.Count; r++)
            {
                if (r != pivotRow && Math.Abs(matrix[r][column]) > 1e-9)
                {
                    var factor = matrix[r][column];
                    for (var k = 0; k < unknown.Count; k++)
                    {
                        matrix[r][k] -= factor * matrix[pivotRow][k];
                    }
                }
            }

            pivotRow++;
        }

        foreach (var row in matrix)
        {
            var nonZero = Enumerable.Range(0, unknown.Count).Where(k => Math.Abs(row[k]) > 1e-9).ToList();
            if (nonZero.Count == 1)
            {
                Assert.False(Sensitive(unknown[nonZero[0]]), $"{unknown[nonZero[0]]} = {truth[unknown[nonZero[0]]]} follows from the relations together." + context);
            }
        }

        // 3. Ranges: withheld counts are at least 1 (zeros are published), upheld at least 0.
        const long Big = 1_000_000_000;
        var bounds = published.ToDictionary(p => p.Key, p => p.Value is { } v ? (Low: v, High: v) : (Low: p.Key == "appeals/upheld" ? 0L : 1L, High: Big));
        for (var round = 0; round < 100; round++)
        {
            var moved = false;
            foreach (var (total, parts) in relations)
            {
                foreach (var part in parts)
                {
                    var others = parts.Where(p => p != part).ToList();
                    var low = Math.Max(bounds[part].Low, bounds[total].Low - Math.Min(Big, others.Sum(o => bounds[o].High)));
                    var high = Math.Min(bounds[part].High, bounds[total].High - others.Sum(o => bounds[o].Low));
                    if ((low, high) != bounds[part])
                    {
                        bounds[part] = (low, high);
                        moved = true;
                    }
                }

                var totalLow = Math.Max(bounds[total].Low, parts.Sum(p => bounds[p].Low));
                var totalHigh = Math.Min(bounds[total].High, Math.Min(Big, parts.Sum(p => bounds[p].High)));
                if ((totalLow, totalHigh) != bounds[total])
                {
                    bounds[total] = (totalLow, totalHigh);
                    moved = true;
                }
            }

            if (!moved)
            {
                break;
            }
        }

        foreach (var name in unknown.Where(Sensitive))
        {
            Assert.True(bounds[name].Low < bounds[name].High, $"{name} = {truth[name]} is pinned by the ranges ({bounds[name].Low}..{bounds[name].High})." + context);
        }

        // 4. A published rate gives its count back when the denominator is published.
        var rate = rows.Single(r => r.Key == "overturn-rate-percent");
        if (!rate.Suppressed)
        {
            Assert.NotNull(published["appeals/overturned"]);
            Assert.NotNull(published["appeals/decided"]);
        }
    }
}
