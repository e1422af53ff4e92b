using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Flags.Ingestion;

public sealed class RunDemoFeedJobTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly FakeTimeProvider clock = new(FlagJson.Now);

    private RunDemoFeedJob Job(bool feedEnabled = true) =>
        new(database.Factory, FlagJson.Service(database, clock), new StaticOptionsMonitor<DemoFeedOptions>(new DemoFeedOptions { Enabled = true, FeedEnabled = feedEnabled, BacklogSize = 300, FlagsPerMinute = 3 }), clock);

    [Fact]
    public async Task Run_FirstTime_SeedsAVariedRealisticBacklogOverTheLastDay()
    {
        var stored = await Job().RunAsync(default);

        Assert.InRange(stored, 300, 306);
        await using var db = database.CreateContext();
        var flags = await db.Set<Flag>().Include(f => f.Scores).ToListAsync();
        Assert.Empty(await db.Set<IngestionError>().ToListAsync());
        Assert.All(flags, f => Assert.Equal(FlagSource.Demo, f.Source));
        Assert.All(flags, f => Assert.InRange(f.CreatedAt, FlagJson.Now.AddHours(-24), FlagJson.Now));
        Assert.True(flags.Select(f => f.OrganizationId).Distinct().Count() >= 6, "organizations");
        Assert.True(flags.Select(f => f.ApiKeyId).Distinct().Count() >= 15, "keys");
        Assert.True(flags.Select(f => f.TopCategory).Distinct().Count() >= 14, "categories: " + string.Join(",", flags.Select(f => f.TopCategory).Distinct()));
        Assert.True(flags.Select(f => f.ClassifierName + f.ClassifierVersion).Distinct().Count() >= 3, "classifier versions");
        Assert.Contains(flags, f => f.TopCategory == "self-harm/intent");
        // Campaigns cluster; benign false positives score low.
        var clusters = await db.Set<FlagCluster>().OrderByDescending(c => c.Size).ToListAsync();
        Assert.True(clusters[0].Size >= 15, $"largest cluster {clusters[0].Size}");
        Assert.True(clusters.Count(c => c.Size >= 5) >= 3, "campaign clusters");
        Assert.Contains(flags, f => f.TopScore < 0.72 && f.Completion.Contains("kill -9", StringComparison.Ordinal));
        Assert.True(flags.Select(f => f.Priority).Distinct().Count() >= 10, "priorities spread");
        // Sanitized: no record carries anything but placeholders where content would be harmful.
        Assert.All(flags.Where(f => f.TopCategory is "sexual/minors" or "self-harm/instructions" or "violence/graphic" && f.TopScore > 0.72), f =>
            Assert.Contains(" removed", f.Prompt + f.Completion, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_AfterSeeding_OnlyTricklesNewFlags()
    {
        await Job().RunAsync(default);
        clock.Advance(TimeSpan.FromMinutes(1));

        var stored = await Job().RunAsync(default);

        Assert.InRange(stored, 0, 6);
        await using var db = database.CreateContext();
        Assert.InRange(await db.Set<Flag>().CountAsync(), 300, 312);
    }

    [Fact]
    public async Task Run_TwoNodesAtFirstStart_SeedOnce()
    {
        await Task.WhenAll(Task.Run(() => Job().RunAsync(default)), Task.Run(() => Job().RunAsync(default)));

        await using var db = database.CreateContext();
        Assert.InRange(await db.Set<Flag>().CountAsync(), 300, 312);
    }

    [Fact]
    public async Task Run_FeedDisabled_DoesNothing()
    {
        Assert.Equal(0, await Job(feedEnabled: false).RunAsync(default));
    }

    public void Dispose() => database.Dispose();
}
