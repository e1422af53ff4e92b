using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
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

namespace ReviewConsole.IntegrationTests.Appeals;

public sealed class AppealsApiTests : IDisposable
{
    private readonly ConsoleAppFactory factory = new();

    public AppealsApiTests()
    {
        factory.Settings["Demo:Enabled"] = "false";
        factory.Settings["Seed:AdminPassword"] = "Integration-Test-Admin-1!";
    }

    private async Task<HttpClient> ClientAsync(long? organizationId, params string[] scopes)
    {
        var issued = await factory.Services.GetRequiredService<ApiTokenService>().IssueAsync(new IssueTokenRequest("org token", scopes, null, organizationId), StaffUser.System, default);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.Secret);
        return client;
    }

    private async Task<(long SanctionId, long OrganizationId)> SanctionAsync(string suffix)
    {
        var services = factory.Services;
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var ids = await services.GetRequiredService<ActorRegistry>().EnsureAsync(db, new ActorRef("org_" + suffix, "app_" + suffix, "key_" + suffix), default);
        EnforcementAction action = default!;
        await db.InTransactionAsync(
            async ct =>
            {
                action = (await services.GetRequiredService<EnforcementService>().RequestAsync(db, new EnforcementRequest(
                    EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, [ids.ApiKeyId], EnforcementReason.Manual, null, "MU-1", "spam"), new StaffUser("u1", "reviewer"), default))[0];
            },
            CancellationToken.None);
        await services.GetRequiredService<EnforcementExecutor>().RunAsync(action.Id, default);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await db.Set<EnforcementAction>().AsNoTracking().Where(a => a.Id == action.Id).Select(a => a.State).SingleAsync() != EnforcementState.Succeeded && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        return (action.Id, ids.OrganizationId);
    }

    [Fact]
    public async Task Post_OwnSanction_CreatesTheAppealOnceThenConflicts()
    {
        var (sanctionId, orgId) = await SanctionAsync("a");
        using var client = await ClientAsync(orgId, ApiScopes.AppealsWrite);

        var created = await client.PostAsJsonAsync(new Uri("/api/v1/appeals", UriKind.Relative), new { sanction_id = sanctionId, text = "We removed the abusive integration.", contact = "ops@contoso.example" });
        var duplicate = await client.PostAsJsonAsync(new Uri("/api/v1/appeals", UriKind.Relative), new { sanction_id = sanctionId, text = "Again." });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        Assert.Equal("Open", json.RootElement.GetProperty("state").GetString());
        Assert.Equal(sanctionId, json.RootElement.GetProperty("sanction_id").GetInt64());
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
    }

    [Fact]
    public async Task Post_AnotherOrganizationsSanction_IsNotFound()
    {
        var (sanctionId, _) = await SanctionAsync("b");
        var (_, otherOrg) = await SanctionAsync("c");
        using var client = await ClientAsync(otherOrg, ApiScopes.AppealsWrite);

        var response = await client.PostAsJsonAsync(new Uri("/api/v1/appeals", UriKind.Relative), new { sanction_id = sanctionId, text = "Not ours." });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Post_WithoutScopeOrWithBadBody_IsRefused()
    {
        var (sanctionId, orgId) = await SanctionAsync("d");
        using var wrongScope = await ClientAsync(orgId, ApiScopes.KeysRead);
        using var client = await ClientAsync(orgId, ApiScopes.AppealsWrite);
        using var anonymous = factory.CreateClient();

        var forbidden = await wrongScope.PostAsJsonAsync(new Uri("/api/v1/appeals", UriKind.Relative), new { sanction_id = sanctionId, text = "x" });
        var unauthorized = await anonymous.PostAsJsonAsync(new Uri("/api/v1/appeals", UriKind.Relative), new { sanction_id = sanctionId, text = "x" });
        var noId = await client.PostAsJsonAsync(new Uri("/api/v1/appeals", UriKind.Relative), new { text = "x" });
        var emptyText = await client.PostAsJsonAsync(new Uri("/api/v1/appeals", UriKind.Relative), new { sanction_id = sanctionId, text = "  " });

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noId.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, emptyText.StatusCode);
    }

    [Fact]
    public async Task Post_WithATokenBoundToNoOrganization_IsForbidden()
    {
        var (sanctionId, _) = await SanctionAsync("e");
        using var unbound = await ClientAsync(null, ApiScopes.AppealsWrite);

        var response = await unbound.PostAsJsonAsync(new Uri("/api/v1/appeals", UriKind.Relative), new { sanction_id = sanctionId, text = "Let us appeal anyone's sanction." });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Set<ReviewConsole.Data.Appeals.Appeal>().AnyAsync());
    }

    /// <summary>Usage in, key status and notices out, all over real HTTP.</summary>
    [Fact]
    public async Task UsageAndNotices_OverTheApi_ReachTheKeyStatusAndTheOrganization()
    {
        var (sanctionId, orgId) = await SanctionAsync("n");
        using var feed = await ClientAsync(null, ApiScopes.UsageWrite, ApiScopes.KeysRead);
        using var org = await ClientAsync(orgId, ApiScopes.NoticesRead);
        using var unbound = await ClientAsync(null, ApiScopes.NoticesRead);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var bad = await feed.PostAsJsonAsync(new Uri("/api/v1/usage", UriKind.Relative), new { data = new object[] { new { key_id = "key_n", date = today, tokens = 5, requests = 1 }, new { key_id = "key_n", date = "yesterday", tokens = -1, requests = 1 } } });
        var badBody = await bad.Content.ReadFromJsonAsync<JsonElement>();
        var good = await feed.PostAsJsonAsync(new Uri("/api/v1/usage", UriKind.Relative), new { data = new[] { new { key_id = "key_n", date = today, tokens = 4200, requests = 7 } } });
        var again = await feed.PostAsJsonAsync(new Uri("/api/v1/usage", UriKind.Relative), new { data = new[] { new { key_id = "key_n", date = today, tokens = 4200, requests = 7 } } });
        var status = await feed.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/keys/key_n", UriKind.Relative));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var row = Assert.Single(badBody.GetProperty("rows").EnumerateArray());
        Assert.Equal(1, row.GetProperty("index").GetInt32());
        Assert.Equal(2, row.GetProperty("errors").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(1, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unchanged").GetInt32());
        Assert.Equal(4200, status.GetProperty("tokens_used_this_month").GetInt64());
        Assert.Equal("revoked", status.GetProperty("status").GetString());

        // The revocation's notice is readable by its organization only.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement notices;
        do
        {
            await factory.Services.GetRequiredService<SweepEnforcementOutboxJob>().ExecuteDueAsync(default);
            notices = await org.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/notices", UriKind.Relative));
        }
        while (notices.GetProperty("data").GetArrayLength() == 0 && DateTime.UtcNow < deadline);

        var notice = Assert.Single(notices.GetProperty("data").EnumerateArray());
        Assert.Equal(sanctionId, notice.GetProperty("sanction_id").GetInt64());
        Assert.Contains("API key revoked", notice.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await unbound.GetAsync(new Uri("/api/v1/notices", UriKind.Relative))).StatusCode);
    }

    public void Dispose() => factory.Dispose();
}
