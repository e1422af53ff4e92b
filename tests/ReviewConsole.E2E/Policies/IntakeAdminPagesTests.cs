using Microsoft.Playwright;
using ReviewConsole.Infrastructure.Identity;
using static Microsoft.Playwright.Assertions;

// Not "...Policies": that namespace would shadow the Policies class for every test under ReviewConsole.E2E.
namespace ReviewConsole.E2E.PolicyCategories;

public sealed class IntakeAdminPagesTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private static readonly DemoUser Admin = DemoUsers.All.Single(u => u.Role == Roles.Admin);

    [Fact]
    public async Task EditPolicyCategory_AsAdmin_SavesANewVersion()
    {
        await SignInAsync(Admin.Email, DemoUsers.Password);
        await ExpectPathAsync("dashboard");
        await Page.GotoAsync("admin/policies");
        await WaitForInteractiveAsync();

        await Page.GetByTestId("edit-harassment").ClickAsync();
        var panel = Page.GetByTestId("edit-panel");
        await Expect(panel).ToBeVisibleAsync();
        await panel.GetByLabel("Reason for the change (audited)").FillAsync("E2E: tighten the harassment SLA");
        await panel.GetByTestId("save").ClickAsync();

        await Expect(Page.Locator(".mud-snackbar").Filter(new() { HasText = "as version 2" })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("policies-table").Locator("tr", new() { HasText = "harassment/threatening" })).ToContainTextAsync("v1");
        await Expect(Page.GetByTestId("policies-table").Locator("tr").Filter(new() { HasText = "Harassment" }).First).ToContainTextAsync("v2");
    }

    [Fact]
    public async Task IngestionErrorsAndClassifierPages_AsAdmin_RenderInteractively()
    {
        await SignInAsync(Admin.Email, DemoUsers.Password);
        await ExpectPathAsync("dashboard");

        await Page.GotoAsync("admin/ingestion-errors");
        await WaitForInteractiveAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Ingestion errors" })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("total")).ToContainTextAsync("error(s)");

        await Page.GotoAsync("flags/classifiers");
        await WaitForInteractiveAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Classifier feedback" })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("export-link")).ToHaveAttributeAsync("href", "/flags/classifiers/export");
    }
}
