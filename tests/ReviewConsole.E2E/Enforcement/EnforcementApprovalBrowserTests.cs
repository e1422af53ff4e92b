using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Identity;
using static Microsoft.Playwright.Assertions;

namespace ReviewConsole.E2E.Enforcement;

public sealed class EnforcementApprovalBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private static readonly DemoUser Lead = DemoUsers.All.Single(u => u.Role == Roles.Lead);

    [Fact]
    public async Task Approve_SuspensionAsSecondLead_PreviewsThenCarriesItOut()
    {
        var services = Fixture.App.Services;
        long orgId;
        long actionId = 0;
        await using (var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var ids = await services.GetRequiredService<ActorRegistry>().EnsureAsync(db, new ActorRef("org_e2e_suspend", "app_e2e_suspend", "key_e2e_suspend"), default);
            orgId = ids.OrganizationId;
            await db.InTransactionAsync(
                async ct =>
                {
                    actionId = (await services.GetRequiredService<EnforcementService>().RequestAsync(db, new EnforcementRequest(
                        EnforcementKind.SuspendOrganization, EnforcementTargetType.Organization, [orgId], EnforcementReason.Manual, null, "MU-9", "Coordinated campaign"),
                        new StaffUser("another-lead", "another.lead@demo.local"), default))[0].Id;
                },
                CancellationToken.None);
        }

        await SignInAsync(Lead.Email, DemoUsers.Password);
        await ExpectPathAsync("dashboard");
        await Page.GotoAsync($"enforcement?action={actionId}");
        await WaitForInteractiveAsync();

        await Expect(Page.GetByTestId("preview-keys")).ToContainTextAsync("key_e2e_suspend");
        await Page.GetByTestId("approve").ClickAsync();

        await Expect(Page.Locator(".mud-snackbar")).ToContainTextAsync("Approved");
        await using var read = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await read.Set<Organization>().AsNoTracking().Where(o => o.Id == orgId).Select(o => o.Status).SingleAsync() != ActorStatus.Suspended && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        var action = await read.Set<EnforcementAction>().AsNoTracking().SingleAsync(a => a.Id == actionId);
        Assert.Equal(EnforcementState.Succeeded, action.State);
        Assert.Equal(Lead.Email, action.ApprovedBy);
    }
}
