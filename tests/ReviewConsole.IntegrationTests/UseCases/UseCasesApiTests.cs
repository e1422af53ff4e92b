using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReviewConsole.Data;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Admin;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.UseCases;

public sealed class UseCasesApiTests : IAsyncLifetime, IDisposable
{
    private readonly ConsoleAppFactory factory = new();

    public Task InitializeAsync()
    {
        factory.Settings["Demo:Enabled"] = "false";
        factory.Settings["Seed:AdminPassword"] = "Admin-Password-2026!";
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task Post_ValidSubmission_Returns201AndTheStatus()
    {
        using var client = await ClientAsync("org_api_a", ApiScopes.UseCasesWrite);

        var response = await client.PostAsJsonAsync("/api/v1/use-cases", Body("org_api_a"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var status = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Submitted", status.GetProperty("state").GetString());
        Assert.Equal($"/api/v1/use-cases/{status.GetProperty("id").GetInt64()}", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Post_InvalidSubmission_Returns400WithFieldErrorsAndSavesNothing()
    {
        using var client = await ClientAsync("org_api_b", ApiScopes.UseCasesWrite);
        var body = Body("org_api_b");
        body["contact"] = new Dictionary<string, object?> { ["name"] = "Sam", ["email"] = "not-an-email" };
        body["endUsers"] = "everyone";

        var response = await client.PostAsJsonAsync("/api/v1/use-cases", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("contact.email", out _));
        Assert.True(errors.TryGetProperty("endUsers", out _));
        Assert.Equal(0, await CountSubmissionsAsync());
    }

    [Fact]
    public async Task Post_WrongJsonType_NamesTheField()
    {
        using var client = await ClientAsync("org_api_c", ApiScopes.UseCasesWrite);
        using var content = new StringContent("{\"expectedMonthlyTokens\":\"lots\"}", Encoding.UTF8, "application/json");

        var response = await client.PostAsync(new Uri("/api/v1/use-cases", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("expectedMonthlyTokens", out _));
    }

    [Fact]
    public async Task Get_AnotherOrganizationsSubmission_Returns404()
    {
        using var owner = await ClientAsync("org_api_owner", ApiScopes.UseCasesWrite);
        using var other = await ClientAsync("org_api_other", ApiScopes.UseCasesWrite);
        var created = await owner.PostAsJsonAsync("/api/v1/use-cases", Body("org_api_owner"));
        var location = created.Headers.Location!;

        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(location)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(location)).StatusCode);
    }

    [Fact]
    public async Task Post_WithoutTokenOrScope_IsRefused()
    {
        using var anonymous = factory.CreateAnonymous();
        using var wrongScope = await ClientAsync("org_api_d", ApiScopes.FlagsWrite);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/use-cases", Body("org_api_d"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await wrongScope.PostAsJsonAsync("/api/v1/use-cases", Body("org_api_d"))).StatusCode);
    }

    [Fact]
    public async Task Put_WhileAwaitingReview_Returns409()
    {
        using var client = await ClientAsync("org_api_e", ApiScopes.UseCasesWrite);
        var created = await client.PostAsJsonAsync("/api/v1/use-cases", Body("org_api_e"));

        var response = await client.PutAsJsonAsync(created.Headers.Location, Body("org_api_e"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Pages_AuditorReadsQueue_ReviewerWithoutUseCaseRoleIsRefused()
    {
        factory.Settings["Demo:Enabled"] = "true";
        using var auditor = await factory.CreateSignedInAsync(Roles.Auditor);
        using var reviewer = await factory.CreateSignedInAsync(Roles.Reviewer);

        var queue = await auditor.GetAsync(new Uri("/use-cases", UriKind.Relative));
        var refused = await reviewer.GetAsync(new Uri("/use-cases", UriKind.Relative));
        var guidelines = await auditor.GetAsync(new Uri("/admin/guidelines", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, queue.StatusCode);
        Assert.Contains("Use-case review", await queue.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, guidelines.StatusCode);
    }

    private async Task<HttpClient> ClientAsync(string org, string scope)
    {
        var services = factory.Services;
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var orgId = await services.GetRequiredService<ActorRegistry>().EnsureOrganizationAsync(db, org, default);
        var token = await services.GetRequiredService<ApiTokenService>().IssueAsync(new IssueTokenRequest($"{org} token", [scope], null, orgId), StaffUser.System, default);
        var client = factory.CreateAnonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Secret);
        return client;
    }

    private async Task<int> CountSubmissionsAsync()
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Set<UseCaseSubmission>().CountAsync();
    }

    private static Dictionary<string, object?> Body(string org) => new()
    {
        ["organizationId"] = org,
        ["appId"] = "app_" + org,
        ["name"] = "Contract Drafter",
        ["description"] = "Drafts first versions of standard commercial contracts for in-house lawyers to edit.",
        ["category"] = "legal-information",
        ["endUsers"] = "businesses",
        ["minorsPossible"] = false,
        ["expectedMonthlyTokens"] = 4_000_000,
        ["models"] = new[] { "rc-large-2026-05" },
        ["outputsPublishedAutomatically"] = false,
        ["humanReviewsOutputsFirst"] = true,
        ["safeguards"] = new[] { "human_in_the_loop", "output_length_limit", "reporting_channel" },
        ["samples"] = new[] { new { prompt = "Draft an NDA between A and B", output = "MUTUAL NON-DISCLOSURE AGREEMENT ..." } },
        ["contact"] = new Dictionary<string, object?> { ["name"] = "Lee Counsel", ["email"] = "lee@counsel.example" },
    };
}
