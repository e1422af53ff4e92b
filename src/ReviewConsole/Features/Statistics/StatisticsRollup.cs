using System.Numerics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Statistics;

namespace ReviewConsole.Features.Statistics;

/// <summary>The flag and decision figures of a period: the part of the statistics that reads the two
/// tables that grow with every flag.</summary>
internal sealed record FlagFigures(
    IReadOnlyList<StatCount> ByCategory,
    IReadOnlyList<StatCount> BySource,
    int FlagsReviewed,
    int Decisions,
    IReadOnlyList<StatCount> ByVerdict,
    StatMedian FlagToDecision);

/// <summary>
/// Daily rollups of flags and decisions, so the statistics of a period of whole UTC days read a few
/// rows per day instead of every flag and decision in it, with the same (exact) figures.
/// <para>
/// Flags and decisions are only ever inserted (a flag's top category can be remapped, see
/// <see cref="RenameCategoryAsync"/>), so the rollup folds them by id: <see cref="FoldAsync"/> adds
/// the rows above the watermarks to the day counts and advances the watermarks in one transaction
/// (a second node's fold of the same rows finds the version changed and folds nothing). A reader adds
/// the rows above the watermarks live, by primary key, so the figures include what was decided a moment
/// ago. Facts are derived per flag from its decisions in time order, so a decision inserted late
/// re-derives its flag's facts rather than double counting.
/// </para>
/// <para>
/// The flag→decision median is exact: the histogram (<see cref="LatencyDayCount"/>, 8 buckets per
/// doubling, each at most 12.5 % wide) finds the bucket that holds the middle rank(s), and only that bucket's
/// exact latencies are read from the <see cref="DecisionFact"/> index.
/// </para>
/// </summary>
public sealed class StatisticsRollup(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, IOptions<StatisticsOptions> options)
{
    private const int BucketsPerDoubling = 8;

    /// <summary>A monotonic latency bucket: the power of two and the top three mantissa bits of the
    /// tick count (negative latencies mirror below zero).</summary>
    public static int Bucket(long ticks)
    {
        if (ticks == 0)
        {
            return 0;
        }

        if (ticks < 0)
        {
            return ticks == long.MinValue ? int.MinValue : -Bucket(-ticks);
        }

        var exponent = 63 - BitOperations.LeadingZeroCount((ulong)ticks);
        var mantissa = exponent >= 3 ? (int)((ticks >> (exponent - 3)) & 7) : (int)((ticks << (3 - exponent)) & 7);
        return 1 + (exponent * BucketsPerDoubling) + mantissa;
    }

    internal sealed record DecisionRow(long Id, long FlagId, DateTimeOffset DecidedAt, Verdict Verdict, DateTimeOffset FlagCreatedAt);

    /// <summary>The facts of the given decisions, which must be all (folded) decisions of their flags.</summary>
    internal static List<DecisionFact> Derive(IEnumerable<DecisionRow> rows)
    {
        var facts = new List<DecisionFact>();
        foreach (var flag in rows.GroupBy(r => r.FlagId))
        {
            var previous = DecisionFact.None;
            var previousDecided = DecisionFact.None;
            foreach (var d in flag.OrderBy(d => d.DecidedAt).ThenBy(d => d.Id))
            {
                var day = Day(d.DecidedAt);
                var fact = new DecisionFact { DecisionId = d.Id, FlagId = d.FlagId, Day = day, PreviousDay = previous, Verdict = d.Verdict };
                if (d.Verdict != Verdict.Escalate)
                {
                    var latency = (d.DecidedAt - d.FlagCreatedAt).Ticks;
                    fact.LatencyPreviousDay = previousDecided;
                    fact.LatencyTicks = latency;
                    fact.LatencyBucket = Bucket(latency);
                    previousDecided = day;
                }

                previous = day;
                facts.Add(fact);
            }
        }

        return facts;
    }

    internal static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    /// <summary>Folds one batch of flags and decisions above the watermarks; returns how many rows it
    /// folded (0 when caught up, or when another node folded the same batch first).</summary>
    public async Task<int> FoldAsync(CancellationToken cancellationToken)
    {
        var batch = options.Value.RollupBatchSize;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync(
            async ct =>
            {
                var state = await db.Set<StatisticsRollupState>().AsNoTracking().SingleAsync(s => s.Id == StatisticsRollupState.SingletonId, ct);

                // Claiming the state row first serializes folds with each other and with a category remap.
                if (await Claim(db, state.Version).ExecuteUpdateAsync(s => s.SetProperty(x => x.Version, x => x.Version + 1), ct) == 0)
                {
                    return 0;
                }

                // A row is folded once it is older than the settle time, so an id taken by a transaction that
                // has not committed yet (server databases hand out ids before commit) is not skipped for good.
                var settled = clock.GetUtcNow() - TimeSpan.FromSeconds(options.Value.RollupSettleSeconds);
                var flags = (await db.Set<Flag>().AsNoTracking().Where(f => f.Id > state.FlagWatermark).OrderBy(f => f.Id).Take(batch)
                        .Select(f => new { f.Id, f.CreatedAt, f.TopCategory, f.Source, f.IngestedAt }).ToListAsync(ct))
                    .TakeWhile(f => f.IngestedAt <= settled).ToList();
                var decisions = (await db.Set<FlagDecision>().AsNoTracking().Where(d => d.Id > state.DecisionWatermark).OrderBy(d => d.Id).Take(batch)
                        .Select(d => new { d.Id, d.DecidedAt }).ToListAsync(ct))
                    .TakeWhile(d => d.DecidedAt <= settled).ToList();
                if (flags.Count == 0 && decisions.Count == 0)
                {
                    return -1;
                }

                var flagWatermark = flags.Count == 0 ? state.FlagWatermark : flags[^1].Id;
                var decisionWatermark = decisions.Count == 0 ? state.DecisionWatermark : decisions[^1].Id;
                await ApplyAsync(db, flags.GroupBy(f => (Day(f.CreatedAt), f.TopCategory, f.Source)).ToDictionary(g => g.Key, g => g.Count()), ct);
                if (decisions.Count > 0)
                {
                    var (low, high) = (state.DecisionWatermark, decisionWatermark);
                    var affected = db.Set<FlagDecision>().Where(n => n.Id > low && n.Id <= high).Select(n => n.FlagId);
                    var old = await db.Set<DecisionFact>().Where(f => affected.Contains(f.FlagId)).ToDictionaryAsync(f => f.DecisionId, ct);
                    var derived = Derive(await DecisionRows(db, affected, high).ToListAsync(ct));
                    await ApplyAsync(db, old.Values, derived, ct);
                    foreach (var fact in derived)
                    {
                        if (old.TryGetValue(fact.DecisionId, out var existing))
                        {
                            db.Entry(existing).CurrentValues.SetValues(fact);
                        }
                        else
                        {
                            db.Add(fact);
                        }
                    }
                }

                await db.SaveChangesAsync(ct);
                await db.Set<StatisticsRollupState>().Where(s => s.Id == StatisticsRollupState.SingletonId)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.FlagWatermark, flagWatermark).SetProperty(x => x.DecisionWatermark, decisionWatermark), ct);
                return flags.Count + decisions.Count;
            },
            folded => folded >= 0,
            cancellationToken) is var n && n > 0 ? n : 0;
    }

    /// <summary>Folds until caught up (or <paramref name="maxBatches"/> batches); returns the rows folded.</summary>
    public async Task<int> FoldAllAsync(int maxBatches, CancellationToken cancellationToken)
    {
        var total = 0;
        for (var i = 0; i < maxBatches; i++)
        {
            var folded = await FoldAsync(cancellationToken);
            if (folded == 0)
            {
                break;
            }

            total += folded;
        }

        return total;
    }

    /// <summary>Moves the flag day counts of <paramref name="key"/> to <paramref name="targetKey"/>, in the
    /// transaction that remaps the flags' top category (call it inside that unit of work).</summary>
    public static async Task RenameCategoryAsync(AppDbContext db, string key, string targetKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Set<StatisticsRollupState>().Where(s => s.Id == StatisticsRollupState.SingletonId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Version, x => x.Version + 1), cancellationToken);
        var moving = await db.Set<FlagDayCount>().Where(c => c.TopCategory == key).ToListAsync(cancellationToken);
        var days = moving.Select(c => c.Day).ToList();
        var targets = await db.Set<FlagDayCount>().Where(c => c.TopCategory == targetKey && days.Contains(c.Day)).ToListAsync(cancellationToken);
        foreach (var row in moving)
        {
            db.Remove(row);
            if (targets.FirstOrDefault(t => t.Day == row.Day && t.Source == row.Source) is { } target)
            {
                target.Count += row.Count;
            }
            else
            {
                var added = new FlagDayCount { Day = row.Day, TopCategory = targetKey, Source = row.Source, Count = row.Count };
                targets.Add(added);
                db.Add(added);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The flag and decision figures of [<paramref name="from"/>, <paramref name="to"/>) (UTC midnights)
    /// from the rollup plus the rows not folded yet; null when more rows wait to be folded than
    /// <see cref="StatisticsOptions.RollupMaxLag"/> (a new database before its first fold) or the rollup kept
    /// moving while it was read, and the caller computes them directly.
    /// </summary>
    internal async Task<FlagFigures?> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var (first, end) = (Day(from), Day(to));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var state = await db.Set<StatisticsRollupState>().AsNoTracking().SingleAsync(s => s.Id == StatisticsRollupState.SingletonId, cancellationToken);
            var (fw, dw) = (state.FlagWatermark, state.DecisionWatermark);
            var maxLag = options.Value.RollupMaxLag;
            if (await db.Set<Flag>().Where(f => f.Id > fw).Take(maxLag + 1).CountAsync(cancellationToken) > maxLag
                || await db.Set<FlagDecision>().Where(d => d.Id > dw).Take(maxLag + 1).CountAsync(cancellationToken) > maxLag)
            {
                return null;
            }

            var flagRows = await db.Set<FlagDayCount>().AsNoTracking().Where(c => c.Day >= first && c.Day < end)
                .Select(c => new { c.TopCategory, c.Source, c.Count }).ToListAsync(cancellationToken);
            var newFlags = await db.Set<Flag>().AsNoTracking().Where(f => f.Id > fw && f.CreatedAt >= from && f.CreatedAt < to)
                .Select(f => new { f.TopCategory, f.Source, Count = 1 }).ToListAsync(cancellationToken);
            var allFlags = flagRows.Concat(newFlags).ToList();

            var decisionRows = await db.Set<DecisionDayCount>().AsNoTracking().Where(c => c.Day >= first && c.Day < end)
                .Select(c => new { c.PreviousDay, c.Verdict, c.Count }).ToListAsync(cancellationToken);
            var affected = db.Set<FlagDecision>().Where(n => n.Id > dw).Select(n => n.FlagId);
            var oldFacts = await db.Set<DecisionFact>().AsNoTracking().Where(f => affected.Contains(f.FlagId)).ToListAsync(cancellationToken);
            var newFacts = Derive(await DecisionRows(db, affected, long.MaxValue).ToListAsync(cancellationToken));
            var decisionDelta = oldFacts.Where(f => f.Day >= first && f.Day < end).Select(f => new { f.PreviousDay, f.Verdict, Count = -1 })
                .Concat(newFacts.Where(f => f.Day >= first && f.Day < end).Select(f => new { f.PreviousDay, f.Verdict, Count = 1 }));
            var allDecisions = decisionRows.Concat(decisionDelta).ToList();

            bool Counts(DecisionFact f) => f.LatencyBucket is not null && f.Day >= first && f.Day < end && f.LatencyPreviousDay < first;
            var histogram = (await db.Set<LatencyDayCount>().AsNoTracking().Where(c => c.Day >= first && c.Day < end && c.PreviousDay < first)
                    .GroupBy(c => c.Bucket).Select(g => new { Bucket = g.Key, Count = g.Sum(c => c.Count) }).ToListAsync(cancellationToken))
                .ToDictionary(b => b.Bucket, b => b.Count);
            foreach (var f in oldFacts.Where(Counts))
            {
                histogram[f.LatencyBucket!.Value] = histogram.GetValueOrDefault(f.LatencyBucket.Value) - 1;
            }

            foreach (var f in newFacts.Where(Counts))
            {
                histogram[f.LatencyBucket!.Value] = histogram.GetValueOrDefault(f.LatencyBucket.Value) + 1;
            }

            var median = await MedianAsync(db, histogram, first, end, affected, newFacts.Where(Counts).ToList(), cancellationToken);

            var again = await db.Set<StatisticsRollupState>().AsNoTracking().Where(s => s.Id == StatisticsRollupState.SingletonId).Select(s => s.Version).SingleAsync(cancellationToken);
            if (median is null || again != state.Version)
            {
                continue;
            }

            static List<StatCount> Sum<T>(IEnumerable<T> rows, Func<T, string> key, Func<T, int> count) =>
                rows.GroupBy(key).Select(g => new StatCount(g.Key, g.Sum(count))).Where(c => c.Count != 0).ToList();
            return new FlagFigures(
                Sum(allFlags, f => f.TopCategory, f => f.Count),
                Sum(allFlags, f => f.Source.ToString(), f => f.Count),
                allDecisions.Where(d => d.PreviousDay < first).Sum(d => d.Count),
                allDecisions.Sum(d => d.Count),
                Sum(allDecisions, d => d.Verdict.ToString(), d => d.Count),
                median);
        }

        return null;
    }

    /// <summary>The exact median from the histogram: only the bucket(s) holding the middle rank(s) are read
    /// value by value; null when a bucket's values do not match its count (the rollup moved meanwhile).</summary>
    private static async Task<StatMedian?> MedianAsync(
        AppDbContext db, Dictionary<int, int> histogram, DateOnly first, DateOnly end, IQueryable<long> affected, List<DecisionFact> pending, CancellationToken cancellationToken)
    {
        var samples = histogram.Values.Sum();
        if (samples == 0)
        {
            return new StatMedian(StatisticsService.FlagToDecision, null, 0);
        }

        int[] ranks = samples % 2 == 1 ? [samples / 2] : [(samples / 2) - 1, samples / 2];
        var values = new List<long>();
        foreach (var rank in ranks)
        {
            var below = 0;
            foreach (var (bucket, count) in histogram.Where(b => b.Value > 0).OrderBy(b => b.Key))
            {
                if (rank < below + count)
                {
                    var exact = await db.Set<DecisionFact>().AsNoTracking()
                        .Where(f => f.LatencyBucket == bucket && f.Day >= first && f.Day < end && f.LatencyPreviousDay < first && !affected.Contains(f.FlagId))
                        .Select(f => f.LatencyTicks!.Value).ToListAsync(cancellationToken);
                    exact.AddRange(pending.Where(f => f.LatencyBucket == bucket).Select(f => f.LatencyTicks!.Value));
                    if (exact.Count != count)
                    {
                        return null;
                    }

                    exact.Sort();
                    values.Add(exact[rank - below]);
                    break;
                }

                below += count;
            }
        }

        var median = values.Count == 1 ? values[0] : (values[0] + values[1]) / 2;
        return new StatMedian(StatisticsService.FlagToDecision, TimeSpan.FromTicks(median), samples);
    }

    private static IQueryable<DecisionRow> DecisionRows(AppDbContext db, IQueryable<long> flagIds, long upToId) =>
        from d in db.Set<FlagDecision>().AsNoTracking()
        where flagIds.Contains(d.FlagId) && d.Id <= upToId
        join f in db.Set<Flag>() on d.FlagId equals f.Id
        select new DecisionRow(d.Id, d.FlagId, d.DecidedAt, d.Verdict, f.CreatedAt);

    private static IQueryable<StatisticsRollupState> Claim(AppDbContext db, long version) =>
        db.Set<StatisticsRollupState>().Where(s => s.Id == StatisticsRollupState.SingletonId && s.Version == version);

    private static async Task ApplyAsync(AppDbContext db, Dictionary<(DateOnly Day, string Category, FlagSource Source), int> delta, CancellationToken cancellationToken)
    {
        if (delta.Count == 0)
        {
            return;
        }

        var (min, max) = (delta.Keys.Min(k => k.Day), delta.Keys.Max(k => k.Day));
        var rows = await db.Set<FlagDayCount>().Where(c => c.Day >= min && c.Day <= max).ToDictionaryAsync(c => (c.Day, c.TopCategory, c.Source), cancellationToken);
        foreach (var ((day, category, source), count) in delta)
        {
            if (rows.TryGetValue((day, category, source), out var row))
            {
                row.Count += count;
            }
            else
            {
                db.Add(new FlagDayCount { Day = day, TopCategory = category, Source = source, Count = count });
            }
        }
    }

    private static async Task ApplyAsync(AppDbContext db, IEnumerable<DecisionFact> removed, IReadOnlyList<DecisionFact> added, CancellationToken cancellationToken)
    {
        var decisions = new Dictionary<(DateOnly, DateOnly, Verdict), int>();
        var latencies = new Dictionary<(DateOnly, DateOnly, int), int>();
        void Count(DecisionFact f, int sign)
        {
            decisions[(f.Day, f.PreviousDay, f.Verdict)] = decisions.GetValueOrDefault((f.Day, f.PreviousDay, f.Verdict)) + sign;
            if (f.LatencyBucket is { } bucket)
            {
                var key = (f.Day, f.LatencyPreviousDay!.Value, bucket);
                latencies[key] = latencies.GetValueOrDefault(key) + sign;
            }
        }

        foreach (var f in removed)
        {
            Count(f, -1);
        }

        foreach (var f in added)
        {
            Count(f, 1);
        }

        if (decisions.Count == 0)
        {
            return;
        }

        var (min, max) = (decisions.Keys.Min(k => k.Item1), decisions.Keys.Max(k => k.Item1));
        var decisionRows = await db.Set<DecisionDayCount>().Where(c => c.Day >= min && c.Day <= max).ToDictionaryAsync(c => (c.Day, c.PreviousDay, c.Verdict), cancellationToken);
        foreach (var (key, delta) in decisions.Where(d => d.Value != 0))
        {
            Merge(db, decisionRows.GetValueOrDefault(key), delta, () => new DecisionDayCount { Day = key.Item1, PreviousDay = key.Item2, Verdict = key.Item3 }, r => r.Count += delta);
        }

        var latencyRows = await db.Set<LatencyDayCount>().Where(c => c.Day >= min && c.Day <= max).ToDictionaryAsync(c => (c.Day, c.PreviousDay, c.Bucket), cancellationToken);
        foreach (var (key, delta) in latencies.Where(d => d.Value != 0))
        {
            Merge(db, latencyRows.GetValueOrDefault(key), delta, () => new LatencyDayCount { Day = key.Item1, PreviousDay = key.Item2, Bucket = key.Item3 }, r => r.Count += delta);
        }
    }

    private static void Merge<T>(AppDbContext db, T? row, int delta, Func<T> create, Action<T> add)
        where T : class
    {
        if (row is null)
        {
            if (delta < 0)
            {
                throw new InvalidOperationException("The statistics rollup would go below zero; it no longer matches its facts.");
            }

            row = create();
            db.Add(row);
        }

        add(row);
        if (db.Entry(row).Property<int>("Count").CurrentValue == 0)
        {
            db.Remove(row);
        }
    }
}
