using System.Collections.Concurrent;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewConsole.Data.Enforcement;
using static Microsoft.Playwright.Assertions;

namespace ReviewConsole.E2E;

/// <summary>
/// Base of browser tests: a fresh context and page per test that records every console error,
/// uncaught page error, failed request and HTTP error response (any asset the page loads: the
/// reconnect modal's collocated script, stylesheets, Blazor's own requests), and fails the test
/// if there was any.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public abstract class BrowserTest(BrowserFixture fixture) : IAsyncLifetime
{
    /// <summary>
    /// Marks the page interactive. MainLayout reads the stored theme through
    /// <c>reviewConsole.getDarkMode</c> in its first interactive OnAfterRender, which runs once the
    /// circuit is up and the client has applied the interactive render, so its event handlers
    /// are attached. Wrapping that function tells the test when clicks will be handled.
    /// </summary>
    private const string InteractiveProbe = """
        (() => {
            let api;
            Object.defineProperty(window, "reviewConsole", {
                configurable: true,
                get: () => api,
                set: value => {
                    const getDarkMode = value.getDarkMode;
                    value.getDarkMode = function () {
                        window.__reviewConsoleInteractive = true;
                        return getDarkMode.apply(this, arguments);
                    };
                    api = value;
                },
            });
        })();
        """;

    private readonly ConcurrentQueue<string> problems = new();

    protected BrowserFixture Fixture { get; } = fixture;

    protected IBrowserContext Context { get; private set; } = default!;

    protected IPage Page { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Context = await Fixture.Browser.NewContextAsync(new()
        {
            BaseURL = Fixture.BaseUrl.ToString(),
            ColorScheme = ColorScheme.Light,
            Locale = "en-US",
        });
        Context.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Enqueue($"console error: {message.Text} ({message.Location})");
            }
        };
        Context.WebError += (_, error) => problems.Enqueue($"uncaught page error: {error.Error}");
        Context.RequestFailed += (_, request) =>
        {
            // ERR_ABORTED is the browser cancelling its own request: a navigation superseded by a
            // newer one (the test's next GotoAsync racing the app's own NavigateTo). It says
            // nothing about the server; refused connections and HTTP errors still count.
            if (request.Failure != "net::ERR_ABORTED")
            {
                problems.Enqueue($"request failed: {request.Method} {request.Url}: {request.Failure}");
            }
        };
        Context.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                problems.Enqueue($"HTTP {response.Status}: {response.Request.Method} {response.Url}");
            }
        };
        await Context.AddInitScriptAsync(InteractiveProbe);
        Page = await Context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        await Context.CloseAsync();
        Assert.True(problems.IsEmpty, "The browser reported problems:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }

    /// <summary>Waits until the MudBlazor shell is rendered and the Blazor circuit handles events.</summary>
    protected async Task WaitForInteractiveAsync()
    {
        await Page.Locator(".mud-layout").WaitForAsync();
        await Page.WaitForFunctionAsync("() => window.Blazor !== undefined && window.__reviewConsoleInteractive === true");
    }

    protected async Task SignInAsync(string email, string password)
    {
        await Page.GotoAsync("Account/Login");
        await Page.GetByLabel("Email").FillAsync(email);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByTestId("sign-in").ClickAsync();
    }

    /// <summary>
    /// Signs in and waits until the browser has left the login page. On a loaded 2-core machine
    /// (three test assemblies in parallel) the password hash and the redirect can take a while,
    /// so it waits longer than an expectation does; if the form is still shown with no error
    /// (the submit was lost while the page was still loading), it submits once more.
    /// </summary>
    protected async Task SignInAndLeaveLoginAsync(string email, string password)
    {
        await SignInAsync(email, password);
        if (await LeftLoginAsync(TimeSpan.FromSeconds(30)))
        {
            return;
        }

        var error = Page.GetByRole(AriaRole.Alert);
        if (await error.CountAsync() > 0)
        {
            Assert.Fail("Sign-in failed: " + await error.First.InnerTextAsync());
        }

        await SignInAsync(email, password);
        Assert.True(await LeftLoginAsync(TimeSpan.FromSeconds(45)), "Sign-in did not leave the login page after two submits.");
    }

    private async Task<bool> LeftLoginAsync(TimeSpan timeout)
    {
        try
        {
            await Page.WaitForURLAsync(
                url => !url.Contains("/Account/Login", StringComparison.Ordinal),
                new() { Timeout = (float)timeout.TotalMilliseconds });
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    protected async Task ExpectPathAsync(string path) =>
        await Expect(Page).ToHaveURLAsync(new Uri(Fixture.BaseUrl, path).ToString());

    /// <summary>
    /// The one enforcement action <paramref name="which"/> selects, read until the app's executor has
    /// carried it out or <paramref name="timeout"/> (20 s) has passed; the caller asserts its state.
    /// </summary>
    protected async Task<EnforcementAction> WaitForActionAsync(Expression<Func<EnforcementAction, bool>> which, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            await using var db = Fixture.App.Database.CreateContext();
            var action = await db.Set<EnforcementAction>().AsNoTracking().SingleAsync(which);
            if (action.State == EnforcementState.Succeeded || DateTime.UtcNow >= deadline)
            {
                return action;
            }

            await Task.Delay(100);
        }
    }
}
