using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Admin;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Admin;

public sealed class RedactFlagContentJobTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase database = new();
    private readonly FakeTimeProvider clock = new(Now);

    [Fact]
    public async Task Run_OldDecidedFlags_RedactedInBatchesWithOneAuditEventEach()
    {
        var old = Now.AddDays(-100);
        var oldDecided = await SeedAsync(5, old, FlagStatus.Decided);
        var oldOpen = await SeedAsync(1, old, FlagStatus.New);
        var recentDecided = await SeedAsync(1, Now.AddDays(-10), FlagStatus.Decided);
        var job = Job(batchSize: 2);

        var run = await job.RedactAsync(default);

        Assert.Equal(5, run.FlagsRedacted);
        Assert.Equal(3, run.Batches);
        Assert.Equal(0, run.RejectedRecordsRedacted);
        await using var db = database.CreateContext();
        var flags = await db.Set<Flag>().AsNoTracking().ToDictionaryAsync(f => f.Id);
        Assert.All(oldDecided, id =>
        {
            Assert.True(flags[id].Redacted);
            Assert.Equal("", flags[id].Prompt);
            Assert.Equal("", flags[id].Completion);
            Assert.Equal($"hash-{id}", flags[id].ContentHash);
        });
        Assert.False(flags[oldOpen[0]].Redacted);
        Assert.Equal("prompt text", flags[oldOpen[0]].Prompt);
        Assert.False(flags[recentDecided[0]].Redacted);
        var events = await db.Set<AuditEvent>().OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.Equal(AuditKinds.FlagContentRedacted, e.Kind));
        Assert.Equal($"{oldDecided[0]}-{oldDecided[1]}", events[0].TargetId);
        Assert.Contains("\"redacted\":2", events[0].AfterJson, StringComparison.Ordinal);
        Assert.Contains("\"redacted\":1", events[2].AfterJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Twice_SecondRunFindsNothing()
    {
        await SeedAsync(3, Now.AddDays(-100), FlagStatus.Decided);
        var job = Job(batchSize: 10);
        await job.RedactAsync(default);

        var second = await job.RedactAsync(default);

        Assert.Equal(0, second.FlagsRedacted);
        await using var db = database.CreateContext();
        Assert.Equal(1, await db.Set<AuditEvent>().CountAsync());
    }

    [Fact]
    public async Task Run_RetentionZero_KeepsEverything()
    {
        await SeedAsync(2, Now.AddDays(-1000), FlagStatus.Decided);

        var run = Job(batchSize: 10, days: 0);
        var result = await run.RedactAsync(default);

        Assert.Equal(0, result.FlagsRedacted);
        await using var db = database.CreateContext();
        Assert.Equal(0, await db.Set<Flag>().CountAsync(f => f.Redacted));
    }

    [Fact]
    public async Task Run_OldRejectedRecords_PayloadEmptiedReasonKept()
    {
        await using (var db = database.CreateContext())
        {
            db.AddRange(
                new IngestionError { Reason = "missing prompt", ReceivedAt = Now.AddDays(-100), RawPayload = "{\"completion\":\"personal text\"}" },
                new IngestionError { Reason = "bad json", ReceivedAt = Now.AddDays(-1), RawPayload = "{ recent" });
            await db.SaveChangesAsync();
        }

        var run = await Job(batchSize: 10).RedactAsync(default);

        Assert.Equal(1, run.RejectedRecordsRedacted);
        await using var read = database.CreateContext();
        var errors = await read.Set<IngestionError>().OrderBy(e => e.Id).ToListAsync();
        Assert.Equal("", errors[0].RawPayload);
        Assert.Equal("missing prompt", errors[0].Reason);
        Assert.Equal("{ recent", errors[1].RawPayload);
        var redacted = await read.Set<AuditEvent>().SingleAsync();
        Assert.Equal(AuditKinds.RejectedRecordsRedacted, redacted.Kind);
    }

    [Fact]
    public async Task Run_NeverDecidedFlagsPastTheirPeriod_RedactedWithHashesKept()
    {
        var stale = await SeedAsync(2, Now.AddDays(-200), FlagStatus.New);
        var staleEscalated = await SeedAsync(1, Now.AddDays(-200), FlagStatus.Escalated);
        var young = await SeedAsync(1, Now.AddDays(-100), FlagStatus.New);

        var run = await Job(batchSize: 10).RedactAsync(default);

        Assert.Equal(3, run.UndecidedFlagsRedacted);
        await using var db = database.CreateContext();
        var flags = await db.Set<Flag>().AsNoTracking().ToDictionaryAsync(f => f.Id);
        Assert.All(stale.Concat(staleEscalated), id =>
        {
            Assert.True(flags[id].Redacted);
            Assert.Equal(("", ""), (flags[id].Prompt, flags[id].Completion));
            Assert.Equal($"hash-{id}", flags[id].ContentHash);
            Assert.NotEqual(FlagStatus.Decided, flags[id].Status);
        });
        Assert.Equal("prompt text", flags[young[0]].Prompt);
        var audit = await db.Set<AuditEvent>().SingleAsync();
        Assert.Equal(AuditKinds.UndecidedFlagContentRedacted, audit.Kind);
        Assert.Contains("UndecidedFlagContentDays = 180", audit.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UndecidedRetentionZero_KeepsUndecidedContent()
    {
        var stale = await SeedAsync(1, Now.AddDays(-1000), FlagStatus.New);

        var run = await new RedactFlagContentJob(database.Factory, new AuditLog(clock), clock,
            Options.Create(new RetentionOptions { UndecidedFlagContentDays = 0, BatchSize = 10 })).RedactAsync(default);

        Assert.Equal(0, run.UndecidedFlagsRedacted);
        await using var db = database.CreateContext();
        Assert.Equal("prompt text", (await db.Set<Flag>().SingleAsync(f => f.Id == stale[0])).Prompt);
    }

    [Fact]
    public async Task Run_OldClusterExcerpts_Emptied_RecentKept()
    {
        await using (var seed = database.CreateContext())
        {
            seed.AddRange(
                new FlagCluster { SimHash = 1, Size = 3, FirstSeenAt = Now.AddDays(-120), LastSeenAt = Now.AddDays(-1), Excerpt = "buy cheap pills now" },
                new FlagCluster { SimHash = 2, Size = 2, FirstSeenAt = Now.AddDays(-5), LastSeenAt = Now.AddDays(-1), Excerpt = "recent campaign text" });
            await seed.SaveChangesAsync();
        }

        var run = await Job(batchSize: 10).RedactAsync(default);

        Assert.Equal(1, run.ClusterExcerptsRedacted);
        await using var db = database.CreateContext();
        var excerpts = await db.Set<FlagCluster>().OrderBy(c => c.SimHash).Select(c => c.Excerpt).ToListAsync();
        Assert.Equal(["", "recent campaign text"], excerpts);
        Assert.Equal(AuditKinds.ClusterExcerptsRedacted, (await db.Set<AuditEvent>().SingleAsync()).Kind);
    }

    [Fact]
    public async Task Run_OldDropFolderFiles_DeletedAfterTheirHashesAreAudited()
    {
        var root = Directory.CreateTempSubdirectory("rc-drop-").FullName;
        try
        {
            var done = Directory.CreateDirectory(Path.Combine(root, IngestFileDropJob.DoneFolder)).FullName;
            var failed = Directory.CreateDirectory(Path.Combine(root, IngestFileDropJob.FailedFolder)).FullName;
            var oldDone = Path.Combine(done, "batch-1.jsonl");
            var oldRejects = oldDone + IngestFileDropJob.RejectsSuffix;
            var oldFailed = Path.Combine(failed, "broken.jsonl");
            var recent = Path.Combine(done, "batch-2.jsonl");
            await File.WriteAllTextAsync(oldDone, "{\"prompt\":\"a full prompt\"}\n");
            await File.WriteAllTextAsync(oldRejects, "{\"line\":3,\"raw\":\"another prompt\"}\n");
            await File.WriteAllTextAsync(oldFailed, "not json");
            await File.WriteAllTextAsync(recent, "{\"prompt\":\"recent\"}\n");
            foreach (var path in new[] { oldDone, oldRejects, oldFailed })
            {
                File.SetLastWriteTimeUtc(path, Now.AddDays(-40).UtcDateTime);
            }

            File.SetLastWriteTimeUtc(recent, Now.AddDays(-2).UtcDateTime);
            var expectedHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(oldDone)));
            var job = new RedactFlagContentJob(database.Factory, new AuditLog(clock), clock,
                Options.Create(new RetentionOptions { BatchSize = 10 }), Options.Create(new FileDropOptions { Path = root }));

            var run = await job.RedactAsync(default);

            Assert.Equal(3, run.DropFilesDeleted);
            Assert.False(File.Exists(oldDone));
            Assert.False(File.Exists(oldRejects));
            Assert.False(File.Exists(oldFailed));
            Assert.True(File.Exists(recent));
            await using var db = database.CreateContext();
            var audit = await db.Set<AuditEvent>().SingleAsync(e => e.Kind == AuditKinds.DropFilesDeleted);
            Assert.Contains(expectedHash, audit.AfterJson, StringComparison.Ordinal);
            Assert.Contains("batch-1.jsonl.rejects.jsonl", audit.AfterJson, StringComparison.Ordinal);
            Assert.DoesNotContain("a full prompt", audit.AfterJson, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private RedactFlagContentJob Job(int batchSize, int days = 90) =>
        new(database.Factory, new AuditLog(clock), clock, Options.Create(new RetentionOptions { FlagContentDays = days, BatchSize = batchSize }));

    private async Task<List<long>> SeedAsync(int count, DateTimeOffset ingestedAt, FlagStatus status)
    {
        await using var db = database.CreateContext();
        var actor = await new ActorRegistry(clock).EnsureAsync(db, new ActorRef("org-1", "app-1", "key-1"), default);
        var flags = Enumerable.Range(0, count).Select(_ => new Flag
        {
            UpstreamId = Guid.NewGuid().ToString("N"),
            CreatedAt = ingestedAt,
            IngestedAt = ingestedAt,
            SlaDueAt = ingestedAt,
            OrganizationId = actor.OrganizationId,
            ApplicationId = actor.ApplicationId,
            ApiKeyId = actor.ApiKeyId,
            Prompt = "prompt text",
            Completion = "completion text",
            Status = status,
        }).ToList();
        db.AddRange(flags);
        await db.SaveChangesAsync();
        foreach (var flag in flags)
        {
            flag.ContentHash = $"hash-{flag.Id}";
        }

        await db.SaveChangesAsync();
        return flags.Select(f => f.Id).ToList();
    }

    public void Dispose() => database.Dispose();
}
