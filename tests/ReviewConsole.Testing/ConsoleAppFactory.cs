using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace ReviewConsole.Testing;

/// <summary>
/// The real app on a real database of its own (a SQLite file, or a PostgreSQL/SQL Server database
/// when <see cref="TestDatabase"/> is pointed at a server): demo users seeded, Hangfire on the
/// provider's storage (in-memory on SQLite). Tests adjust
/// configuration through <see cref="Settings"/> before first use, and may swap the clock.
/// </summary>
public class ConsoleAppFactory : WebApplicationFactory<Program>
{
    private readonly TestDatabase database;
    private readonly bool ownsDatabase;
    private bool kestrel;

    public ConsoleAppFactory()
        : this(new TestDatabase(), ownsDatabase: true)
    {
    }

    /// <summary>An app on a database the caller owns and keeps, e.g. to start the app twice on it.</summary>
    public ConsoleAppFactory(TestDatabase database)
        : this(database, ownsDatabase: false)
    {
    }

    private ConsoleAppFactory(TestDatabase database, bool ownsDatabase)
    {
        ArgumentNullException.ThrowIfNull(database);
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        Settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = database.Provider.ToString(),
            ["ConnectionStrings:" + database.Provider] = database.ConnectionString,
            ["Demo:Enabled"] = "true",
            ["Demo:FeedEnabled"] = "false",
            ["Hangfire:ServerEnabled"] = "true",
            ["Hangfire:WorkerCount"] = "2",
            // Every client of a test app signs in from loopback and shares one token per test; the
            // production limits (Security:*PermitsPerMinute) would throttle busy test classes. The
            // limits have their own tests (Security/RateLimitingTests), which set them low.
            ["Security:SignInPermitsPerMinute"] = "10000",
            ["Security:ApiPermitsPerMinute"] = "1000000",
            ["Security:ApiUnauthenticatedPermitsPerMinute"] = "1000000",
            ["Security:ExportsPerMinute"] = "10000",
        };
    }

    public TestDatabase Database => database;

    /// <summary>Configuration overrides; set before the first client or <see cref="StartKestrel"/>.</summary>
    public Dictionary<string, string?> Settings { get; }

    /// <summary>A fake clock for the app, when a test needs to move time.</summary>
    public FakeTimeProvider? Clock { get; set; }

    /// <summary>The host environment; by default Development on Kestrel (browsers) and Testing otherwise.</summary>
    public string? EnvironmentName { get; set; }

    /// <summary>Starts the app on a free loopback port (real HTTP, for browsers) and returns its base address.</summary>
    public Uri StartKestrel()
    {
        kestrel = true;
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        return new Uri(addresses.Addresses.First());
    }

    /// <summary>
    /// Starts the app on Kestrel with the endpoints the app's own configuration gives it (the
    /// <c>urls</c> setting, <c>Kestrel:*</c> keys, certificates), as a deployed app would, and
    /// returns every address it listens on.
    /// </summary>
    public IReadOnlyList<Uri> StartKestrelFromConfiguration()
    {
        kestrel = true;
        UseKestrel();
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        return addresses.Addresses.Select(a => new Uri(a)).ToList();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment(EnvironmentName ?? (kestrel ? "Development" : "Testing"));

        // Host settings, not ConfigureAppConfiguration: Program reads the provider and connection
        // string from builder.Configuration before Build(), and only host settings (handed to Main
        // as arguments) are visible that early. App configuration added here would arrive after
        // Build() and leave the app on appsettings.json's data/reviewconsole.db.
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            if (Clock is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(Clock);
            }
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && ownsDatabase)
        {
            database.Dispose();
        }
    }
}
