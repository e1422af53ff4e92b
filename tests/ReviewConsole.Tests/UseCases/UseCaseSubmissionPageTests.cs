using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.UseCases;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Tests.UseCases;

/// <summary>bUnit through a field, not a base class: MudBlazor's services only dispose
/// asynchronously, and xunit 2 would dispose a BunitContext base synchronously.</summary>
public sealed class UseCaseSubmissionPageTests : IAsyncLifetime, IDisposable
{
    private readonly UseCaseTestHost host = new();
    private readonly BunitContext bunit = new();

    public UseCaseSubmissionPageTests()
    {
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddMudServices();
        bunit.Services.AddSingleton(host.Review);
        bunit.Services.AddSingleton<TimeProvider>(host.Clock);
        bunit.Services.AddSingleton(Options.Create(host.UseCasesOptions));
        bunit.Services.AddSingleton(new ContentAccessAudit(host.Database.Factory, new AuditLog(host.Clock)));
    }

    public Task InitializeAsync() => host.InitializeAsync();

    public async Task DisposeAsync() => await bunit.DisposeAsync();

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task Render_MedicalWithoutHumanInTheLoop_ShowsTheMissingSafeguardAndUntrustedTextAsText()
    {
        var request = UseCaseTestHost.ValidRequest("medical-information");
        request.Description = "Summaries for patients. <script>alert('x')</script><b>bold?</b>";
        var id = await host.SubmitAsync(request);
        SignIn(UseCaseTestHost.Uma, Roles.UseCaseReviewer);

        var cut = RenderPage(id);

        cut.WaitForAssertion(() => Assert.Contains("2/3 required", cut.Find("[data-testid=checklist-score]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Human in the loop", Assert.Single(cut.FindAll("[data-testid=checklist] [data-testid=missing]")).TextContent, StringComparison.Ordinal);
        Assert.Contains("High-risk category", cut.Find("[data-testid=checklist]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll("[data-testid=content] b"));
        Assert.Contains("<script>alert('x')</script><b>bold?</b>", cut.Find("[data-testid=content]").TextContent, StringComparison.Ordinal);
        await using var db = host.Database.CreateContext();
        var viewed = await db.Set<ReviewConsole.Data.Audit.AuditEvent>().SingleAsync(e => e.Kind == AuditKinds.UseCaseTextViewed);
        Assert.Equal((UseCaseTestHost.Uma.Id, id.ToString(System.Globalization.CultureInfo.InvariantCulture)), (viewed.ActorId, viewed.TargetId));
    }

    [Fact]
    public async Task Claim_AsUseCaseReviewer_ShowsTheDecisionPanelWithRiskRules()
    {
        var id = await host.SubmitAsync(UseCaseTestHost.ValidRequest("companionship-roleplay"));
        SignIn(UseCaseTestHost.Uma, Roles.UseCaseReviewer);
        var cut = RenderPage(id);
        cut.WaitForElement("[data-testid=claim-button]");

        cut.Find("[data-testid=claim-button]").Click();

        cut.WaitForElement("[data-testid=decision-panel]");
        Assert.Contains("You hold this", cut.Find("[data-testid=lease]").TextContent, StringComparison.Ordinal);
        Assert.True(cut.FindAll("[data-testid=decision-panel] input[type=radio]")[0].HasAttribute("disabled"));
        Assert.Contains("High-risk category: approval needs conditions.", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approve_WithOneRequestedModelUnticked_AllowsOnlyTheTickedModels()
    {
        var request = UseCaseTestHost.ValidRequest("medical-information");
        request.Safeguards = ["content_filter", "reporting_channel", "human_in_the_loop"];
        request.Models = ["rc-large", "rc-small"];
        var id = await host.SubmitAsync(request);
        SignIn(UseCaseTestHost.Uma, Roles.UseCaseReviewer);
        var cut = RenderPage(id);
        cut.WaitForElement("[data-testid=claim-button]").Click();
        cut.WaitForElement("[data-testid=allowed-models]");

        // The form starts from the models the submission asked for, all ticked.
        Assert.True(cut.Find("input[data-testid=model-rc-large]").HasAttribute("checked"));
        cut.Find("input[data-testid=model-rc-small]").Change(false);
        cut.Find("[data-testid=decide]").Click();

        cut.WaitForAssertion(() => Assert.Equal("Approved with conditions", cut.Find("[data-testid=state]").TextContent.Trim()));
        await using var db = host.Database.CreateContext();
        var conditions = UseCaseConditions.FromJson((await db.Set<UseCaseSubmission>().SingleAsync(s => s.Id == id)).ConditionsJson);
        Assert.Equal(["rc-large"], conditions!.AllowedModels);
    }

    [Fact]
    public async Task Approve_WithEveryModelUnticked_ShowsTheErrorAndDecidesNothing()
    {
        var request = UseCaseTestHost.ValidRequest("medical-information");
        request.Safeguards = ["content_filter", "reporting_channel", "human_in_the_loop"];
        var id = await host.SubmitAsync(request);
        SignIn(UseCaseTestHost.Uma, Roles.UseCaseReviewer);
        var cut = RenderPage(id);
        cut.WaitForElement("[data-testid=claim-button]").Click();
        cut.WaitForElement("[data-testid=allowed-models]");

        cut.Find("input[data-testid=model-rc-large]").Change(false);
        cut.Find("[data-testid=decide]").Click();

        cut.WaitForAssertion(() => Assert.Contains("at least one model", cut.Find("[data-testid=allowed-models-error]").TextContent, StringComparison.Ordinal));
        await using var db = host.Database.CreateContext();
        Assert.Equal(SubmissionState.Submitted, (await db.Set<UseCaseSubmission>().SingleAsync(s => s.Id == id)).State);
    }

    [Fact]
    public async Task Render_Auditor_IsReadOnly()
    {
        var id = await host.SubmitAsync();
        SignIn(new StaffUser("u-aud", "auditor@demo.local"), Roles.Auditor);

        var cut = RenderPage(id);

        cut.WaitForAssertion(() => Assert.Contains("Read-only", cut.Find("[data-testid=claim]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=claim-button]"));
    }

    [Fact]
    public async Task Render_Resubmission_ShowsTheRevisionDiffAndHistory()
    {
        var id = await host.SubmitAsync(UseCaseTestHost.ValidRequest("medical-information"));
        await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.RequestChanges, questions: "Who reviews summaries before patients see them?");
        var revised = UseCaseTestHost.ValidRequest("medical-information");
        revised.Safeguards = ["content_filter", "reporting_channel", "human_in_the_loop"];
        revised.ResponseNote = "A clinician signs each summary.";
        Assert.True((await host.Intake.ResubmitAsync(id, revised, Submitter.Staff(UseCaseTestHost.Developer), default)).Succeeded);
        SignIn(UseCaseTestHost.Lee, Roles.Lead);

        var cut = RenderPage(id);

        cut.WaitForElement("[data-testid=diff-2]");
        var diff = cut.Find("[data-testid=diff-2]").TextContent;
        Assert.Contains("Safeguards", diff, StringComparison.Ordinal);
        Assert.Contains("Human in the loop", diff, StringComparison.Ordinal);
        Assert.Contains("A clinician signs each summary.", cut.Find("[data-testid=revisions]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Who reviews summaries before patients see them?", cut.Find("[data-testid=decisions]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Resubmitted", cut.Find("[data-testid=queue-reason]").TextContent, StringComparison.Ordinal);
        Assert.Contains("3/3 required", cut.Find("[data-testid=checklist-score]").TextContent, StringComparison.Ordinal);
    }

    private IRenderedComponent<UseCaseSubmissionPage> RenderPage(long id)
    {
        // Submitted texts are only sent to an interactive view (after the access is audited).
        bunit.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        bunit.Render<MudPopoverProvider>();
        return bunit.Render<UseCaseSubmissionPage>(page => page.Add(x => x.Id, id));
    }

    private void SignIn(StaffUser user, string role)
    {
        var auth = bunit.AddAuthorization();
        auth.SetAuthorized(user.Name);
        auth.SetRoles(role);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, user.Id));
    }
}
