using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;
using ReviewConsole.Testing;

namespace ReviewConsole.E2E.UseCases;

/// <summary>
/// The app on real loopback HTTP and headless Chromium from the system (never a downloaded
/// browser). A minimal fixture for the use-case flow until the shared E2E fixture lands.
/// </summary>
public sealed class UseCaseBrowserFixture : IAsyncLifetime
{
    private IPlaywright? playwright;

    public HostSettingsAppFactory App { get; } = new();

    public Uri BaseAddress { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        BaseAddress = App.StartKestrel();
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright?.Dispose();
        await App.DisposeAsync();
    }

    public async Task<IPage> SignInAsync(string email, string password)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", password);
        await page.ClickAsync("[data-testid=sign-in]");
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.Ordinal));
        return page;
    }
}

/// <summary>Hands the test settings to Program as host settings, so they are seen before Build()
/// (the database connection string is read then).</summary>
public sealed class HostSettingsAppFactory : ConsoleAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        base.ConfigureWebHost(builder);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
