using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReviewConsole.Features.Admin;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Security;

public sealed class RateLimitingTests : IDisposable
{
    private readonly ConsoleAppFactory factory = new();

    public RateLimitingTests()
    {
        factory.Settings["Security:SignInPermitsPerMinute"] = "3";
        factory.Settings["Security:ApiPermitsPerMinute"] = "2";
    }

    [Fact]
    public async Task SignIn_OverTheLimit_429WithClearText()
    {
        using var client = factory.CreateAnonymous();
        for (var i = 0; i < 3; i++)
        {
            var allowed = await client.PostLoginAsync("nobody@example.test", "wrong-password-123");
            Assert.NotEqual(HttpStatusCode.TooManyRequests, allowed.StatusCode);
        }

        var response = await client.PostLoginAsync("nobody@example.test", "wrong-password-123");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("Too many sign-in attempts", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Reading the sign-in page is not limited, only posting it.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/Account/Login", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Api_OverTheLimitPerToken_429Json_OtherTokenUnaffected()
    {
        var tokens = factory.Services.GetRequiredService<ApiTokenService>();
        var admin = new StaffUser("admin-test", "admin@example.test");
        var first = await tokens.IssueAsync(new IssueTokenRequest("first", [ApiScopes.FlagsWrite], DateTimeOffset.UtcNow.AddDays(1)), admin, default);
        var second = await tokens.IssueAsync(new IssueTokenRequest("second", [ApiScopes.FlagsWrite], DateTimeOffset.UtcNow.AddDays(1)), admin, default);
        using var client = factory.CreateAnonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", first.Secret);
        using var other = factory.CreateAnonymous();
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", second.Secret);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/whoami", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/whoami", UriKind.Relative))).StatusCode);
        var limited = await client.GetAsync(new Uri("/api/v1/whoami", UriKind.Relative));

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        using var body = JsonDocument.Parse(await limited.Content.ReadAsStringAsync());
        Assert.Equal("rate_limited", body.RootElement.GetProperty("error").GetString());
        Assert.True(body.RootElement.GetProperty("retryAfterSeconds").GetInt32() > 0);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync(new Uri("/api/v1/whoami", UriKind.Relative))).StatusCode);
    }

    public void Dispose() => factory.Dispose();
}
