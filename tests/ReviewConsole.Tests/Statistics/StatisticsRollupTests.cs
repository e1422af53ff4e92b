using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Statistics;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Statistics;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Statistics;

/// <summary>
/// The rollup's figures against the direct count of the tables, on a random history: flags and
/// decisions on both sides of midnights and period ends, several decisions per flag (escalations,
/// re-decisions days later, decisions inserted after later-dated ones), decisions made "today", before
/// any fold, half folded, fully folded, after new decisions and after a category remap.
/// </summary>
public sealed class StatisticsRollupTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 6, 30, 15, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Today = new(2026, 6, 30, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Categories = ["hate", "spam", "malware", "violence", ""];
    private static readonly Verdict[] Verdicts = [Verdict.Violation, Verdict.NoViolation, Verdict.Escalate, Verdict.Violation];

    private readonly TestDatabase database = new();
    private readonly FakeTimeProvider clock = new(Now);
    private readonly StatisticsRollup rollup;
    private readonly StatisticsService service;
    private ActorIds actor = default!;

    public StatisticsRollupTests()
    {
        var options = Options.Create(new StatisticsOptions { SuppressBelow = 3, RollupBatchSize = 100, RollupSettleSeconds = 0 });
        rollup = new StatisticsRollup(database.Factory, clock, options);
        service = new StatisticsService(database.Factory, options, rollup);
    }

    [Fact]
    public async Task Compute_RandomHistory_RollupEqualsDirectCountBeforeDuringAndAfterFolding()
    {
        var random = new Random(12);
        await SeedAsync(random, flags: 400, days: 60);

        await AssertRollupEqualsDirectAsync(random, "nothing folded (all rows read live)");

        Assert.True(await rollup.FoldAsync(default) > 0);
        await AssertRollupEqualsDirectAsync(random, "one batch folded");

        await rollup.FoldAllAsync(int.MaxValue, default);
        await AssertFoldedAsync();
        await AssertRollupEqualsDirectAsync(random, "all folded");

        // New decisions on folded flags: re-decisions today, and decisions dated before already folded
        // ones (inserted late), which change what the later ones contribute.
        await AddDecisionsAsync(random, 60);
        await AddFlagsAsync(random, 30);
        await AssertRollupEqualsDirectAsync(random, "new rows unfolded");
        await rollup.FoldAllAsync(int.MaxValue, default);
        await AssertFoldedAsync();
        await AssertRollupEqualsDirectAsync(random, "new rows folded");

        // An unknown category mapped to a policy category moves its flags, folded or not.
        await AddFlagsAsync(random, 10, category: "unknown-x");
        await rollup.FoldAsync(default);
        await AddFlagsAsync(random, 5, category: "unknown-x");
        await using (var db = database.CreateContext())
        {
            await db.InTransactionAsync(async ct =>
            {
                await db.Set<Flag>().Where(f => f.TopCategory == "unknown-x").ExecuteUpdateAsync(s => s.SetProperty(f => f.TopCategory, "spam"), ct);
                await StatisticsRollup.RenameCategoryAsync(db, "unknown-x", "spam", ct);
            });
        }

        await AssertRollupEqualsDirectAsync(random, "category remapped");
        await rollup.FoldAllAsync(int.MaxValue, default);
        await AssertRollupEqualsDirectAsync(random, "category remapped, folded");
        await using (var db = database.CreateContext())
        {
            Assert.False(await db.Set<FlagDayCount>().AnyAsync(c => c.TopCategory == "unknown-x"));
        }
    }

    [Fact]
    public async Task Fold_TwoFoldersAtOnce_FoldEveryRowOnce()
    {
        await SeedAsync(new Random(5), flags: 300, days: 20);
        var other = new StatisticsRollup(database.Factory, clock, Options.Create(new StatisticsOptions { RollupBatchSize = 100, RollupSettleSeconds = 0 }));

        await Task.WhenAll(rollup.FoldAllAsync(int.MaxValue, default), other.FoldAllAsync(int.MaxValue, default));
        await rollup.FoldAllAsync(int.MaxValue, default);

        await AssertFoldedAsync();
    }

    [Fact]
    public async Task Fold_RowsYoungerThanSettleTime_WaitButAreCountedLive()
    {
        var settling = new StatisticsRollup(database.Factory, clock, Options.Create(new StatisticsOptions { RollupSettleSeconds = 120 }));
        var live = new StatisticsService(database.Factory, Options.Create(new StatisticsOptions()), settling);
        await SeedAsync(new Random(8), flags: 50, days: 5);
        await settling.FoldAllAsync(int.MaxValue, default);
        Assert.True(await AddDecisionsAsync(new Random(9), 10, at: Now.AddSeconds(-30)) > 0);

        Assert.Equal(0, await settling.FoldAsync(default));
        var stats = await live.ComputeAsync(Today.AddDays(-10), Today.AddDays(1), default);
        var direct = await live.ComputeDirectAsync(Today.AddDays(-10), Today.AddDays(1), default);
        Assert.Equal(Describe(direct), Describe(stats));

        clock.Advance(TimeSpan.FromMinutes(3));
        Assert.True(await settling.FoldAsync(default) > 0);
        await AssertFoldedAsync();
    }

    [Fact]
    public void Bucket_RandomLatencies_IsMonotonicAndAtMostAnEighthOfItsPowerOfTwoWide()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 20_000).Select(_ => random.NextInt64(-TimeSpan.FromDays(400).Ticks, TimeSpan.FromDays(400).Ticks))
            .Concat([0, 1, -1, 7, 8, 9, long.MaxValue]).Order().ToList();
        for (var i = 1; i < values.Count; i++)
        {
            Assert.True(StatisticsRollup.Bucket(values[i - 1]) <= StatisticsRollup.Bucket(values[i]), $"{values[i - 1]} vs {values[i]}");
        }

        foreach (var group in values.Where(v => v > 1000).GroupBy(StatisticsRollup.Bucket))
        {
            Assert.True((double)group.Max() / group.Min() < 1.125, $"bucket {group.Key}: {group.Min()}..{group.Max()}");
        }
    }

    private async Task AssertRollupEqualsDirectAsync(Random random, string when)
    {
        var periods = new List<(DateTimeOffset From, DateTimeOffset To)>
        {
            (Today.AddDays(-30), Today.AddDays(1)),
            (Today, Today.AddDays(1)),
            (Today.AddDays(-70), Today.AddDays(2)),
            (Today.AddDays(-1), Today),
        };
        for (var i = 0; i < 8; i++)
        {
            var start = Today.AddDays(-random.Next(0, 65));
            periods.Add((start, start.AddDays(random.Next(1, 20))));
        }

        foreach (var (from, to) in periods)
        {
            Assert.NotNull(await rollup.ReadAsync(from, to, default));
            var direct = Describe(await service.ComputeDirectAsync(from, to, default));
            var rolled = Describe(await service.ComputeAsync(from, to, default));
            Assert.True(direct == rolled, $"{when}, {from:yyyy-MM-dd}..{to:yyyy-MM-dd}:\ndirect {direct}\nrollup {rolled}");
        }
    }

    /// <summary>Everything up to the watermarks is in the rollup exactly once.</summary>
    private async Task AssertFoldedAsync()
    {
        await using var db = database.CreateContext();
        var state = await db.Set<StatisticsRollupState>().SingleAsync();
        Assert.Equal(await db.Set<Flag>().MaxAsync(f => f.Id), state.FlagWatermark);
        Assert.Equal(await db.Set<FlagDecision>().MaxAsync(d => d.Id), state.DecisionWatermark);
        Assert.Equal(await db.Set<Flag>().CountAsync(), await db.Set<FlagDayCount>().SumAsync(c => c.Count));
        Assert.Equal(await db.Set<FlagDecision>().CountAsync(), await db.Set<DecisionFact>().CountAsync());
        Assert.Equal(await db.Set<FlagDecision>().CountAsync(), await db.Set<DecisionDayCount>().SumAsync(c => c.Count));
        Assert.Equal(await db.Set<FlagDecision>().CountAsync(d => d.Verdict != Verdict.Escalate), await db.Set<LatencyDayCount>().SumAsync(c => c.Count));
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
        Medians = s.Medians.Select(m => new { m.Key, Ticks = m.Median?.Ticks, m.Samples }),
    });

    private async Task SeedAsync(Random random, int flags, int days)
    {
        await using (var db = database.CreateContext())
        {
            var ids = await new ActorRegistry(TimeProvider.System).EnsureAsync(db, new ActorRef("org_r", "app_r", "key_r"), default);
            actor = new ActorIds(ids.OrganizationId, ids.ApplicationId, ids.ApiKeyId);
        }

        await AddFlagsAsync(random, flags, days: days);
        await AddDecisionsAsync(random, flags);
    }

    private async Task AddFlagsAsync(Random random, int count, int days = 3, string? category = null)
    {
        await using var db = database.CreateContext();
        for (var i = 0; i < count; i++)
        {
            // Some flags exactly at a midnight, the rest anywhere in the day.
            var at = Today.AddDays(-random.Next(0, days)) + (random.Next(6) == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(random.Next(0, 86_400)));
            at = at > Now ? Now.AddMinutes(-5) : at;
            db.Add(new Flag
            {
                UpstreamId = Guid.NewGuid().ToString("N"),
                CreatedAt = at,
                IngestedAt = at,
                TopCategory = category ?? Categories[random.Next(Categories.Length)],
                Source = (FlagSource)random.Next(0, 4),
                OrganizationId = actor.Organization,
                ApplicationId = actor.Application,
                ApiKeyId = actor.Key,
                SlaDueAt = at.AddDays(1),
            });
        }

        await db.SaveChangesAsync();
    }

    /// <summary>Decisions on random flags, 0 to 3 at a time, some days after the flag and some
    /// dated before a decision the flag already has.</summary>
    private async Task<int> AddDecisionsAsync(Random random, int count, DateTimeOffset? at = null)
    {
        await using var db = database.CreateContext();
        var flags = await db.Set<Flag>().Select(f => new { f.Id, f.CreatedAt }).ToListAsync();
        for (var i = 0; i < count; i++)
        {
            var flag = flags[random.Next(flags.Count)];
            for (var k = random.Next(0, 4); k > 0; k--)
            {
                var decided = at ?? flag.CreatedAt + TimeSpan.FromMinutes(random.Next(0, 60 * 24 * (random.Next(4) == 0 ? 9 : 2)));
                decided = decided > Now ? Now.AddMinutes(-random.Next(1, 600)) : decided;
                db.Add(new FlagDecision
                {
                    FlagId = flag.Id,
                    OrganizationId = actor.Organization,
                    DecidedAt = decided,
                    Verdict = Verdicts[random.Next(Verdicts.Length)],
                    DecidedBy = "r1",
                });
            }
        }

        return await db.SaveChangesAsync();
    }

    public void Dispose() => database.Dispose();

    private sealed record ActorIds(long Organization, long Application, long Key);
}
