using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReviewConsole.Data;
using ReviewConsole.Data.Appeals;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Appeals;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Enforcement;

/// <summary>The enforcement and appeals pages render real data (prerendered HTML) for staff; the actor
/// pages render theirs in the circuit (see ActorPagesBrowserTests).</summary>
public sealed class EnforcementPagesTests : IDisposable
{
    private readonly ConsoleAppFactory factory = new();

    private async Task<(ActorIds Ids, long SanctionId, long AppealId)> SeedAsync()
    {
        var services = factory.Services;
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var ids = await services.GetRequiredService<ActorRegistry>().EnsureAsync(db, new ActorRef("org_pages", "app_pages", "key_pages_1"), default);
        var sanctionId = await db.InTransactionAsync(async ct =>
        {
            var id = (await services.GetRequiredService<EnforcementService>().RequestAsync(db, new EnforcementRequest(
                EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, [ids.ApiKeyId], EnforcementReason.Manual, null, "MU-7 Spam", "Key used for spam"), new StaffUser("someone", "someone@demo.local"), default))[0].Id;
            await services.GetRequiredService<EnforcementService>().RequestAsync(db, new EnforcementRequest(
                EnforcementKind.SuspendOrganization, EnforcementTargetType.Organization, [ids.OrganizationId], EnforcementReason.Manual, null, "MU-9", "Campaign"), new StaffUser("someone", "someone@demo.local"), default);
            return id;
        });

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await db.Set<EnforcementAction>().AsNoTracking().Where(a => a.Id == sanctionId).Select(a => a.State).SingleAsync() != EnforcementState.Succeeded && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var appeal = await services.GetRequiredService<AppealService>().FileAsync(new FileAppealRequest(sanctionId, "<script>alert('x')</script> We did nothing wrong.", null), AppealSource.Api, StaffUser.ForToken(1, "org"), ids.OrganizationId, default);
        return (ids, sanctionId, appeal.Appeal!.Id);
    }

    [Fact]
    public async Task Get_PagesAsLead_RenderTheActorsOutboxAndAppeals()
    {
        var (ids, sanctionId, appealId) = await SeedAsync();
        using var client = await factory.CreateSignedInAsync(Roles.Lead);

        var actors = await client.GetStringAsync(new Uri("/actors", UriKind.Relative));
        using var org = await client.GetAsync(new Uri($"/actors/org/{ids.OrganizationId}", UriKind.Relative));
        using var missing = await client.GetAsync(new Uri("/actors/key/999999", UriKind.Relative));
        var approvals = await client.GetStringAsync(new Uri("/enforcement", UriKind.Relative));
        var focused = await client.GetStringAsync(new Uri($"/enforcement?action={sanctionId}", UriKind.Relative));
        var appeals = await client.GetStringAsync(new Uri($"/appeals?appeal={appealId}", UriKind.Relative));

        Assert.Contains("org_pages", actors);
        // An actor page is read once, by the circuit (ActorPagesBrowserTests checks what it shows);
        // its prerendered HTML is the page's frame and a progress bar, without the actor's data.
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (org.StatusCode, missing.StatusCode));
        var orgHtml = await org.Content.ReadAsStringAsync();
        Assert.Contains("mud-progress-linear", orgHtml);
        Assert.DoesNotContain("key_pages_1", orgHtml);
        Assert.Contains("Organization suspended", approvals);
        Assert.Contains("MU-7 Spam", focused);
        Assert.Contains("Applied to the local registry", focused);
        Assert.Contains("Overturn", appeals);
        // Appeal texts are written by the sanctioned: they reach the browser only in the interactive,
        // audited view, never in the prerendered HTML.
        Assert.DoesNotContain("We did nothing wrong", appeals);
        Assert.DoesNotContain("<script>alert", appeals);
    }

    public void Dispose() => factory.Dispose();
}
