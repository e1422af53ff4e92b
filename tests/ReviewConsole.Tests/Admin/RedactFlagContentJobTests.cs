using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Admin;
using ReviewConsole.Features.Audit;
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
