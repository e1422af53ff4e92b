using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Flags.Ingestion;

public sealed class PullFlagsJobTests : IDisposable
{
    private readonly TestDatabase database = new();

    private static List<JsonArray> Pages(int pages, int perPage) =>
        Enumerable.Range(0, pages)
            .Select(p => new JsonArray(Enumerable.Range(0, perPage).Select(i => (JsonNode)IntakeRecords.Record($"feed-{p}-{i}", $"distinct completion {p * 100 + i} {Guid.NewGuid():N}")).ToArray()))
            .ToList();

    private PullFlagsJob Job(FakePipeline pipeline, IDbContextFactory<AppDbContext>? factory = null, int pageSize = 10)
    {
        factory ??= database.Factory;
        var clock = TimeProvider.System;
        var feedOptions = new StaticOptionsMonitor<FeedOptions>(new FeedOptions { BaseUrl = pipeline.BaseAddress.ToString(), PageSize = pageSize });
        var ingestion = new FlagIngestionService(factory, new ActorRegistry(clock), new AuditLog(clock), clock, new StaticOptionsMonitor<IngestionOptions>(new IngestionOptions()));
        return new PullFlagsJob(factory, new HttpFlagFeedClient(new HttpClient(), feedOptions), ingestion, feedOptions, clock, NullLogger<PullFlagsJob>.Instance);
    }

    private async Task<string?> CursorAsync()
    {
        await using var db = database.CreateContext();
        return await db.Set<FeedCursor>().Where(c => c.Name == PullFlagsJob.CursorName).Select(c => c.Cursor).SingleOrDefaultAsync();
    }

    [Fact]
    public async Task Run_ThreePages_StoresEveryFlagAndAdvancesTheCursor()
    {
        await using var pipeline = await FakePipeline.StartAsync(Pages(3, 5));

        var result = await Job(pipeline).RunAsync(default);

        Assert.Equal((3, 15, 0), (result.Pages, result.Stored, result.Rejected));
        Assert.Equal(["", "p1", "p2"], pipeline.Requests);
        Assert.Equal("p3", await CursorAsync());
        await using var db = database.CreateContext();
        Assert.Equal(15, await db.Set<Flag>().CountAsync(f => f.Source == FlagSource.Feed));
    }

    [Fact]
    public async Task Run_AgainAfterTheEnd_AsksFromTheStoredCursorAndStoresNothingNew()
    {
        await using var pipeline = await FakePipeline.StartAsync(Pages(2, 3));
        await Job(pipeline).RunAsync(default);

        var again = await Job(pipeline).RunAsync(default);

        Assert.Equal(0, again.Stored);
        Assert.Equal("p2", pipeline.Requests.Last());
    }

    [Fact]
    public async Task Run_CrashBetweenFetchAndCommit_NextRunRefetchesThePageAndStoresEachFlagOnce()
    {
        await using var pipeline = await FakePipeline.StartAsync(Pages(2, 4));
        await using (var db = database.CreateContext())
        {
            db.Add(new FeedCursor { Name = PullFlagsJob.CursorName, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var crash = new FailingCommitInterceptor { Remaining = 1 };
        var faulty = new TestDbContextFactory(new DbContextOptionsBuilder<AppDbContext>(database.Options).AddInterceptors(crash).Options);

        await Assert.ThrowsAsync<IOException>(() => Job(pipeline, faulty).RunAsync(default));

        // Nothing of the page survived the crash, and the cursor did not move past it.
        Assert.Null(await CursorAsync());
        await using (var db = database.CreateContext())
        {
            Assert.Equal(0, await db.Set<Flag>().CountAsync());
        }

        var recovered = await Job(pipeline).RunAsync(default);

        Assert.Equal(1, crash.Failed);
        Assert.Equal(["", "", "p1"], pipeline.Requests);
        Assert.Equal(8, recovered.Stored);
        Assert.Equal(0, recovered.Duplicates);
        await using (var db = database.CreateContext())
        {
            Assert.Equal(8, await db.Set<Flag>().CountAsync());
            Assert.Equal(8, await db.Set<Flag>().Select(f => f.UpstreamId).Distinct().CountAsync());
        }
    }

    [Fact]
    public async Task Run_TwoNodesAtOnce_StoreEachFlagOnce()
    {
        // Both nodes are held at the first answer until both have asked, so they really fetch the
        // same pages concurrently.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var asked = 0;
        await using var pipeline = await FakePipeline.StartAsync(Pages(4, 6), async cursor =>
        {
            if (cursor.Length == 0 && Interlocked.Increment(ref asked) == 2)
            {
                gate.TrySetResult();
            }

            await gate.Task.WaitAsync(TimeSpan.FromSeconds(10));
        });

        var results = await Task.WhenAll(Task.Run(() => Job(pipeline).RunAsync(default)), Task.Run(() => Job(pipeline).RunAsync(default)));

        await using var db = database.CreateContext();
        Assert.Equal(24, await db.Set<Flag>().CountAsync());
        Assert.Equal(24, await db.Set<Flag>().Select(f => f.UpstreamId).Distinct().CountAsync());
        Assert.Equal(24, results.Sum(r => r.Stored));
        Assert.True(results.Sum(r => r.PagesLostToOtherNode) >= 1, "the nodes never competed for a page");
        Assert.Equal("p4", await CursorAsync());
    }

    [Fact]
    public async Task Run_PageWithBadRecords_StoresTheRestAndRecordsRejects()
    {
        var page = new JsonArray(IntakeRecords.Record("good-1"), new JsonObject { ["id"] = "bad-1", ["prompt"] = 5 }, IntakeRecords.Record("good-2"));
        await using var pipeline = await FakePipeline.StartAsync([page]);

        var result = await Job(pipeline).RunAsync(default);

        Assert.Equal((2, 1), (result.Stored, result.Rejected));
        await using var db = database.CreateContext();
        var error = await db.Set<IngestionError>().SingleAsync();
        Assert.Equal(FlagSource.Feed, error.Source);
        Assert.Equal("bad-1", error.UpstreamId);
        Assert.StartsWith("missing_field:", error.Reason, StringComparison.Ordinal);
        Assert.Contains("cursor (start)", error.Origin, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PageWithARecordTheDatabaseRefuses_RejectsItStoresTheRestAndMovesOn()
    {
        var pages = Pages(2, 4);
        pages[0][2] = IntakeRecords.Record("poison", "a completion the database will refuse to store today");
        await using (var db = database.CreateContext())
        {
            string[] refusePoison = database.Provider switch
            {
                DatabaseProvider.Sqlite => ["CREATE TRIGGER refuse_poison BEFORE INSERT ON Flag WHEN NEW.UpstreamId = 'poison' BEGIN SELECT RAISE(ABORT, 'poison record refused'); END"],
                DatabaseProvider.Postgres =>
                [
                    "CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.\"UpstreamId\" = 'poison' THEN RAISE EXCEPTION 'poison record refused'; END IF; RETURN NEW; END $$",
                    "CREATE TRIGGER refuse_poison BEFORE INSERT ON \"Flag\" FOR EACH ROW EXECUTE FUNCTION refuse_poison()",
                ],
                _ => ["CREATE TRIGGER refuse_poison ON [Flag] AFTER INSERT AS IF EXISTS (SELECT 1 FROM inserted WHERE [UpstreamId] = N'poison') THROW 50000, N'poison record refused', 1;"],
            };
            foreach (var statement in refusePoison)
            {
                await db.Database.ExecuteSqlRawAsync(statement);
            }
        }

        await using var pipeline = await FakePipeline.StartAsync(pages);

        var result = await Job(pipeline).RunAsync(default);

        Assert.Equal((2, 7, 1), (result.Pages, result.Stored, result.Rejected));
        Assert.Equal("p2", await CursorAsync());
        await using var check = database.CreateContext();
        Assert.Equal(7, await check.Set<Flag>().CountAsync());
        var error = await check.Set<IngestionError>().SingleAsync();
        Assert.Equal(("poison", "feed cursor (start) record 2"), (error.UpstreamId, error.Origin));
        Assert.StartsWith("database_error:", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FeedUnreachable_KeepsTheCursorAndRecordsTheError()
    {
        await using var pipeline = await FakePipeline.StartAsync(Pages(1, 1));
        var address = pipeline.BaseAddress;
        await pipeline.DisposeAsync();
        var clock = TimeProvider.System;
        var options = new StaticOptionsMonitor<FeedOptions>(new FeedOptions { BaseUrl = address.ToString(), RequestTimeout = TimeSpan.FromSeconds(5) });
        var ingestion = new FlagIngestionService(database.Factory, new ActorRegistry(clock), new AuditLog(clock), clock, new StaticOptionsMonitor<IngestionOptions>(new IngestionOptions()));
        var job = new PullFlagsJob(database.Factory, new HttpFlagFeedClient(new HttpClient(), options), ingestion, options, clock, NullLogger<PullFlagsJob>.Instance);

        var result = await job.RunAsync(default);

        Assert.NotNull(result.Error);
        await using var db = database.CreateContext();
        var cursor = await db.Set<FeedCursor>().SingleAsync(c => c.Name == PullFlagsJob.CursorName);
        Assert.Null(cursor.Cursor);
        Assert.Contains("unreachable", cursor.LastError, StringComparison.Ordinal);
    }

    public void Dispose() => database.Dispose();
}
