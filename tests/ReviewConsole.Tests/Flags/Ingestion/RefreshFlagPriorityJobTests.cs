using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Flags.Ingestion;

public sealed class RefreshFlagPriorityJobTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 23, 10, 5, 0, TimeSpan.Zero));

    [Fact]
    public async Task Run_AsTheSlaApproaches_RaisesOpenFlagsAndLeavesDecidedOnes()
    {
        var ingestion = FlagJson.Service(database, clock);
        var records = Enumerable.Range(0, 7).Select(i => FlagJson.Raw(FlagJson.Record($"r{i}", completion: $"unique text {i} {Guid.NewGuid()}"))).ToList();
        await ingestion.IngestAsync(FlagSource.Api, records, StaffUser.System, "t", default);
        await using (var db = database.CreateContext())
        {
            await db.Set<Flag>().Where(f => f.UpstreamId == "r0").ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, FlagStatus.Decided));
        }

        Dictionary<string, int> before;
        await using (var db = database.CreateContext())
        {
            before = await db.Set<Flag>().ToDictionaryAsync(f => f.UpstreamId, f => f.Priority);
        }

        clock.Advance(TimeSpan.FromHours(7));
        var updated = await new RefreshFlagPriorityJob(database.Factory, new StaticOptionsMonitor<IngestionOptions>(new IngestionOptions { PriorityRefreshBatchSize = 10 }), clock).RunAsync(default);

        Assert.Equal(6, updated);
        await using (var db = database.CreateContext())
        {
            var after = await db.Set<Flag>().ToListAsync();
            Assert.Equal(before["r0"], after.Single(f => f.UpstreamId == "r0").Priority);
            Assert.All(after.Where(f => f.UpstreamId != "r0"), f => Assert.True(f.Priority > before[f.UpstreamId], f.UpstreamId));
            Assert.All(after.Where(f => f.UpstreamId != "r0"), f => Assert.Equal(clock.GetUtcNow(), PriorityCalculator.FromJson(f.PriorityBreakdownJson)!.ComputedAt));
        }
    }

    [Fact]
    public async Task Refresh_SecondRun_ReadsOnlyFlagsWhoseSlaComponentCanStillChange()
    {
        var ingestion = FlagJson.Service(database, clock);
        // Hate: due 18:00 (480-minute SLA from 10:00). Self-harm intent: due 11:00 (60 minutes).
        var hate = Enumerable.Range(0, 4).Select(i => FlagJson.Raw(FlagJson.Record($"h{i}", completion: $"hate text {i} {Guid.NewGuid()}"))).ToList();
        var selfHarm = Enumerable.Range(0, 3).Select(i => FlagJson.Raw(FlagJson.WithModeration(FlagJson.Record($"s{i}", completion: $"self harm text {i} {Guid.NewGuid()}"), FlagJson.ModerationResult()))).ToList();
        await ingestion.IngestAsync(FlagSource.Api, [.. hate, .. selfHarm], StaffUser.System, "t", default);
        var job = Job();

        clock.SetUtcNow(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var first = await job.RefreshAsync(default);
        clock.SetUtcNow(new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.Zero));
        var second = await job.RefreshAsync(default);
        var third = await job.RefreshAsync(default);

        Assert.Equal(new PriorityRefreshResult(true, 7, 7), first);
        // The self-harm flags passed their deadline before the first run: their SLA term is at its
        // maximum and stays there, so the second run does not read them.
        Assert.Equal(new PriorityRefreshResult(true, 4, 4), second);
        // Same time, same inputs: read, but nothing to write.
        Assert.Equal(new PriorityRefreshResult(true, 4, 0), third);
        await using var db = database.CreateContext();
        var flags = await db.Set<Flag>().ToListAsync();
        Assert.All(flags.Where(f => f.UpstreamId.StartsWith('s')), f => Assert.Equal(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero), PriorityCalculator.FromJson(f.PriorityBreakdownJson)!.ComputedAt));
        Assert.All(flags.Where(f => f.UpstreamId.StartsWith('h')), f => Assert.Equal(clock.GetUtcNow(), PriorityCalculator.FromJson(f.PriorityBreakdownJson)!.ComputedAt));
        var lease = await db.Set<FlagJobLease>().SingleAsync();
        Assert.Equal((null, null, clock.GetUtcNow()), (lease.Owner, lease.ExpiresAt, lease.WatermarkAt));
    }

    [Fact]
    public async Task Refresh_WhileAnotherNodeHoldsTheLease_DoesNothingUntilItExpires()
    {
        var ingestion = FlagJson.Service(database, clock);
        await ingestion.IngestAsync(FlagSource.Api, [FlagJson.Raw(FlagJson.Record("a", completion: $"some text {Guid.NewGuid()}"))], StaffUser.System, "t", default);
        await using (var db = database.CreateContext())
        {
            await db.Set<FlagJobLease>().ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, "node-b").SetProperty(l => l.ExpiresAt, clock.GetUtcNow().AddHours(3)));
        }

        clock.Advance(TimeSpan.FromHours(2));
        var blocked = await Job().RefreshAsync(default);

        Assert.Equal(new PriorityRefreshResult(false, 0, 0), blocked);
        await using (var db = database.CreateContext())
        {
            var flag = await db.Set<Flag>().SingleAsync();
            Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 5, 0, TimeSpan.Zero), PriorityCalculator.FromJson(flag.PriorityBreakdownJson)!.ComputedAt);
            Assert.Equal("node-b", (await db.Set<FlagJobLease>().SingleAsync()).Owner);
        }

        // node-b died: its lease runs out and the next run takes over.
        clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(new PriorityRefreshResult(true, 1, 1), await Job().RefreshAsync(default));
    }

    [Fact]
    public async Task Refresh_TwoNodesAtOnce_TheWorkIsDoneOnce()
    {
        var ingestion = FlagJson.Service(database, clock);
        await ingestion.IngestAsync(FlagSource.Api, Enumerable.Range(0, 30).Select(i => FlagJson.Raw(FlagJson.Record($"c{i}", completion: $"concurrent text {i} {Guid.NewGuid()}"))).ToList(), StaffUser.System, "t", default);
        clock.Advance(TimeSpan.FromHours(3));

        var runs = await Task.WhenAll(Task.Run(() => Job().RefreshAsync(default)), Task.Run(() => Job().RefreshAsync(default)));

        // Either the second found the lease held, or it ran after the first and found nothing to change.
        Assert.Equal(30, runs.Sum(r => r.Updated));
        Assert.Single(runs, r => r.Updated > 0);
    }

    private RefreshFlagPriorityJob Job() => new(database.Factory, new StaticOptionsMonitor<IngestionOptions>(new IngestionOptions { PriorityRefreshBatchSize = 10 }), clock);

    public void Dispose() => database.Dispose();
}
