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

    public void Dispose() => database.Dispose();
}
