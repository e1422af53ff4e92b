using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Incidents;
using ReviewConsole.Infrastructure.Identity;
using static Microsoft.Playwright.Assertions;

namespace ReviewConsole.E2E.Incidents;

public sealed partial class IncidentLifecycleTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private static readonly DemoUser Lead = DemoUsers.All.Single(u => u.Role == Roles.Lead);

    [Fact]
    public async Task OpenFromFlag_MitigateWithEnforcement_WriteRetrospective_Close()
    {
        var flagId = await InsertFlagAsync();
        var dialogs = 0;
        Page.Dialog += async (_, dialog) =>
        {
            dialogs++;
            await dialog.DismissAsync();
        };
        await SignInAsync(Lead.Email, DemoUsers.Password);
        await ExpectPathAsync("dashboard");

        // Open from the flag: the query string links the flag and brings its actors along.
        await Page.GotoAsync($"incidents/new?flagId={flagId}");
        await WaitForInteractiveAsync();
        await Expect(Page.GetByTestId("prefill-links")).ToContainTextAsync($"Flag #{flagId} (malware, e2e-flag-");
        await Expect(Page.GetByTestId("incident-title")).ToHaveValueAsync("malware misuse by org_e2e_lifecycle");
        await Page.GetByTestId("incident-severity").ClickAsync();
        await Page.Locator(".mud-popover-open .mud-list-item").GetByText("SEV2", new() { Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("severity-definition")).ToContainTextAsync("SEV2 — major");
        await Page.GetByTestId("open-incident").ClickAsync();
        await Expect(Page).ToHaveURLAsync(IncidentUrl());
        var incidentId = long.Parse(IncidentUrl().Match(Page.Url).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        await Expect(Page.GetByTestId("incident-status")).ToContainTextAsync("Detected");
        await Expect(Page.GetByTestId("timeline")).ToContainTextAsync($"Linked flag #{flagId}.");

        await Page.GetByTestId("transition-acknowledged").ClickAsync();
        await Expect(Page.GetByTestId("incident-status")).ToContainTextAsync("Acknowledged");

        // Request enforcement against the flag's key; the app carries it out (the Local gateway)
        // and the incident's mitigation time is when it took effect.
        await Page.Locator(".mud-tab", new() { HasText = "Links & enforcement" }).ClickAsync();
        await Page.GetByTestId("enforcement-option").ClickAsync();
        await Page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Revoke Key" }).ClickAsync();
        await Page.GetByTestId("enforcement-note").FillAsync("Malware generation from this key");
        await Page.GetByTestId("request-enforcement").ClickAsync();
        await Expect(Page.GetByTestId("enforcement")).ToContainTextAsync("RevokeKey on ApiKey");
        var effective = await EnforcementTakenEffectAsync(incidentId);

        await Page.GetByTestId("transition-mitigated").ClickAsync();
        await Expect(Page.GetByTestId("incident-status")).ToContainTextAsync("Mitigated");
        await Expect(Page.GetByTestId("ts-mitigated")).ToHaveTextAsync(IncidentRules.Format(effective));
        await Page.GetByTestId("transition-resolved").ClickAsync();
        await Expect(Page.GetByTestId("incident-status")).ToContainTextAsync("Resolved");

        // A SEV2 does not close without an approved retrospective.
        await Page.GetByTestId("transition-closed").ClickAsync();
        await Expect(Page.Locator(".mud-snackbar", new() { HasText = "closes only after its retrospective is approved" })).ToBeVisibleAsync();

        await Page.Locator(".mud-tab", new() { HasText = "Retrospective" }).ClickAsync();
        await Page.GetByTestId("retro-start").ClickAsync();
        await Expect(Page.GetByTestId("retro-timeline")).ToContainTextAsync("Linked flag");
        await Page.GetByTestId("retro-factors").FillAsync("- **Bulk keys** were not alerted\n- <script>alert('xss')</script> pasted from a log\n- [runbook](javascript:alert(2))");
        await Page.GetByTestId("retro-save").ClickAsync();
        await Expect(Page.GetByTestId("retro-status")).ToHaveTextAsync("Draft");
        await Page.GetByTestId("retro-preview-toggle").ClickAsync();
        var preview = Page.GetByTestId("retro-preview-factors");
        await Expect(preview.Locator("strong")).ToHaveTextAsync("Bulk keys");
        await Expect(preview).ToContainTextAsync("<script>alert('xss')</script> pasted from a log");
        Assert.Equal(0, await preview.Locator("script").CountAsync());
        Assert.Equal(0, await preview.Locator("a[href^='javascript']").CountAsync());
        await Page.GetByTestId("retro-preview-toggle").ClickAsync();
        await Page.GetByTestId("retro-submit").ClickAsync();
        await Expect(Page.GetByTestId("retro-status")).ToHaveTextAsync("InReview");

        // The Lead who wrote it cannot approve it: review is a second Lead's.
        await Page.GetByTestId("retro-approve").ClickAsync();
        await Expect(Page.Locator(".mud-snackbar", new() { HasText = "not one of its authors" })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("retro-status")).ToHaveTextAsync("InReview");

        var reviewer = await SecondLeadAsync();
        await Context.ClearCookiesAsync();
        await SignInAsync(reviewer, SecondLeadPassword);
        await ExpectPathAsync("dashboard");
        await Page.GotoAsync($"incidents/{incidentId}");
        await WaitForInteractiveAsync();
        await Page.Locator(".mud-tab", new() { HasText = "Retrospective" }).ClickAsync();
        await Page.GetByTestId("retro-approve").ClickAsync();
        await Expect(Page.GetByTestId("retro-status")).ToHaveTextAsync("Approved");

        await Page.GetByTestId("transition-closed").ClickAsync();
        await Expect(Page.GetByTestId("incident-status")).ToContainTextAsync("Closed");
        await Expect(Page.GetByTestId("closed-read-only")).ToBeVisibleAsync();
        Assert.Equal(0, dialogs);
    }

    private const string SecondLeadPassword = "Second-Lead-Review-2026!";

    /// <summary>A second Lead (the demo has one), who reviews what the first one wrote.</summary>
    private async Task<string> SecondLeadAsync()
    {
        const string email = "second-lead@e2e.local";
        using var scope = Fixture.App.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ReviewConsole.Data.Identity.AppUser>>();
        if (await users.FindByEmailAsync(email) is null)
        {
            var user = new ReviewConsole.Data.Identity.AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Second Lead" };
            Assert.True((await users.CreateAsync(user, SecondLeadPassword)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.Lead)).Succeeded);
        }

        return email;
    }

    private async Task<long> InsertFlagAsync()
    {
        await using var db = Fixture.App.Database.CreateContext();
        var actor = await new ActorRegistry(TimeProvider.System).EnsureAsync(db, new ActorRef("org_e2e_lifecycle", "app_e2e_lifecycle", "key_e2e_lifecycle"), default);
        var now = DateTimeOffset.UtcNow;
        var flag = new Flag
        {
            UpstreamId = "e2e-flag-" + Guid.NewGuid().ToString("N"),
            CreatedAt = now.AddMinutes(-30),
            IngestedAt = now.AddMinutes(-29),
            OrganizationId = actor.OrganizationId,
            ApplicationId = actor.ApplicationId,
            ApiKeyId = actor.ApiKeyId,
            Model = "gpt-test",
            Prompt = "write a keylogger",
            Completion = "I can't help with that.",
            TopCategory = "malware",
            TopScore = 0.93,
            SlaDueAt = now.AddHours(4),
        };
        db.Add(flag);
        await db.SaveChangesAsync();
        return flag.Id;
    }

    /// <summary>
    /// Waits for the app's executor to carry out the incident's sanction and returns when it took
    /// effect. The test does not write the action itself: that raced the executor, which picks the
    /// action up the moment the request commits.
    /// </summary>
    private async Task<DateTimeOffset> EnforcementTakenEffectAsync(long incidentId)
    {
        var reasonId = incidentId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var action = await WaitForActionAsync(a => a.Reason == EnforcementReason.Incident && a.ReasonId == reasonId && a.Kind != EnforcementKind.SendNotice, TimeSpan.FromSeconds(30));
        Assert.True(action.State == EnforcementState.Succeeded, $"The revocation did not take effect within 30 s; it is {action.State}.");
        Assert.Equal(ReviewConsole.Features.Enforcement.LocalEnforcementGateway.Label, action.PlatformResponse);
        await using var db = Fixture.App.Database.CreateContext();
        var key = await db.Set<ReviewConsole.Data.Actors.ApiKey>().AsNoTracking().SingleAsync(k => k.Id == action.TargetId);
        Assert.Equal(ReviewConsole.Data.Actors.ApiKeyStatus.Revoked, key.Status);
        return action.CompletedAt ?? throw new InvalidOperationException("A succeeded action has no completion time.");
    }

    private Regex IncidentUrl() => new("^" + Regex.Escape(new Uri(Fixture.BaseUrl, "incidents/").ToString()) + @"(\d+)$");
}
