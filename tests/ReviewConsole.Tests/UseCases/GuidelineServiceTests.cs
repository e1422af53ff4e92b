using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.UseCases;

namespace ReviewConsole.Tests.UseCases;

public sealed class GuidelineServiceTests : IAsyncLifetime, IDisposable
{
    private readonly UseCaseTestHost host = new();

    public Task InitializeAsync() => host.InitializeAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task Seed_Twice_KeepsOneSetOfDefaults()
    {
        await host.Guidelines.SeedDefaultsAsync(default);

        var all = await host.Guidelines.ListAsync(true, default);

        Assert.Equal(DefaultGuidelines.All.Count, all.Count);
        Assert.Equal(RiskLevel.Disallowed, all.Single(c => c.Key == "political-campaigning").RiskLevel);
        Assert.Equal(RiskLevel.HighRisk, all.Single(c => c.Key == "companionship-roleplay").RiskLevel);
        Assert.True(all.Single(c => c.Key == "medical-information").RequiredSafeguards.HasFlag(Safeguards.HumanInTheLoop));
    }

    [Fact]
    public async Task Save_Edit_KeepsEveryVersionAndAudits()
    {
        var legal = (await host.Guidelines.ListAsync(true, default)).Single(c => c.Key == "legal-information");

        var result = await host.Guidelines.SaveAsync(Edit(legal, RiskLevel.Disallowed), UseCaseTestHost.Lee, default);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(2, result.Version);
        var versions = await host.Guidelines.VersionsAsync(legal.Id, default);
        Assert.Equal([2, 1], versions.Select(v => v.Version));
        Assert.Equal(RiskLevel.Disallowed, versions[0].RiskLevel);
        Assert.Equal(RiskLevel.HighRisk, versions[1].RiskLevel);
        await using var db = host.Database.CreateContext();
        Assert.Equal(1, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "guideline.updated"));
    }

    [Fact]
    public async Task Save_StaleVersion_IsRefusedAndChangesNothing()
    {
        var legal = (await host.Guidelines.ListAsync(true, default)).Single(c => c.Key == "legal-information");
        Assert.True((await host.Guidelines.SaveAsync(Edit(legal, RiskLevel.NeedsReview), UseCaseTestHost.Lee, default)).Succeeded);

        var stale = await host.Guidelines.SaveAsync(Edit(legal, RiskLevel.Allowed), UseCaseTestHost.Uma, default);

        Assert.False(stale.Succeeded);
        Assert.Contains("reload", stale.Message, StringComparison.Ordinal);
        var current = (await host.Guidelines.ListAsync(true, default)).Single(c => c.Key == "legal-information");
        Assert.Equal(RiskLevel.NeedsReview, current.RiskLevel);
        Assert.Equal(2, current.Version);
    }

    [Fact]
    public async Task Save_NewCategory_StartsAtVersionOneAndIsUsableForIntake()
    {
        var result = await host.Guidelines.SaveAsync(new GuidelineEdit { Key = "translation", Name = "Translation", RiskLevel = RiskLevel.Allowed, Clause = "UC-2.6", RequiredSafeguards = Safeguards.ReportingChannel }, UseCaseTestHost.Lee, default);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(1, result.Version);
        var id = await host.SubmitAsync(UseCaseTestHost.ValidRequest("translation"));
        Assert.Equal(result.Id, (await host.SubmissionAsync(id)).CategoryId);
    }

    private static GuidelineEdit Edit(GuidelineSummary c, RiskLevel risk) => new()
    {
        Id = c.Id,
        Name = c.Name,
        RiskLevel = risk,
        RequiredSafeguards = c.RequiredSafeguards,
        Guidance = c.Guidance,
        Clause = c.Clause,
        IsActive = true,
        ExpectedVersion = c.Version,
    };
}
