using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReviewConsole.Data;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Admin;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Actors;

/// <summary>The platform's view of the key registry: one key, and the change feed, with ETags.</summary>
public sealed class KeyRegistryApiTests : IDisposable
{
    private readonly ConsoleAppFactory factory = new();

    public KeyRegistryApiTests()
    {
        // No demo data: the demo enrichment would rename and re-limit the actors under test.
        factory.Settings["Demo:Enabled"] = "false";
        factory.Settings["Seed:AdminPassword"] = "Integration-Test-Admin-1!";
        factory.Settings["Enforcement:PollSeconds"] = "0.5";
    }

    private async Task<HttpClient> ClientAsync(params string[] scopes)
    {
        var issued = await factory.Services.GetRequiredService<ApiTokenService>().IssueAsync(new IssueTokenRequest("platform", scopes, null), StaffUser.System, default);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.Secret);
        return client;
    }

    private async Task<ActorIds> ActorAsync(string suffix)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await factory.Services.GetRequiredService<ActorRegistry>().EnsureAsync(db, new ActorRef("org_" + suffix, "app_" + suffix, "key_" + suffix), default);
    }

    /// <summary>Requests a revocation the way other features do: rows only, no dispatch call.</summary>
    private async Task RequestRevocationAsync(long keyId)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await db.InTransactionAsync(
            async ct =>
            {
                await factory.Services.GetRequiredService<EnforcementService>().RequestAsync(db, new EnforcementRequest(
                    EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, [keyId], EnforcementReason.Manual, null, "MU-1", "test"), new StaffUser("u1", "reviewer"), default);
            },
            CancellationToken.None);
    }

    private static async Task<JsonElement> WaitForKeyAsync(HttpClient client, string keyId, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var json = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/v1/keys/{keyId}", UriKind.Relative)));
            if (json.RootElement.GetProperty("status").GetString() == status || DateTime.UtcNow > deadline)
            {
                return json.RootElement.Clone();
            }

            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task GetKey_WithoutTokenOrScope_IsRefused()
    {
        await ActorAsync("auth");
        using var anonymous = factory.CreateClient();
        using var wrongScope = await ClientAsync(ApiScopes.AppealsWrite);

        var none = await anonymous.GetAsync(new Uri("/api/v1/keys/key_auth", UriKind.Relative));
        var forbidden = await wrongScope.GetAsync(new Uri("/api/v1/keys/key_auth", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task GetKey_RevocationRequestedByAnotherFeature_IsExecutedPromptlyAndChangesTheETag()
    {
        var ids = await ActorAsync("k");
        using var client = await ClientAsync(ApiScopes.KeysRead);
        var before = await client.GetAsync(new Uri("/api/v1/keys/key_k", UriKind.Relative));
        var etag = before.Headers.ETag!;
        using var conditional = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/keys/key_k", UriKind.Relative));
        conditional.Headers.IfNoneMatch.Add(etag);
        var notModified = await client.SendAsync(conditional);

        await RequestRevocationAsync(ids.ApiKeyId);
        var revoked = await WaitForKeyAsync(client, "key_k", "revoked");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal("revoked", revoked.GetProperty("status").GetString());
        Assert.True(revoked.GetProperty("version").GetInt64() > 0);
        Assert.Equal("org_k", revoked.GetProperty("organization").GetProperty("id").GetString());
        var after = await client.GetAsync(new Uri("/api/v1/keys/key_k", UriKind.Relative));
        Assert.NotEqual(etag, after.Headers.ETag);
    }

    [Fact]
    public async Task Revocations_Feed_ListsChangesSinceACursorAndAnswersNotModified()
    {
        var first = await ActorAsync("r1");
        var second = await ActorAsync("r2");
        using var client = await ClientAsync(ApiScopes.KeysRead);
        await RequestRevocationAsync(first.ApiKeyId);
        await WaitForKeyAsync(client, "key_r1", "revoked");

        using var page1 = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v1/revocations?since=0", UriKind.Relative)));
        var cursor = page1.RootElement.GetProperty("next_since").GetInt64();
        await RequestRevocationAsync(second.ApiKeyId);
        await WaitForKeyAsync(client, "key_r2", "revoked");
        var page2Response = await client.GetAsync(new Uri($"/api/v1/revocations?since={cursor}", UriKind.Relative));
        using var page2 = JsonDocument.Parse(await page2Response.Content.ReadAsStringAsync());
        var next = page2.RootElement.GetProperty("next_since").GetInt64();
        using var conditional = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/v1/revocations?since={next}", UriKind.Relative));
        var empty = await client.SendAsync(conditional);
        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/v1/revocations?since={next}", UriKind.Relative));
        again.Headers.IfNoneMatch.Add(empty.Headers.ETag!);
        var notModified = await client.SendAsync(again);

        var firstKeys = page1.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("key_id").GetString()).ToList();
        var secondKeys = page2.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("key_id").GetString()).ToList();
        Assert.Equal(["key_r1"], firstKeys);
        Assert.Equal(["key_r2"], secondKeys);
        Assert.Equal("revoked", page2.RootElement.GetProperty("data")[0].GetProperty("status").GetString());
        Assert.False(page2.RootElement.GetProperty("has_more").GetBoolean());
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    public void Dispose() => factory.Dispose();
}
