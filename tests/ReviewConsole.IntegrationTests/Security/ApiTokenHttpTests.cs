using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Features.Admin;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Security;

public sealed class ApiTokenHttpTests : IDisposable
{
    private readonly ConsoleAppFactory factory = new() { Clock = new FakeTimeProvider(DateTimeOffset.UtcNow) };
    private readonly StaffUser admin = new("admin-test", "admin@example.test");

    [Fact]
    public async Task WhoAmI_ValidToken_ReturnsNameAndScopes()
    {
        var token = await IssueAsync("pipeline", [ApiScopes.FlagsWrite, ApiScopes.KeysRead], TimeSpan.FromDays(1));
        using var client = Client(token.Secret);

        var response = await client.GetAsync(new Uri("/api/v1/whoami", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<WhoAmI>();
        Assert.Equal("pipeline", body!.Name);
        Assert.Equal(token.Id, body.TokenId);
        Assert.Equal([ApiScopes.FlagsWrite, ApiScopes.KeysRead], body.Scopes);
    }

    [Fact]
    public async Task WhoAmI_AfterExpiry_Unauthorized()
    {
        var token = await IssueAsync("short-lived", [ApiScopes.AppealsWrite], TimeSpan.FromHours(1));
        using var client = Client(token.Secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/whoami", UriKind.Relative))).StatusCode);

        factory.Clock!.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var response = await client.GetAsync(new Uri("/api/v1/whoami", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhoAmI_Revoked_Unauthorized_AndLastUsedRecorded()
    {
        var token = await IssueAsync("to-revoke", [ApiScopes.UseCasesWrite], TimeSpan.FromDays(1));
        using var client = Client(token.Secret);
        await client.GetAsync(new Uri("/api/v1/whoami", UriKind.Relative));
        var tokens = factory.Services.GetRequiredService<ApiTokenService>();

        await tokens.RevokeAsync(token.Id, admin, default);
        var response = await client.GetAsync(new Uri("/api/v1/whoami", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var summary = (await tokens.ListAsync(default)).Single(t => t.Id == token.Id);
        Assert.NotNull(summary.LastUsedAt);
        Assert.NotNull(summary.RevokedAt);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("rc_not-a-real-token")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    public async Task WhoAmI_MissingOrWrongCredentials_Unauthorized(string? authorization)
    {
        using var client = factory.CreateAnonymous();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization.StartsWith("rc_", StringComparison.Ordinal) ? "Bearer " + authorization : authorization);
        }

        var response = await client.GetAsync(new Uri("/api/v1/whoami", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task WhoAmI_SignedInCookieOnly_Unauthorized()
    {
        using var client = await factory.CreateSignedInAsync(Roles.Admin);

        var response = await client.GetAsync(new Uri("/api/v1/whoami", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<IssuedToken> IssueAsync(string name, string[] scopes, TimeSpan lifetime)
    {
        var tokens = factory.Services.GetRequiredService<ApiTokenService>();
        return await tokens.IssueAsync(new IssueTokenRequest(name, scopes, factory.Clock!.GetUtcNow() + lifetime), admin, default);
    }

    private HttpClient Client(string secret)
    {
        var client = factory.CreateAnonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    public void Dispose() => factory.Dispose();
}
