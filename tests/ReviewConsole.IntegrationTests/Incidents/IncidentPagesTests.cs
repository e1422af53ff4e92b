using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Features.Incidents;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Incidents;

public sealed class IncidentPagesTests(RoleClients clients) : IClassFixture<RoleClients>
{
    [Fact]
    public async Task DemoSeed_RunTwice_KeepsThreeIncidentsWithAnInProgressRetrospective()
    {
        var seeder = clients.Factory.Services.GetServices<IHostedService>().OfType<IncidentDemoSeeder>().Single();

        await seeder.SeedAsync(default);

        await using var db = clients.Factory.Database.CreateContext();
        Assert.Equal(3, await db.Set<Incident>().CountAsync());
        var influence = await db.Set<Incident>().SingleAsync(i => i.Title == IncidentDemoSeeder.InfluenceOperationTitle);
        Assert.Equal(Severity.Sev2, influence.Severity);
        Assert.Equal(MisuseType.InfluenceOperation, influence.MisuseType);
        Assert.Equal(RetrospectiveStatus.Draft, (await db.Set<Retrospective>().SingleAsync(r => r.IncidentId == influence.Id)).Status);
    }

    [Fact]
    public async Task IncidentPage_AsResponder_ShowsActions_AsAuditor_ReadOnly()
    {
        var id = await InfluenceIdAsync();

        var responderHtml = await clients[Roles.IncidentResponder].GetStringAsync(new Uri($"/incidents/{id}", UriKind.Relative));
        var auditorHtml = await clients[Roles.Auditor].GetStringAsync(new Uri($"/incidents/{id}", UriKind.Relative));

        Assert.Contains(WebUtility.HtmlEncode(IncidentDemoSeeder.InfluenceOperationTitle), responderHtml, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"transition-closed\"", responderHtml, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(IncidentDemoSeeder.InfluenceOperationTitle), auditorHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"transition-", auditorHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"add-note\"", auditorHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewIncidentPage_WithOrgLink_PrefillsTheLinkAndTitle()
    {
        long orgId;
        await using (var db = clients.Factory.Database.CreateContext())
        {
            orgId = await db.Set<Data.Actors.Organization>().Where(o => o.ExternalId == "org_vitaboost").Select(o => o.Id).SingleAsync();
        }

        var html = await clients[Roles.Lead].GetStringAsync(new Uri($"/incidents/new?orgId={orgId}&flagId=999999", UriKind.Relative));

        Assert.Contains("Will be linked: Organization org_vitaboost", html, StringComparison.Ordinal);
        Assert.Contains("Flag #999999 does not exist.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncidentList_AsLead_ListsOpenIncidents()
    {
        var html = await clients[Roles.Lead].GetStringAsync(new Uri("/incidents", UriKind.Relative));

        Assert.Contains("Miracle-cure supplement spam from VitaBoost mailer", html, StringComparison.Ordinal);
        Assert.Contains("SEV3", html, StringComparison.Ordinal);
    }

    private async Task<long> InfluenceIdAsync()
    {
        await using var db = clients.Factory.Database.CreateContext();
        return await db.Set<Incident>().Where(i => i.Title == IncidentDemoSeeder.InfluenceOperationTitle).Select(i => i.Id).SingleAsync();
    }
}
