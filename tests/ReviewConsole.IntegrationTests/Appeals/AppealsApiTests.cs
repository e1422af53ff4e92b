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

    public void Dispose() => factory.Dispose();
}
