using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReviewConsole.Features.Admin;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Infrastructure.Web;
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

    [Fact]
    public async Task Api_BogusTokenFlood_429PerAddress_PartitionsBounded()
    {
        factory.Settings["Security:ApiUnauthenticatedPermitsPerMinute"] = "5";
        var partitions = factory.Services.GetRequiredService<RateLimitPartitionCounter>();
        var tokens = factory.Services.GetRequiredService<ApiTokenService>();
        var valid = await tokens.IssueAsync(new IssueTokenRequest("valid", [ApiScopes.FlagsWrite], DateTimeOffset.UtcNow.AddDays(1)), new StaffUser("admin-test", "admin@example.test"), default);
        using var client = factory.CreateAnonymous();
        var before = partitions[RateLimitPartitionKind.ApiAddress] + partitions[RateLimitPartitionKind.ApiToken];
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i < 200; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/whoami", UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"rc_made_up_{i:D4}_{Guid.NewGuid():N}");
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        using var validRequest = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/whoami", UriKind.Relative));
        validRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", valid.Secret);
        using var validResponse = await client.SendAsync(validRequest);

        // Five failed attempts per address per minute, then 429 for every further made-up token.
        Assert.All(statuses.Take(5), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.All(statuses.Skip(5), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        // 200 made-up tokens made one partition (the address), not 200; the valid token has its own
        // bucket and is still served from the flooding address.
        Assert.Equal(2, partitions[RateLimitPartitionKind.ApiAddress] + partitions[RateLimitPartitionKind.ApiToken] - before);
        Assert.Equal(1, partitions[RateLimitPartitionKind.ApiToken]);
        Assert.Equal(HttpStatusCode.OK, validResponse.StatusCode);
    }

    [Fact]
    public async Task Api_RevokedToken_SpendsTheAddressBudgetLikeAMadeUpOne()
    {
        factory.Settings["Security:ApiUnauthenticatedPermitsPerMinute"] = "2";
        using var client = factory.CreateAnonymous();
        var tokens = factory.Services.GetRequiredService<ApiTokenService>();
        var first = await tokens.IssueAsync(new IssueTokenRequest("first", [ApiScopes.FlagsWrite], DateTimeOffset.UtcNow.AddDays(1)), new StaffUser("admin-test", "admin@example.test"), default);
        await tokens.RevokeAsync(first.Id, new StaffUser("admin-test", "admin@example.test"), default);
        var statuses = new List<HttpStatusCode>();

        // A revoked token is a failed attempt like a made-up one: it spends the address's budget.
        for (var i = 0; i < 4; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/whoami", UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", first.Secret);
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Exports_OverTheLimitPerUser_429_OtherUserUnaffected()
    {
        factory.Settings["Security:ExportsPerMinute"] = "2";
        using var lead = await factory.CreateSignedInAsync(Roles.Lead);
        using var auditor = await factory.CreateSignedInAsync(Roles.Auditor);
        var before = factory.Services.GetRequiredService<RateLimitPartitionCounter>()[RateLimitPartitionKind.ExportUser];

        var first = await lead.GetAsync(new Uri("/statistics/export/csv", UriKind.Relative));
        var second = await lead.GetAsync(new Uri("/flags/classifiers/export", UriKind.Relative));
        var third = await lead.GetAsync(new Uri("/statistics/export/json", UriKind.Relative));
        var other = await auditor.GetAsync(new Uri("/audit/export", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter);
        Assert.Contains("Too many exports", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(2, factory.Services.GetRequiredService<RateLimitPartitionCounter>()[RateLimitPartitionKind.ExportUser] - before);
    }

    public void Dispose() => factory.Dispose();
}
