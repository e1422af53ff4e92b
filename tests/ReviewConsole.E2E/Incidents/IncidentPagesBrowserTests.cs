using Microsoft.Playwright;
using ReviewConsole.Features.Incidents;
using ReviewConsole.Infrastructure.Identity;
using static Microsoft.Playwright.Assertions;

namespace ReviewConsole.E2E.Incidents;

/// <summary>The incident, statistics and dashboard pages render cleanly in a browser (the base
/// class fails on any console error, page error or failed request) for the roles that use them.</summary>
public sealed class IncidentPagesBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task Auditor_OpensDemoIncidentFromList_SeesTimelineAndRetrospectiveWithoutActions()
    {
        var auditor = DemoUsers.All.Single(u => u.Role == Roles.Auditor);
        await SignInAsync(auditor.Email, DemoUsers.Password);
        await ExpectPathAsync("dashboard");

        await Page.GotoAsync("incidents");
        await WaitForInteractiveAsync();
        await Expect(Page.GetByTestId("new-incident")).ToHaveCountAsync(0);
        await Page.GetByRole(AriaRole.Link, new() { Name = IncidentDemoSeeder.InfluenceOperationTitle }).ClickAsync();

        await Expect(Page.GetByTestId("timeline")).ToContainTextAsync("Key revoked and the app suspended");
        await Expect(Page.Locator("[data-testid^='transition-']")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("add-note")).ToHaveCountAsync(0);
        await Page.Locator(".mud-tab", new() { HasText = "Retrospective" }).ClickAsync();
        await Expect(Page.GetByTestId("retro-status")).ToHaveTextAsync("Draft");
        await Expect(Page.GetByTestId("retro-preview-factors").Locator("li")).ToHaveCountAsync(3);
        await Expect(Page.GetByTestId("retro-save")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Lead_StatisticsAndDashboard_ShowChartsIncidentsAndOverdueItems()
    {
        var lead = DemoUsers.All.Single(u => u.Role == Roles.Lead);
        await SignInAsync(lead.Email, DemoUsers.Password);
        await ExpectPathAsync("dashboard");
        await WaitForInteractiveAsync();

        await Expect(Page.GetByTestId("ops-major-incidents")).ToContainTextAsync(IncidentDemoSeeder.InfluenceOperationTitle);
        await Expect(Page.GetByTestId("ops-overdue-actions")).ToContainTextAsync("Alert on organizations creating more than 10 keys a day");
        await Expect(Page.GetByTestId("health-database")).ToBeVisibleAsync();

        await Page.GotoAsync("statistics");
        await WaitForInteractiveAsync();
        await Expect(Page.GetByTestId("incidents-by-severity")).ToContainTextAsync("SEV2");
        await Expect(Page.GetByTestId("export-csv")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex(@"^/statistics/export/csv\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$"));

        var download = await Page.APIRequest.GetAsync((await Page.GetByTestId("export-csv").GetAttributeAsync("href"))!);
        Assert.Equal(200, download.Status);
        Assert.StartsWith("# ReviewConsole safety statistics", await download.TextAsync(), StringComparison.Ordinal);
    }
}
