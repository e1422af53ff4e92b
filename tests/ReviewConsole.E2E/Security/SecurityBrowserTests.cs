using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReviewConsole.Features.Admin;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.Identity;
using static Microsoft.Playwright.Assertions;

namespace ReviewConsole.E2E.Security;

/// <summary>
/// The hardening seen from a real browser: the app works under its Content-Security-Policy (the
/// base class fails a test on any console error, which is how Chromium reports CSP violations;
/// the violations are also collected directly here), tokens issued in the Admin page work over
/// HTTP, and a disabled user's open tab is signed out by the circuit's revalidation.
/// </summary>
public sealed class SecurityBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private const string ViolationRecorder = """
        window.__cspViolations = [];
        document.addEventListener("securitypolicyviolation", e => window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));
        """;

    private static readonly DemoUser Admin = DemoUsers.All.Single(u => u.Role == Roles.Admin);
    private static readonly DemoUser Auditor = DemoUsers.All.Single(u => u.Role == Roles.Auditor);

    [Fact]
    public async Task AuditPage_UnderCsp_FiltersAndExpandsWithoutViolations()
    {
        await Context.AddInitScriptAsync(ViolationRecorder);
        await SignInAsync(Auditor.Email, DemoUsers.Password);
        var response = await Page.GotoAsync("audit");
        Assert.Contains("script-src 'self'", await response!.HeaderValueAsync("content-security-policy") ?? "", StringComparison.Ordinal);
        await WaitForInteractiveAsync();

        await Field("filter-kind").FillAsync("user.signed-in");
        await Page.GetByTestId("apply-filter").ClickAsync();
        var rows = Page.GetByTestId("audit-table").Locator("tbody tr");
        await Expect(rows.First).ToContainTextAsync("user.signed-in");
        await rows.First.ClickAsync();
        await Expect(Page.GetByTestId("audit-details")).ToBeVisibleAsync();

        Assert.Empty(await Page.EvaluateAsync<string[]>("() => window.__cspViolations"));
    }

    [Fact]
    public async Task TokensPage_IssueInBrowser_SecretShownOnceAndWorksOverHttp()
    {
        await Context.AddInitScriptAsync(ViolationRecorder);
        await SignInAsync(Admin.Email, DemoUsers.Password);
        await Page.GotoAsync("admin/tokens");
        await WaitForInteractiveAsync();
        var name = "e2e-" + Guid.NewGuid().ToString("N")[..8];

        await Page.GetByTestId("issue-toggle").ClickAsync();
        await Field("token-name").FillAsync(name);
        await Page.Locator(".mud-select").Filter(new() { Has = Page.Locator("[data-testid=token-scopes]") }).First.ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = ApiScopes.KeysRead }).ClickAsync();
        await Page.Keyboard.PressAsync("Escape");
        await Page.GetByTestId("issue-submit").ClickAsync();

        var secret = (await Page.GetByTestId("issued-secret").Locator("code").TextContentAsync())!.Trim();
        Assert.StartsWith("rc_", secret, StringComparison.Ordinal);
        await Expect(Page.GetByTestId("tokens-table")).ToContainTextAsync(name);

        using var http = new HttpClient { BaseAddress = Fixture.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var whoami = await http.GetFromJsonAsync<WhoAmI>("api/v1/whoami");
        Assert.Equal(name, whoami!.Name);
        Assert.Equal([ApiScopes.KeysRead], whoami.Scopes);

        await Page.ReloadAsync();
        await WaitForInteractiveAsync();
        await Expect(Page.GetByTestId("issued-secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await Page.ContentAsync(), StringComparison.Ordinal);
        Assert.Empty(await Page.EvaluateAsync<string[]>("() => window.__cspViolations"));
    }

    [Theory]
    [InlineData("jobs")]
    [InlineData("jobs/recurring")]
    [InlineData("jobs/jobs/succeeded")]
    [InlineData("jobs/servers")]
    public async Task JobsDashboard_UnderTheStrictPolicy_RendersWithoutViolations(string path)
    {
        await Context.AddInitScriptAsync(ViolationRecorder);
        await SignInAsync(Admin.Email, DemoUsers.Password);
        await ExpectPathAsync("dashboard");

        var response = await Page.GotoAsync(path);

        Assert.Equal(200, response!.Status);
        Assert.Contains("script-src 'self';", await response.HeaderValueAsync("content-security-policy") ?? "", StringComparison.Ordinal);
        await Expect(Page.Locator("body")).ToContainTextAsync("ReviewConsole jobs");
        // The overview polls its statistics and draws its chart with script: give it a round.
        await Page.WaitForTimeoutAsync(2500);
        Assert.Empty(await Page.EvaluateAsync<string[]>("() => window.__cspViolations"));
    }

    [Fact]
    public async Task DisabledUser_OpenTab_IsSignedOutWithinAMinute()
    {
        var admin = Fixture.App.Services.GetRequiredService<UserAdminService>();
        var adminUser = new StaffUser("e2e-admin", Admin.Email);
        var email = $"temp-{Guid.NewGuid().ToString("N")[..8]}@example.test";
        var invited = await admin.InviteAsync(new InviteUserRequest { Email = email, DisplayName = "Temporary Reviewer", Roles = [Roles.Reviewer] }, adminUser);
        Assert.True(invited.Succeeded, invited.Message);
        await SignInAsync(email, invited.TemporaryPassword!);
        await WaitForInteractiveAsync();
        Assert.DoesNotContain("Account/Login", Page.Url, StringComparison.Ordinal);

        var id = (await admin.ListAsync(default)).Single(u => u.Email == email).Id;
        var disabled = await admin.SetDisabledAsync(id, true, adminUser);
        Assert.True(disabled.Succeeded, disabled.Message);

        // No reload: the open circuit revalidates every 30 seconds and sends the tab to sign-in.
        await Page.WaitForURLAsync(url => url.Contains("/Account/Login", StringComparison.Ordinal), new() { Timeout = 60_000 });
        var again = await Page.GotoAsync("");
        Assert.Contains("/Account/Login", again!.Url, StringComparison.Ordinal);
    }

    /// <summary>The text input of a MudBlazor field, wherever the component put its data-testid.</summary>
    private ILocator Field(string testId) => Page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;
}
