using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Features.Wellness;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Tests.Flags.Triage;

public sealed class FlagTriagePageTests : IDisposable
{
    private readonly TriageFixture fixture = new();
    private readonly StaffUser alice = new("u-alice", "alice@example.test");

    // One context per test, disposed with await using: MudBlazor registers services that only
    // dispose asynchronously.
    private BunitContext NewContext()
    {
        var context = new BunitContext();
        context.Services.AddMudServices();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddSingleton<TimeProvider>(fixture.Clock);
        context.Services.AddSingleton(Options.Create(new FlagsTriageOptions()));
        context.Services.AddSingleton(fixture.Triage);
        context.Services.AddSingleton(fixture.Claims);
        context.Services.AddSingleton(fixture.Decisions);
        context.Services.AddSingleton(fixture.Wellness);
        context.Services.AddScoped<ReviewSession>();
        context.Services.AddSingleton(new ContentAccessAudit(fixture.Database.Factory, new AuditLog(fixture.Clock)));
        var auth = context.AddAuthorization();
        auth.SetAuthorized(alice.Name);
        auth.SetRoles(Roles.Reviewer);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, alice.Id));
        context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return context;
    }

    [Fact]
    public async Task Render_SensitiveCategory_IsBlurredUntilRevealAndTheRevealIsAudited()
    {
        await using var ctx = NewContext();
        await fixture.PolicyAsync("self-harm", blur: true);
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor, scores: [("self-harm", 0.97, true)]);

        var cut = ctx.Render<FlagTriagePage>(p => p.Add(c => c.Id, flag));
        cut.WaitForElement("[data-testid=flag-content]");

        cut.WaitForElement("[data-testid=reveal]");
        Assert.Equal("true", cut.Find("[data-testid=flag-content]").GetAttribute("data-blurred"));
        // Withheld, not hidden: the text is not in the page before the reveal.
        var text = await fixture.Triage.GetAsync(flag, alice, default);
        Assert.DoesNotContain(text!.Prompt, cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(text.Completion, cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=prompt]"));
        await using (var before = fixture.Database.CreateContext())
        {
            Assert.False(await before.Set<AuditEvent>().AnyAsync(e => e.Kind == "flag.content-revealed"));
        }

        await cut.InvokeAsync(() => cut.Instance.OnShortcut("r"));

        cut.WaitForAssertion(() => Assert.Equal(text.Prompt, cut.Find("[data-testid=prompt]").TextContent));
        Assert.Equal("false", cut.Find("[data-testid=flag-content]").GetAttribute("data-blurred"));
        await using var db = fixture.Database.CreateContext();
        var audit = await db.Set<AuditEvent>().SingleAsync(e => e.Kind == "flag.content-revealed");
        Assert.Equal((alice.Id, flag.ToString(System.Globalization.CultureInfo.InvariantCulture)), (audit.ActorId, audit.TargetId));
    }

    [Fact]
    public async Task Render_OpenFlag_AuditsTheDataAccessOnce()
    {
        await using var ctx = NewContext();
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor);

        var cut = ctx.Render<FlagTriagePage>(p => p.Add(c => c.Id, flag));
        cut.WaitForElement("[data-testid=flag-content]");
        cut.Render();

        await using var db = fixture.Database.CreateContext();
        var opened = await db.Set<AuditEvent>().SingleAsync(e => e.Kind == "flag.opened");
        Assert.Equal((alice.Id, flag.ToString(System.Globalization.CultureInfo.InvariantCulture)), (opened.ActorId, opened.TargetId));
    }

    [Fact]
    public async Task Render_ReviewerUnblurredTheCategory_ShowsContentUnblurred()
    {
        await using var ctx = NewContext();
        await fixture.PolicyAsync("self-harm", blur: true);
        await fixture.Wellness.SaveSettingsAsync(alice, WellnessSettings.Default with { UnblurredCategories = new HashSet<string> { "self-harm" } }, default);
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor, scores: [("self-harm", 0.97, true)]);

        var cut = ctx.Render<FlagTriagePage>(p => p.Add(c => c.Id, flag));
        cut.WaitForElement("[data-testid=flag-content]");

        Assert.Equal("false", cut.Find("[data-testid=flag-content]").GetAttribute("data-blurred"));
    }

    [Fact]
    public async Task Render_NonSensitiveCategory_IsNotBlurred()
    {
        await using var ctx = NewContext();
        await fixture.PolicyAsync("spam", blur: false);
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor, scores: [("spam", 0.8, true)]);

        var cut = ctx.Render<FlagTriagePage>(p => p.Add(c => c.Id, flag));
        cut.WaitForElement("[data-testid=flag-content]");

        Assert.Equal("false", cut.Find("[data-testid=flag-content]").GetAttribute("data-blurred"));
    }

    [Fact]
    public async Task Render_FlagHeldByAnotherReviewer_SaysWhoAndOffersNoDecision()
    {
        await using var ctx = NewContext();
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor);
        await fixture.Claims.ClaimAsync(new StaffUser("u-bob", "bob"), TriageRights.Reviewer, flag, default);

        var cut = ctx.Render<FlagTriagePage>(p => p.Add(c => c.Id, flag));
        cut.WaitForElement("[data-testid=held-by-other]");

        Assert.Contains("u-bob is working on this flag", cut.Find("[data-testid=held-by-other]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=decision-form]"));
    }

    [Fact]
    public async Task Keyboard_ClaimVerdictReasonSubmit_DecidesTheFlag()
    {
        await using var ctx = NewContext();
        await fixture.PolicyAsync("hate", clause: "HATE-2");
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor, scores: [("hate", 0.9, true)]);
        var cut = ctx.Render<FlagTriagePage>(p => p.Add(c => c.Id, flag));
        cut.WaitForElement("[data-testid=claim]");

        await cut.InvokeAsync(() => cut.Instance.OnShortcut("c"));
        cut.WaitForElement("[data-testid=decision-form]");
        await cut.InvokeAsync(() => cut.Instance.OnShortcut("v"));
        await cut.InvokeAsync(() => cut.Instance.OnShortcut("a"));
        cut.Find("[data-testid=decision-form] textarea").Change("Slur aimed at a protected group.");
        await cut.InvokeAsync(() => cut.Instance.OnShortcut("Ctrl+Enter"));

        await using var db = fixture.Database.CreateContext();
        var decision = await db.Set<FlagDecision>().SingleAsync();
        Assert.Equal((Verdict.Violation, "hate", DecisionAction.Warn, "HATE-2"), (decision.Verdict, decision.ConfirmedCategories, decision.Action, decision.PolicyClause));
        Assert.Equal(FlagStatus.Decided, (await db.Set<Flag>().SingleAsync()).Status);
        cut.WaitForElement("[data-testid=triage-message]");
        Assert.Contains("queue is clear", cut.Find("[data-testid=triage-message]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithholdNotice_WithoutAReason_IsRefusedThenWithOneIsRequestedAndAudited()
    {
        await using var ctx = NewContext();
        await fixture.PolicyAsync("hate", clause: "HATE-2");
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor, scores: [("hate", 0.9, true)]);
        var cut = ctx.Render<FlagTriagePage>(p => p.Add(c => c.Id, flag));
        cut.WaitForElement("[data-testid=claim]");
        await cut.InvokeAsync(() => cut.Instance.OnShortcut("c"));
        cut.WaitForElement("[data-testid=decision-form]");
        Assert.Empty(cut.FindAll("[data-testid=notice-opt-out]"));
        await cut.InvokeAsync(() => cut.Instance.OnShortcut("v"));
        await cut.InvokeAsync(() => cut.Instance.OnShortcut("a"));
        cut.Find("[data-testid=decision-form] textarea").Change("Slur aimed at a protected group.");

        cut.Find("input[data-testid=withhold-notice]").Change(true);
        await cut.InvokeAsync(() => cut.Instance.OnShortcut("Ctrl+Enter"));

        cut.WaitForAssertion(() => Assert.Contains("Say why the organization is not notified", cut.Find("[data-testid=validation]").TextContent, StringComparison.Ordinal));
        await using (var before = fixture.Database.CreateContext())
        {
            Assert.False(await before.Set<FlagDecision>().AnyAsync());
        }

        cut.Find("[data-testid=notice-opt-out] textarea").Change("Open law-enforcement referral LE-42; do not tip off.");
        await cut.InvokeAsync(() => cut.Instance.OnShortcut("Ctrl+Enter"));

        cut.WaitForElement("[data-testid=triage-message]");
        await using var db = fixture.Database.CreateContext();
        var action = await db.Set<ReviewConsole.Data.Enforcement.EnforcementAction>().SingleAsync();
        Assert.Equal((ReviewConsole.Data.Enforcement.EnforcementKind.Warn, "Open law-enforcement referral LE-42; do not tip off."), (action.Kind, action.NoticeOptOutReason));
        var withheld = await db.Set<AuditEvent>().SingleAsync(e => e.Kind == FlagDecisionService.NoticeWithheldAuditKind);
        Assert.Equal((alice.Id, flag.ToString(System.Globalization.CultureInfo.InvariantCulture), "Open law-enforcement referral LE-42; do not tip off."), (withheld.ActorId, withheld.TargetId, withheld.Reason));
    }

    public void Dispose() => fixture.Dispose();
}
