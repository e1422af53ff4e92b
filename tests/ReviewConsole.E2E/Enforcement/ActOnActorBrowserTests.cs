using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReviewConsole.Data;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Features.Actors;
using ReviewConsole.Infrastructure.Identity;
using static Microsoft.Playwright.Assertions;

namespace ReviewConsole.E2E.Enforcement;

public sealed class ActOnActorBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private static readonly DemoUser Reviewer = DemoUsers.All.Single(u => u.Role == Roles.Reviewer);

    [Fact]
    public async Task ActOnActor_ReviewerWarnsAnOrganizationFoundBySearch_TheWarningIsCarriedOut()
    {
        var services = Fixture.App.Services;
        long orgId;
        await using (var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            orgId = (await services.GetRequiredService<ActorRegistry>().EnsureAsync(db, new ActorRef("org_e2e_warn", "app_e2e_warn", "key_e2e_warn"), default)).OrganizationId;
        }

        await SignInAsync(Reviewer.Email, DemoUsers.Password);
        await Page.GotoAsync("actors");
        await WaitForInteractiveAsync();
        await Page.GetByLabel("Search organizations, applications and keys (name, id or key prefix)").FillAsync("org_e2e_warn");
        await Page.GetByTestId("search-results").GetByText("org_e2e_warn").First.ClickAsync();
        await ExpectPathAsync($"actors/org/{orgId}");
        await WaitForInteractiveAsync();

        await Page.GetByTestId("act-toggle").ClickAsync();
        await Expect(Page.GetByTestId("act-preview")).ToContainTextAsync("1 key(s)");
        await Page.GetByLabel("Why (required)").FillAsync("First warning for spam");
        await Page.GetByTestId("act-submit").ClickAsync();

        await Expect(Page.Locator(".mud-snackbar")).ToContainTextAsync("queued");
        var state = (await WaitForActionAsync(a => a.OrganizationId == orgId && a.Kind == EnforcementKind.Warn)).State;

        Assert.Equal(EnforcementState.Succeeded, state);
        await Page.GotoAsync("enforcement");
        await WaitForInteractiveAsync();
        await Page.GetByRole(AriaRole.Tab, new() { Name = "Completed" }).ClickAsync();
        await Expect(Page.GetByTestId("outbox-table")).ToContainTextAsync("Warning");
        await Page.GotoAsync("appeals");
        await WaitForInteractiveAsync();
        await Expect(Page.GetByTestId("appeals-table")).ToBeVisibleAsync();
    }
}
