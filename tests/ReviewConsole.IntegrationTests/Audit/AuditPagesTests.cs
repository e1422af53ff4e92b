using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReviewConsole.Data.Audit;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Audit;

public sealed class AuditPagesTests : IDisposable
{
    private readonly ConsoleAppFactory factory = new();

    [Theory]
    [InlineData(Roles.Auditor, HttpStatusCode.OK)]
    [InlineData(Roles.Admin, HttpStatusCode.OK)]
    [InlineData(Roles.Reviewer, HttpStatusCode.Redirect)]
    [InlineData(Roles.Lead, HttpStatusCode.Redirect)]
    public async Task AuditPage_ByRole_OnlyAuditorsAndAdmins(string role, HttpStatusCode expected)
    {
        using var client = await factory.CreateSignedInAsync(role);

        var response = await client.GetAsync(new Uri("/audit", UriKind.Relative));

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Redirect)
        {
            Assert.Contains("AccessDenied", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/admin/tokens")]
    [InlineData("/admin/integrations")]
    [InlineData("/admin/users")]
    public async Task AdminPages_AdminOnly(string path)
    {
        using var admin = await factory.CreateSignedInAsync(Roles.Admin);
        using var auditor = await factory.CreateSignedInAsync(Roles.Auditor);
        using var anonymous = factory.CreateAnonymous();

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await auditor.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
        var anon = await anonymous.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, anon.StatusCode);
        Assert.Contains("/Account/Login", anon.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_Auditor_DownloadsCsv_AndTheExportIsAudited()
    {
        using var client = await factory.CreateSignedInAsync(Roles.Auditor);

        var response = await client.GetAsync(new Uri("/audit/export?format=csv&kind=user.", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var csv = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("sequence,occurred_at", csv, StringComparison.Ordinal);
        Assert.Contains("user.signed-in", csv, StringComparison.Ordinal);
        await using var db = factory.Database.CreateContext();
        var exported = await db.Set<AuditEvent>().SingleAsync(e => e.Kind == AuditKinds.AuditExported);
        Assert.Equal(DemoUsers.All.Single(u => u.Role == Roles.Auditor).Email, exported.ActorName);
    }

    [Fact]
    public async Task Export_Json_Admin_IsJsonArray()
    {
        using var client = await factory.CreateSignedInAsync(Roles.Admin);

        var response = await client.GetAsync(new Uri("/audit/export?format=json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(json.RootElement.GetArrayLength() >= 1);
    }

    [Fact]
    public async Task Export_Reviewer_Refused()
    {
        using var client = await factory.CreateSignedInAsync(Roles.Reviewer);

        var response = await client.GetAsync(new Uri("/audit/export?format=csv", UriKind.Relative));

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        await using var db = factory.Database.CreateContext();
        Assert.False(await db.Set<AuditEvent>().AnyAsync(e => e.Kind == AuditKinds.AuditExported));
    }

    [Fact]
    public async Task TamperedRow_VerifyJob_AlertNamesTheEventOnAuditPageAndDashboard()
    {
        using var auditor = await factory.CreateSignedInAsync(Roles.Auditor);
        using var admin = await factory.CreateSignedInAsync(Roles.Admin);
        // A clean verification first: the tampering happens after it, as it would in production.
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var clean = await scope.ServiceProvider.GetRequiredService<VerifyAuditChainJob>().VerifyAsync(fromStart: false, default);
            Assert.Null(clean.FirstBrokenSequence);
        }

        // Someone with database access, outside the app and its guard: the database refuses the
        // edit, so the tamperer drops its triggers first.
        const string edit = "UPDATE \"AuditEvent\" SET \"Summary\" = 'nobody signed in' WHERE \"Sequence\" = 1";
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => factory.Database.ExecuteRawAsync(edit));
        await factory.Database.DropAuditTriggersAsync();
        Assert.Equal(1, await factory.Database.ExecuteRawAsync(edit));

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<VerifyAuditChainJob>().RunAsync(default);
        }

        var auditPage = await auditor.GetStringAsync(new Uri("/audit", UriKind.Relative));
        var dashboard = await admin.GetStringAsync(new Uri("/dashboard", UriKind.Relative));
        Assert.Contains("Audit chain broken at event #1", auditPage, StringComparison.Ordinal);
        Assert.Contains("Audit chain broken at event #1", dashboard, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntegrationsPage_NeverShowsSecrets()
    {
        factory.Settings["Platform:SigningSecret"] = "whsec_super_secret_value";
        factory.Settings["Platform:BaseUrl"] = "https://platform.example.test";
        using var client = await factory.CreateSignedInAsync(Roles.Admin);

        var html = await client.GetStringAsync(new Uri("/admin/integrations", UriKind.Relative));

        Assert.Contains("https://platform.example.test", html, StringComparison.Ordinal);
        Assert.Contains("Platform:SigningSecret", html, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_super_secret_value", html, StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Database.Name, html, StringComparison.Ordinal);
    }

    public void Dispose() => factory.Dispose();
}
