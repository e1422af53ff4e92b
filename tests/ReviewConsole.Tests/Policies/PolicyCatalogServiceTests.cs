using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Policies;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.PolicyCategories;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

// Not "...Policies": that namespace would shadow the Policies class for every test under ReviewConsole.Tests.
namespace ReviewConsole.Tests.PolicyCategories;

public sealed class PolicyCatalogServiceTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly StaffUser admin = new("a-1", "admin@example.test");
    private readonly PolicyCatalogService service;

    public PolicyCatalogServiceTests() => service = new(database.Factory, new AuditLog(TimeProvider.System), TimeProvider.System);

    [Fact]
    public async Task List_FreshDatabase_HasTheSeededTaxonomyWithSlashKeysAndClauses()
    {
        var categories = await service.ListAsync(default);

        string[] required =
        [
            "sexual", "sexual/minors", "hate", "hate/threatening", "harassment", "harassment/threatening", "self-harm", "self-harm/intent",
            "self-harm/instructions", "violence", "violence/graphic", "illicit", "influence-operation", "spam", "deceptive-health", "malware",
        ];
        Assert.Subset(categories.Select(c => c.Key).ToHashSet(), required.ToHashSet());
        Assert.All(categories, c =>
        {
            Assert.Matches(@"^(CP|MU)-\d+\.\d+$", c.PolicyClause);
            Assert.True(c.PolicyText.Length > 60, c.Key);
            Assert.InRange(c.SeverityWeight, 0.1, 1);
            Assert.Equal(1, c.Version);
        });
        Assert.Equal(PolicyCategoryKind.Misuse, categories.Single(c => c.Key == "malware").Kind);
        Assert.True(categories.Single(c => c.Key == "sexual/minors").BlurByDefault);
        Assert.Single(await service.HistoryAsync(categories[0].Id, default));
    }

    [Fact]
    public async Task Update_ValidEdit_BumpsVersionKeepsHistoryAndAudits()
    {
        var hate = (await service.ListAsync(default)).Single(c => c.Key == "hate");
        var edit = EditPolicyCategoryRequest.From(hate);
        edit.SeverityWeight = 0.65;
        edit.ReviewSlaMinutes = 360;
        edit.ChangeReason = "Quarterly policy review";

        var result = await service.UpdateAsync(edit, admin, default);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(2, result.NewVersion);
        var after = (await service.ListAsync(default)).Single(c => c.Key == "hate");
        Assert.Equal((2, 0.65, 360, "admin@example.test"), (after.Version, after.SeverityWeight, after.ReviewSlaMinutes, after.UpdatedBy));
        var history = await service.HistoryAsync(hate.Id, default);
        Assert.Equal([2, 1], history.Select(v => v.Version));
        Assert.Equal(0.6, history[1].SeverityWeight);
        await using var db = database.CreateContext();
        var audit = await db.Set<AuditEvent>().SingleAsync(e => e.Kind == "policy.category.updated");
        Assert.Equal(("hate", "Quarterly policy review"), (audit.TargetId, audit.Reason));
        Assert.Contains("\"SeverityWeight\":0.6", audit.BeforeJson, StringComparison.Ordinal);
        Assert.Contains("\"SeverityWeight\":0.65", audit.AfterJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_StaleVersion_IsRefusedAndChangesNothing()
    {
        var spam = (await service.ListAsync(default)).Single(c => c.Key == "spam");
        var first = EditPolicyCategoryRequest.From(spam);
        first.ChangeReason = "first edit";
        var second = EditPolicyCategoryRequest.From(spam);
        second.SeverityWeight = 0.9;
        second.ChangeReason = "second edit, from an old page";
        await service.UpdateAsync(first, admin, default);

        var result = await service.UpdateAsync(second, admin, default);

        Assert.False(result.Succeeded);
        Assert.Contains("Someone else changed", result.Message, StringComparison.Ordinal);
        Assert.Equal(0.35, (await service.ListAsync(default)).Single(c => c.Key == "spam").SeverityWeight);
    }

    [Theory]
    [InlineData(1.5, 60, "CP-1.1", "reason ok")]
    [InlineData(0.5, 1, "CP-1.1", "reason ok")]
    [InlineData(0.5, 60, "clause 7", "reason ok")]
    [InlineData(0.5, 60, "CP-1.1", "")]
    public async Task Update_InvalidEdit_IsRefused(double weight, int sla, string clause, string reason)
    {
        var category = (await service.ListAsync(default))[0];
        var edit = EditPolicyCategoryRequest.From(category);
        edit.SeverityWeight = weight;
        edit.ReviewSlaMinutes = sla;
        edit.PolicyClause = clause;
        edit.ChangeReason = reason;

        var result = await service.UpdateAsync(edit, admin, default);

        Assert.False(result.Succeeded);
        Assert.Equal(1, (await service.ListAsync(default))[0].Version);
    }

    public void Dispose() => database.Dispose();
}
