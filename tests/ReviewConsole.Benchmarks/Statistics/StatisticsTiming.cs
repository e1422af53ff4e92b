using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Features.Statistics;
using ReviewConsole.Testing;

namespace ReviewConsole.Benchmarks.Statistics;

/// <summary>
/// `stats PATH [runs]`: migrates the SQLite database at PATH (use a copy), times the statistics of the
/// default period (last 30 days through today) computed directly from the tables, folds the rollup
/// (timed: the backfill), then times the same figures from the rollup and checks they are equal.
/// A hand-run harness for finding costs, not a timed test.
/// </summary>
public static class StatisticsTiming
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: stats PATH [runs]");
            return 2;
        }

        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var factory = new TestDbContextFactory(AppDbContextOptions.Build(DatabaseProvider.Sqlite, $"Data Source={args[0]}"));
        var clock = TimeProvider.System;
        var options = Options.Create(new StatisticsOptions());
        var rollup = new StatisticsRollup(factory, clock, options);
        var service = new StatisticsService(factory, options, rollup);

        var watch = Stopwatch.StartNew();
        await using (var db = factory.CreateDbContext())
        {
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
            await db.Database.MigrateAsync();
        }

        Console.WriteLine($"migrated in {watch.Elapsed.TotalSeconds:N1} s; load {LoadAverage()}");
        var (fromText, toText) = StatisticsFeature.DefaultPeriod(null, null, clock);
        StatisticsFeature.TryPeriod(fromText, toText, out var from, out var to, out _);

        var direct = await TimeAsync("direct ", runs, () => service.ComputeDirectAsync(from, to, default));
        watch.Restart();
        var folded = await rollup.FoldAllAsync(int.MaxValue, default);
        Console.WriteLine($"fold (backfill): {folded:N0} rows in {watch.Elapsed.TotalSeconds:N1} s; load {LoadAverage()}");
        var rolled = await TimeAsync("rollup ", runs, () => service.ComputeAsync(from, to, default));
        await TimeAsync("rollup read only", runs, async () => { await rollup.ReadAsync(from, to, default); return rolled; });

        var (a, b) = (Describe(direct), Describe(rolled));
        Console.WriteLine(a == b ? "figures equal" : $"FIGURES DIFFER\ndirect: {a}\nrollup: {b}");
        Console.WriteLine(a);
        return a == b ? 0 : 1;
    }

    private static async Task<SafetyStatistics> TimeAsync(string label, int runs, Func<Task<SafetyStatistics>> compute)
    {
        SafetyStatistics? result = null;
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            result = await compute();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine($"{label}: runs {string.Join(", ", times.Select(t => t.ToString("N0", CultureInfo.InvariantCulture)))} ms; median {times[times.Count / 2]:N0} ms; load {LoadAverage()}");
        return result!;
    }

    private static string Describe(SafetyStatistics s) => JsonSerializer.Serialize(new
    {
        s.FlagsReceived,
        s.FlagsReviewed,
        s.Decisions,
        s.FlagsByCategory,
        s.FlagsBySource,
        s.DecisionsByVerdict,
        s.EnforcementByKind,
        s.EnforcementInEffect,
        Medians = s.Medians.Select(m => new { m.Key, Ticks = m.Median?.Ticks, m.Samples }),
    });

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
}
