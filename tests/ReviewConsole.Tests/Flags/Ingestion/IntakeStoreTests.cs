using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Flags.Ingestion;

/// <summary>The set-based writer on the provider under test (SQLite's positional single-row path,
/// PostgreSQL's multi-row one): what it stores reads back through EF exactly, and a row whose
/// upstream id a concurrent writer stored first is skipped, not stored twice or failed.</summary>
public sealed class IntakeStoreTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly FakeTimeProvider clock = new(FlagJson.Now);

    [Fact]
    public async Task InsertFlags_StoresEveryColumnAsEfReadsIt_AndSkipsAnUpstreamIdStoredMeanwhile()
    {
        // "first" is stored by another writer (the intake service) before this insert runs.
        var service = FlagJson.Service(database, clock);
        await service.IngestAsync(FlagSource.Api, [FlagJson.Raw(FlagJson.Record("first"))], StaffUser.System, "t", default);
        Flag template;
        await using (var read = database.CreateContext())
        {
            template = await read.Set<Flag>().AsNoTracking().Include(f => f.Scores).SingleAsync();
        }

        // Below the millisecond: ticks on SQLite, microseconds (PostgreSQL's precision) on PostgreSQL.
        var due = new DateTimeOffset(2026, 12, 1, 8, 30, 15, 123, TimeSpan.Zero).AddTicks(database.Provider == DatabaseProvider.Postgres ? 4560 : 4567);
        Flag Copy(string upstreamId) => new()
        {
            UpstreamId = upstreamId,
            Source = FlagSource.Feed,
            CreatedAt = template.CreatedAt,
            IngestedAt = clock.GetUtcNow(),
            OrganizationId = template.OrganizationId,
            ApplicationId = template.ApplicationId,
            ApiKeyId = template.ApiKeyId,
            Model = "model-\u00e9\u4e2d",
            Prompt = "<script>alert('x')</script> prompt with 'quotes' and \"doubles\"",
            Completion = new string('z', 5000),
            ClassifierName = "omni",
            ClassifierVersion = "v2",
            TopCategory = "hate",
            TopScore = 0.123456789,
            Status = FlagStatus.New,
            Priority = 77,
            PriorityBreakdownJson = null,
            SlaDueAt = due,
            ClusterId = null,
            SimHash = -1234567890123L,
            ContentHash = "hash-" + upstreamId,
            Scores = [new FlagCategoryScore { Category = "hate", Score = 0.5, Flagged = true }, new FlagCategoryScore { Category = "spam", Score = 0.01, Flagged = false }],
        };

        IReadOnlyDictionary<string, long> ids;
        await using (var db = database.CreateContext())
        {
            ids = await db.InTransactionAsync(ct => IntakeStore.For(db, bulkSql: true).InsertFlagsAsync([Copy("first"), Copy("second"), Copy("third")], ct));
        }

        Assert.Equal(["second", "third"], ids.Keys.Order(StringComparer.Ordinal));
        await using var check = database.CreateContext();
        var stored = await check.Set<Flag>().AsNoTracking().Include(f => f.Scores).OrderBy(f => f.Id).ToListAsync();
        Assert.Equal(["first", "second", "third"], stored.Select(f => f.UpstreamId));
        Assert.Equal(template.ContentHash, stored[0].ContentHash);
        foreach (var flag in stored.Skip(1))
        {
            Assert.Equal(ids[flag.UpstreamId], flag.Id);
            var expected = Copy(flag.UpstreamId);
            Assert.Equal(
                (expected.Source, expected.Model, expected.Prompt, expected.Completion, expected.TopScore, expected.Status, expected.Priority, expected.SlaDueAt, expected.SimHash, expected.ClusterId, expected.PriorityBreakdownJson, expected.Redacted),
                (flag.Source, flag.Model, flag.Prompt, flag.Completion, flag.TopScore, flag.Status, flag.Priority, flag.SlaDueAt, flag.SimHash, flag.ClusterId, flag.PriorityBreakdownJson, flag.Redacted));
            Assert.Equal(
                [("hate", 0.5, true), ("spam", 0.01, false)],
                flag.Scores.OrderBy(s => s.Category, StringComparer.Ordinal).Select(s => (s.Category, s.Score, s.Flagged)));
        }
    }

    public void Dispose() => database.Dispose();
}
