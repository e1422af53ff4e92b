using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReviewConsole.Data;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Identity;
using static Microsoft.Playwright.Assertions;

namespace ReviewConsole.E2E.Enforcement;

/// <summary>The actor pages read their actor once, in the circuit (the prerender shows a progress
/// bar), so what they show is checked here, in a browser: an organization, its application and a
/// revoked key for a Lead, a missing id, and an Auditor's read-only view.</summary>
public sealed class ActorPagesBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private async Task<ActorIds> SeedRevokedKeyAsync(string suffix)
    {
        var services = Fixture.App.Services;
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var ids = await services.GetRequiredService<ActorRegistry>().EnsureAsync(db, new ActorRef($"org_pages_{suffix}", $"app_pages_{suffix}", $"key_pages_{suffix}"), default);
        var actionId = await db.InTransactionAsync(async ct => (await services.GetRequiredService<EnforcementService>().RequestAsync(
            db,
            new EnforcementRequest(EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, [ids.ApiKeyId], EnforcementReason.Manual, null, "MU-7 Spam", "Key used for spam"),
            new StaffUser("someone", "someone@demo.local"),
            ct))[0].Id);
        await WaitForActionAsync(a => a.Id == actionId);

        return ids;
    }

    [Fact]
    public async Task Lead_OrganizationApplicationAndRevokedKeyPages_ShowTheActorAndItsSanction()
    {
        var ids = await SeedRevokedKeyAsync("lead");
        var lead = DemoUsers.All.Single(u => u.Role == Roles.Lead);
        await SignInAsync(lead.Email, DemoUsers.Password);
        await ExpectPathAsync("dashboard");

        await Page.GotoAsync($"actors/org/{ids.OrganizationId}");
        await WaitForInteractiveAsync();
        await Expect(Page.Locator("#page-title")).ToHaveTextAsync("org_pages_lead");
        await Expect(Page.GetByTestId("act-toggle")).ToBeVisibleAsync();
        await Expect(Page.Locator("body")).ToContainTextAsync("key_pages_lead");

        await Page.GotoAsync($"actors/app/{ids.ApplicationId}");
        await WaitForInteractiveAsync();
        await Expect(Page.Locator("body")).ToContainTextAsync("Timeline");

        await Page.GotoAsync($"actors/key/{ids.ApiKeyId}");
        await WaitForInteractiveAsync();
        await Expect(Page.GetByTestId("actor-status")).ToHaveTextAsync("Revoked");
        await Expect(Page.Locator("body")).ToContainTextAsync("API key revoked");

        await Page.GotoAsync("actors/key/999999");
        await WaitForInteractiveAsync();
        await Expect(Page.GetByTestId("actor-missing")).ToContainTextAsync("There is no API key with id 999999");
    }

    [Fact]
    public async Task Auditor_OrganizationPage_ShowsTheActorWithoutActionButtons()
    {
        var ids = await SeedRevokedKeyAsync("auditor");
        var auditor = DemoUsers.All.Single(u => u.Role == Roles.Auditor);
        await SignInAsync(auditor.Email, DemoUsers.Password);
        await ExpectPathAsync("dashboard");

        await Page.GotoAsync($"actors/org/{ids.OrganizationId}");
        await WaitForInteractiveAsync();
        await Expect(Page.Locator("#page-title")).ToHaveTextAsync("org_pages_auditor");
        await Expect(Page.Locator("body")).ToContainTextAsync("key_pages_auditor");
        await Expect(Page.GetByTestId("act-toggle")).ToHaveCountAsync(0);
    }
}
