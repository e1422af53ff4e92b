using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ReviewConsole.Infrastructure.Identity;
using static Microsoft.Playwright.Assertions;

namespace ReviewConsole.E2E.Foundation;

public sealed partial class SignInTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private static readonly DemoUser Admin = DemoUsers.All.Single(u => u.Role == Roles.Admin);

    [Fact]
    public async Task SignIn_DemoAdmin_LandsOnDashboardWithDemoBadgeAndAdminNav()
    {
        await SignInAsync(Admin.Email, DemoUsers.Password);

        await ExpectPathAsync("dashboard");
        await WaitForInteractiveAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Operations dashboard" })).ToBeVisibleAsync();
        await Expect(Page.Locator(".mud-appbar").GetByTestId("demo-badge")).ToHaveTextAsync("DEMO");
        await Expect(Page.Locator(".rc-nav").GetByRole(AriaRole.Link, new() { Name = "Admin" })).ToBeVisibleAsync();
        await Expect(Page.Locator(".rc-nav").GetByRole(AriaRole.Link, new() { Name = "Dashboard" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ToggleDarkMode_SignedIn_SwitchesThemeAndKeepsItAfterReload()
    {
        await SignInAsync(Admin.Email, DemoUsers.Password);
        await ExpectPathAsync("dashboard");
        await WaitForInteractiveAsync();
        var light = await BackgroundAsync();

        await Page.GetByTestId("dark-mode-toggle").ClickAsync();

        var dark = await WaitForBackgroundChangeAsync(light);
        Assert.Equal("true", await Page.EvaluateAsync<string>("() => localStorage.getItem('rc-dark-mode')"));

        await Page.ReloadAsync();
        await WaitForInteractiveAsync();
        await Page.WaitForFunctionAsync("dark => getComputedStyle(document.body).backgroundColor === dark", dark);

        await Page.GetByTestId("dark-mode-toggle").ClickAsync();
        Assert.Equal(light, await WaitForBackgroundChangeAsync(dark));
    }

    [Fact]
    public async Task SignOut_FromUserMenu_ReturnsToLoginPage()
    {
        await SignInAsync(Admin.Email, DemoUsers.Password);
        await ExpectPathAsync("dashboard");
        await WaitForInteractiveAsync();

        // MudMenu wraps the activator button in its own role=button element; click the inner button.
        await Page.GetByTestId("user-menu").Locator("button", new() { HasText = Admin.Email }).ClickAsync();
        var signOut = Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" });
        await Expect(signOut).ToBeVisibleAsync();
        await signOut.ClickAsync();

        await Expect(Page).ToHaveURLAsync(LoginPage());
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();

        // Really signed out: the dashboard sends the browser back to the login page.
        await Page.GotoAsync("dashboard");
        await Expect(Page).ToHaveURLAsync(LoginPage());
    }

    [Fact]
    public async Task SignIn_WrongPassword_ShowsErrorAndStaysOnLogin()
    {
        var reviewer = DemoUsers.All.Single(u => u.Role == Roles.Reviewer);

        await SignInAsync(reviewer.Email, "Not-the-password-1");

        await Expect(Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Invalid email or password" })).ToBeVisibleAsync();
        await ExpectPathAsync("Account/Login");
    }

    private Task<string> BackgroundAsync() =>
        Page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

    private async Task<string> WaitForBackgroundChangeAsync(string from)
    {
        await Page.WaitForFunctionAsync("from => getComputedStyle(document.body).backgroundColor !== from", from);
        return await BackgroundAsync();
    }

    private Regex LoginPage() => new("^" + Regex.Escape(new Uri(Fixture.BaseUrl, "Account/Login").ToString()) + @"(\?.*)?$");
}
