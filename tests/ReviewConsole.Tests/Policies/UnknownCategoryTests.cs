using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Policies;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Features.PolicyCategories;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;
using ReviewConsole.Tests.Flags.Ingestion;

namespace ReviewConsole.Tests.PolicyCategories;

public sealed class UnknownCategoryTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly FakeTimeProvider clock = new(FlagJson.Now);
    private readonly StaffUser admin = new("a-1", "admin@example.test");

    private static RawFlagRecord WithWeapons(string id)
    {
        var json = FlagJson.Record(id);
        json["category_scores"]!["weapons"] = 0.88;
        json["categories"]!["weapons"] = true;
        return FlagJson.Raw(json);
    }

    [Fact]
    public async Task Ingest_UnknownCategory_StoresTheRecordAndListsTheKeyForAnAdmin()
    {
        var ingestion = FlagJson.Service(database, clock);
        var unknown = new UnknownCategoryService(database.Factory, new AuditLog(clock), clock);

        var result = await ingestion.IngestAsync(FlagSource.Api, [WithWeapons("w1"), WithWeapons("w2")], StaffUser.System, "t", default);

        Assert.Equal(2, result.Stored);
        var listed = Assert.Single(await unknown.ListAsync(default));
        Assert.Equal(("weapons", 2), (listed.Key, listed.FlagCount));
        Assert.Null(listed.ResolvedAt);
        await using var db = database.CreateContext();
        Assert.Equal(2, await db.Set<FlagCategoryScore>().CountAsync(s => s.Category == "weapons" && s.Flagged));
        Assert.Equal(0, await db.Set<IngestionError>().CountAsync());
    }

    [Fact]
    public async Task Map_MovesStoredScoresAndTranslatesLaterRecords()
    {
        var ingestion = FlagJson.Service(database, clock);
        var unknown = new UnknownCategoryService(database.Factory, new AuditLog(clock), clock);
        await ingestion.IngestAsync(FlagSource.Api, [WithWeapons("w1")], StaffUser.System, "t", default);

        var mapped = await unknown.MapAsync("weapons", "illicit/violent", admin, default);
        await ingestion.IngestAsync(FlagSource.Api, [WithWeapons("w2")], StaffUser.System, "t", default);

        Assert.True(mapped.Succeeded, mapped.Message);
        await using var db = database.CreateContext();
        Assert.Equal(0, await db.Set<FlagCategoryScore>().CountAsync(s => s.Category == "weapons"));
        Assert.Equal(2, await db.Set<FlagCategoryScore>().CountAsync(s => s.Category == "illicit/violent" && s.Flagged));
        var row = Assert.Single(await unknown.ListAsync(default));
        Assert.Equal(("illicit/violent", 1), (row.MappedTo, row.FlagCount));
    }

    [Fact]
    public async Task Create_CategoryWithTheUnknownKey_ResolvesItAndStartsAtVersionOne()
    {
        var ingestion = FlagJson.Service(database, clock);
        var audit = new AuditLog(clock);
        var unknown = new UnknownCategoryService(database.Factory, audit, clock);
        var catalog = new PolicyCatalogService(database.Factory, audit, clock);
        await ingestion.IngestAsync(FlagSource.Api, [WithWeapons("w1")], StaffUser.System, "t", default);

        var created = await catalog.CreateAsync(
            new CreatePolicyCategoryRequest
            {
                Key = "weapons",
                Name = "Weapons",
                SeverityWeight = 0.8,
                ReviewSlaMinutes = 240,
                PolicyClause = "CP-7.1",
                PolicyText = "Instructions for building or acquiring weapons are prohibited.",
                ChangeReason = "New classifier category",
            },
            admin,
            default);
        var duplicate = await catalog.CreateAsync(new CreatePolicyCategoryRequest { Key = "hate", Name = "Hate again", PolicyClause = "CP-2.1", PolicyText = "A second hate category is refused.", ChangeReason = "test" }, admin, default);

        Assert.True(created.Succeeded, created.Message);
        Assert.False(duplicate.Succeeded);
        Assert.NotNull(Assert.Single(await unknown.ListAsync(default)).ResolvedAt);
        var history = await catalog.HistoryAsync((await catalog.ListAsync(default)).Single(c => c.Key == "weapons").Id, default);
        Assert.Equal(("CP-7.1", 1), (Assert.Single(history).PolicyClause, history[0].Version));
        await using var db = database.CreateContext();
        Assert.Equal(1, await db.Set<PolicyCategory>().CountAsync(c => c.Key == "weapons"));
    }

    public void Dispose() => database.Dispose();
}
