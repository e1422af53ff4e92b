using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReviewConsole.Data;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Infrastructure.Identity;
using static Microsoft.Playwright.Assertions;

namespace ReviewConsole.E2E.UseCases;

public sealed class GuidelinesPageTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task EditCategory_AsAdmin_SavesANewVersionAndShowsItsHistory()
    {
        await SignInAsync("admin@demo.local", DemoUsers.Password);
        await Page.GotoAsync("admin/guidelines");
        await WaitForInteractiveAsync();
        await Expect(Page.GetByTestId("guidelines-table")).ToContainTextAsync("Political campaigning");

        await Page.GetByTestId("edit-long-form-writing").ClickAsync();
        await Page.GetByTestId("guideline-editor").GetByText("Content filter").ClickAsync();
        await Page.GetByTestId("save-guideline").ClickAsync();

        await Expect(Page.GetByTestId("guideline-editor")).ToHaveCountAsync(0);
        var row = Page.GetByTestId("guidelines-table").Locator("tr", new() { HasText = "Long-form writing" });
        await Expect(row).ToContainTextAsync("v2");
        await Expect(row).ToContainTextAsync("Content filter");
        await row.GetByRole(AriaRole.Button, new() { Name = "History" }).ClickAsync();
        await Expect(Page.GetByTestId("guideline-history")).ToContainTextAsync("v1");
        await Page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "reviewconsole-e2e", "guidelines.png"), FullPage = true });
    }

    [Fact]
    public async Task ApprovedPilot_ShowsConditionsAndDriftSinceApproval()
    {
        await using var db = await Fixture.App.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var id = await db.Set<UseCaseSubmission>().Where(s => s.Name == "PostPilot").Select(s => s.Id).SingleAsync();

        await SignInAsync("lead@demo.local", DemoUsers.Password);
        await Page.GotoAsync($"use-cases/{id}");
        await WaitForInteractiveAsync();

        await Expect(Page.GetByTestId("state")).ToHaveTextAsync("Approved with conditions");
        await Expect(Page.GetByTestId("conditions")).ToContainTextAsync("Pilot: at most 100 end users");
        await Expect(Page.GetByTestId("drift-status")).ToHaveTextAsync("Within approval");
        await Page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "reviewconsole-e2e", "approved-pilot.png"), FullPage = true });
    }
}
