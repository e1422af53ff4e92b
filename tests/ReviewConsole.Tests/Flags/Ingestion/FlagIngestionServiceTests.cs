using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Flags.Ingestion;

public sealed class FlagIngestionServiceTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly FakeTimeProvider clock = new(FlagJson.Now);

    [Fact]
    public async Task Ingest_ValidRecord_StoresFlagWithActorsScoresClusterAndBreakdown()
    {
        var service = FlagJson.Service(database, clock);

        var result = await service.IngestAsync(FlagSource.Api, [FlagJson.Raw(FlagJson.Record(org: "org_new", app: "app_new", key: "key_new"))], StaffUser.System, "t", default);

        var stored = Assert.Single(result.Records);
        Assert.Equal(IngestOutcome.Stored, stored.Outcome);
        await using var db = database.CreateContext();
        var flag = await db.Set<Flag>().Include(f => f.Scores).SingleAsync();
        Assert.Equal("flg_1", flag.UpstreamId);
        Assert.Equal(FlagSource.Api, flag.Source);
        Assert.Equal("hate", flag.TopCategory);
        Assert.Equal(0.91, flag.TopScore);
        Assert.Equal(["hate", "self-harm/intent"], flag.Scores.OrderBy(s => s.Category).Select(s => s.Category));
        Assert.Equal("org_new", (await db.Set<Organization>().SingleAsync(o => o.Id == flag.OrganizationId)).ExternalId);
        Assert.Equal("key_new", (await db.Set<ApiKey>().SingleAsync(k => k.Id == flag.ApiKeyId)).ExternalId);
        Assert.NotNull(flag.ClusterId);
        Assert.Equal(SimHash.Compute(flag.Completion), flag.SimHash);
        // hate: 480-minute SLA from the upstream creation time.
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero), flag.SlaDueAt);
        var breakdown = PriorityCalculator.FromJson(flag.PriorityBreakdownJson)!;
        Assert.Equal(flag.Priority, breakdown.Score);
        Assert.Equal("hate", breakdown.Category);
        Assert.Equal(4, breakdown.Components.Count);
        Assert.Equal(1, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "flags.ingested"));
    }

    [Fact]
    public async Task Ingest_SameBatchTwice_CountsDuplicatesAndStoresNothingTwice()
    {
        var service = FlagJson.Service(database, clock);
        RawFlagRecord[] batch = [FlagJson.Raw(FlagJson.Record("a")), FlagJson.Raw(FlagJson.Record("b")), FlagJson.Raw(FlagJson.Record("c"))];

        var first = await service.IngestAsync(FlagSource.FileDrop, batch, StaffUser.System, "1", default);
        var second = await service.IngestAsync(FlagSource.FileDrop, batch, StaffUser.System, "2", default);

        Assert.Equal((3, 0), (first.Stored, first.Duplicates));
        Assert.Equal((0, 3), (second.Stored, second.Duplicates));
        Assert.Equal(first.Records.Select(r => r.FlagId), second.Records.Select(r => r.FlagId));
        await using var db = database.CreateContext();
        Assert.Equal(3, await db.Set<Flag>().CountAsync());
        // Identical completions form one cluster, and a duplicate does not grow it.
        Assert.Equal(3, (await db.Set<FlagCluster>().SingleAsync()).Size);
    }

    [Fact]
    public async Task Ingest_RepeatedIdWithinOneBatch_StoresItOnce()
    {
        var service = FlagJson.Service(database, clock);

        var result = await service.IngestAsync(FlagSource.Api, [FlagJson.Raw(FlagJson.Record("x")), FlagJson.Raw(FlagJson.Record("x", completion: "other"))], StaffUser.System, "t", default);

        Assert.Equal([IngestOutcome.Stored, IngestOutcome.Duplicate], result.Records.Select(r => r.Outcome));
    }

    [Fact]
    public async Task Ingest_MixedBatch_StoresGoodRecordsAndKeepsRejectsWithReasons()
    {
        var service = FlagJson.Service(database, clock);
        var bad = FlagJson.Record("bad");
        bad["category_scores"]!["hate"] = 1.7;
        var huge = "{\"id\":\"huge\",\"prompt\":\"" + new string('z', 9000) + "\"";

        var result = await service.IngestAsync(FlagSource.FileDrop, [FlagJson.Raw(FlagJson.Record("good1")), FlagJson.Raw(bad, "file f line 2"), FlagJson.Raw(huge, "file f line 3"), FlagJson.Raw(FlagJson.Record("good2"))], StaffUser.System, "t", default);

        Assert.Equal((2, 0, 2), (result.Stored, result.Duplicates, result.Rejected));
        await using var db = database.CreateContext();
        var errors = await db.Set<IngestionError>().OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(2, errors.Count);
        Assert.StartsWith("score_out_of_range:", errors[0].Reason, StringComparison.Ordinal);
        Assert.Equal("bad", errors[0].UpstreamId);
        Assert.Equal("file f line 2", errors[0].Origin);
        Assert.Contains("\"id\":\"bad\"", errors[0].RawPayload, StringComparison.Ordinal);
        Assert.StartsWith("invalid_json:", errors[1].Reason, StringComparison.Ordinal);
        Assert.Equal(FlagIngestionService.RawPayloadChars, errors[1].RawPayload.Length);
        Assert.All(errors, e => Assert.Equal(FlagSource.FileDrop, e.Source));
    }

    [Fact]
    public async Task Ingest_ConcurrentNodesWithTheSameRecords_StoreEachOnce()
    {
        // Two services (two nodes) on one database ingest the same 40 records at the same time.
        var batch = Enumerable.Range(0, 40).Select(i => FlagJson.Raw(FlagJson.Record($"race-{i}", completion: $"text number {i} about something unique {i * 7919}"))).ToList();
        var nodeA = FlagJson.Service(database, clock);
        var nodeB = FlagJson.Service(database, clock);

        var results = await Task.WhenAll(
            Task.Run(() => nodeA.IngestAsync(FlagSource.Feed, batch, StaffUser.System, "a", default)),
            Task.Run(() => nodeB.IngestAsync(FlagSource.Feed, batch, StaffUser.System, "b", default)));

        Assert.Equal(40, results.Sum(r => r.Stored));
        Assert.Equal(40, results.Sum(r => r.Duplicates));
        await using var db = database.CreateContext();
        Assert.Equal(40, await db.Set<Flag>().CountAsync());
        Assert.Equal(40, await db.Set<Flag>().Select(f => f.UpstreamId).Distinct().CountAsync());
    }

    [Fact]
    public async Task Ingest_FullModerationResponse_StoresSlashCategories()
    {
        var service = FlagJson.Service(database, clock);
        var record = FlagJson.WithModeration(FlagJson.Record("mod"), new JsonObject
        {
            ["id"] = "modr-1",
            ["model"] = "omni-moderation-latest",
            ["results"] = new JsonArray(FlagJson.ModerationResult()),
        });

        var result = await service.IngestAsync(FlagSource.Api, [FlagJson.Raw(record)], StaffUser.System, "t", default);

        Assert.Equal(1, result.Stored);
        await using var db = database.CreateContext();
        var flag = await db.Set<Flag>().Include(f => f.Scores).SingleAsync();
        Assert.Equal("self-harm/intent", flag.TopCategory);
        Assert.True(flag.Scores.Single(s => s.Category == "self-harm/intent").Flagged);
        Assert.Contains(flag.Scores, s => s.Category == "violence/graphic" && !s.Flagged);
        // self-harm/intent has a one-hour SLA.
        Assert.Equal(flag.CreatedAt.AddHours(1), flag.SlaDueAt);
    }

    [Fact]
    public async Task Ingest_NearDuplicatesAndUnrelatedTexts_ClusterCampaignOnly()
    {
        var service = FlagJson.Service(database, clock);
        string[] campaign =
        [
            "As a parent who has lived in Millbrook for 12 years, I'm proud to support Measure 11. Our families deserve safer streets and lower taxes, and this is the common-sense plan our neighbors have been asking for. Please join me and vote yes this November!",
            "As a parent who has lived in Millbrook for 19 years, I'm proud to support Measure 12. Our families deserve safer streets and lower taxes, and this is the common-sense plan our neighbors have been asking for. Please join me and vote yes this November!",
            "As a parent who has lived in Millbrook for 8 years I am proud to support Measure 13! Our families deserve safer streets and lower taxes, and this is the common-sense plan our neighbors have been asking for. Please join me and vote yes this November.",
        ];
        string[] unrelated =
        [
            "Find its id with ps aux, then send SIGTERM with kill; if it ignores that, kill -9 forces it to stop.",
            "The civil rights movement fought segregation through boycotts, marches and court cases.",
        ];
        var records = campaign.Concat(unrelated).Select((text, i) => FlagJson.Raw(FlagJson.Record($"c{i}", completion: text))).ToList();

        await service.IngestAsync(FlagSource.Demo, records, StaffUser.System, "t", default);

        await using var db = database.CreateContext();
        var flags = await db.Set<Flag>().OrderBy(f => f.UpstreamId).ToListAsync();
        var campaignCluster = flags.Where(f => f.UpstreamId is "c0" or "c1" or "c2").Select(f => f.ClusterId).Distinct().Single();
        Assert.Equal(3, (await db.Set<FlagCluster>().SingleAsync(c => c.Id == campaignCluster)).Size);
        Assert.Equal(3, flags.Select(f => f.ClusterId).Distinct().Count());
        Assert.All(await db.Set<FlagCluster>().Where(c => c.Id != campaignCluster).ToListAsync(), c => Assert.Equal(1, c.Size));
    }

    [Fact]
    public async Task Ingest_RepeatedBatches_SameInputGivesSamePriority()
    {
        var service = FlagJson.Service(database, clock);
        await service.IngestAsync(FlagSource.Api, [FlagJson.Raw(FlagJson.Record("p1", completion: "alpha beta gamma delta"))], StaffUser.System, "t", default);
        await service.IngestAsync(FlagSource.Api, [FlagJson.Raw(FlagJson.Record("p2", completion: "zeta eta theta iota kappa"))], StaffUser.System, "t", default);

        await using var db = database.CreateContext();
        var flags = await db.Set<Flag>().OrderBy(f => f.UpstreamId).ToListAsync();
        Assert.Equal(flags[0].Priority, flags[1].Priority);
    }

    [Fact]
    public async Task Ingest_BatchLargerThanAChunk_CommitsInChunksAndKeepsRecordOrder()
    {
        var service = FlagJson.Service(database, clock, new IngestionOptions { TransactionChunkSize = 4 });
        var batch = Enumerable.Range(0, 10).Select(i => FlagJson.Raw(i == 6 ? FlagJson.Record($"k{i}", hate: 2) : FlagJson.Record($"k{i}", completion: $"chunk text {i} {Guid.NewGuid()}"))).ToList();

        var result = await service.IngestAsync(FlagSource.Api, batch, StaffUser.System, "big", default);

        Assert.Equal(Enumerable.Range(0, 10), result.Records.Select(r => r.Index));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"k{i}"), result.Records.Select(r => r.UpstreamId));
        Assert.Equal(IngestOutcome.Rejected, result.Records[6].Outcome);
        Assert.Equal(9, result.Stored);
        await using var db = database.CreateContext();
        Assert.Equal(3, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "flags.ingested"));
    }

    public void Dispose() => database.Dispose();
}
