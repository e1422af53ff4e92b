using System.Net;
using System.Text.Json;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Foundation;

public sealed class HealthEndpointTests : IDisposable
{
    private readonly ConsoleAppFactory factory = new();

    [Fact]
    public async Task Get_Anonymous_ReportsDatabaseMigrationsAndJobs()
    {
        using var client = factory.CreateAnonymous();

        var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.True(root.GetProperty("database").GetProperty("reachable").GetBoolean());
        Assert.True(root.GetProperty("database").GetProperty("migrationsCurrent").GetBoolean());
        Assert.True(root.GetProperty("jobs").GetProperty("serverAlive").GetBoolean());
        Assert.True(root.TryGetProperty("jobs", out var jobs) && jobs.TryGetProperty("heartbeatAgeSeconds", out _));
    }

    [Fact]
    public async Task SignIn_DemoAdmin_ReachesDashboard()
    {
        using var client = await factory.CreateSignedInAsync("Admin");

        var response = await client.GetAsync(new Uri("/dashboard", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Operations dashboard", await response.Content.ReadAsStringAsync());
    }

    public void Dispose() => factory.Dispose();
}
