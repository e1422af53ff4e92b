using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.UseCases;

namespace ReviewConsole.Tests.UseCases;

public sealed class UseCaseIntakeServiceTests : IAsyncLifetime, IDisposable
{
    private readonly UseCaseTestHost host = new();

    public Task InitializeAsync() => host.InitializeAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task Submit_ValidRequest_StoresSubmissionFirstRevisionAndAudit()
    {
        var id = await host.SubmitAsync();

        await using var db = host.Database.CreateContext();
        var s = await db.Set<UseCaseSubmission>().SingleAsync(x => x.Id == id);
        Assert.Equal(SubmissionState.Submitted, s.State);
        Assert.Equal(QueueReason.New, s.QueueReason);
        Assert.Equal(host.Clock.GetUtcNow().AddHours(host.UseCasesOptions.ReviewSlaHours), s.SlaDueAt);
        var revision = await db.Set<UseCaseRevision>().SingleAsync(r => r.SubmissionId == id);
        Assert.Equal(1, revision.Number);
        Assert.Equal("HelpDesk Copilot", UseCaseContent.FromJson(revision.ContentJson).Name);
        Assert.Equal("app_help", (await db.Set<Application>().SingleAsync(a => a.Id == s.ApplicationId)).ExternalId);
        Assert.Equal(1, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "usecase.submitted"));
    }

    [Fact]
    public async Task Submit_InvalidRequest_SavesNothing()
    {
        var request = UseCaseTestHost.ValidRequest();
        request.Contact = null;
        request.OrganizationId = "org_brand_new";

        var result = await host.Intake.SubmitAsync(request, Submitter.Staff(UseCaseTestHost.Developer), default);

        Assert.Equal(IntakeOutcome.Invalid, result.Outcome);
        Assert.Contains("contact.email", result.Errors.Fields);
        await using var db = host.Database.CreateContext();
        Assert.False(await db.Set<UseCaseSubmission>().AnyAsync());
        Assert.False(await db.Set<Organization>().AnyAsync());
    }

    [Fact]
    public async Task Submit_TokenOfAnotherOrganization_IsRefusedAndLeavesNoOrganization()
    {
        await host.AddKeysAsync("org_token_owner", "app_other", 1);
        long ownerOrg;
        await using (var db = host.Database.CreateContext())
        {
            ownerOrg = await db.Set<Organization>().Where(o => o.ExternalId == "org_token_owner").Select(o => o.Id).SingleAsync();
        }

        var result = await host.Intake.SubmitAsync(UseCaseTestHost.ValidRequest(org: "org_someone_else"), new Submitter(UseCaseTestHost.Developer, 7, ownerOrg), default);

        Assert.Equal(IntakeOutcome.Invalid, result.Outcome);
        Assert.Contains("organizationId", result.Errors.Fields);
        await using var check = host.Database.CreateContext();
        Assert.False(await check.Set<Organization>().AnyAsync(o => o.ExternalId == "org_someone_else"));
        Assert.False(await check.Set<UseCaseSubmission>().AnyAsync());
    }

    [Fact]
    public async Task Submit_AppOfAnotherOrganization_IsRefused()
    {
        await host.AddKeysAsync("org_first", "app_shared", 1);

        var result = await host.Intake.SubmitAsync(UseCaseTestHost.ValidRequest(app: "app_shared", org: "org_second"), Submitter.Staff(UseCaseTestHost.Developer), default);

        Assert.Contains("appId", result.Errors.Fields);
    }

    [Fact]
    public async Task Resubmit_AfterChangesRequested_AddsRevisionWithDiffAndRequeues()
    {
        var id = await host.SubmitAsync(UseCaseTestHost.ValidRequest("medical-information"));
        Assert.True((await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.RequestChanges, questions: "Who reviews outputs before patients see them?")).Succeeded);
        var revised = UseCaseTestHost.ValidRequest("medical-information");
        revised.Safeguards = ["content_filter", "reporting_channel", "human_in_the_loop"];
        revised.Description = "Drafts after-visit summaries; a clinician signs each one before it is sent.";
        revised.ResponseNote = "Clinicians approve every summary.";

        var result = await host.Intake.ResubmitAsync(id, revised, Submitter.Staff(UseCaseTestHost.Developer), default);

        Assert.True(result.Succeeded, result.Message);
        var details = await host.Review.GetAsync(id, default);
        Assert.Equal(SubmissionState.Submitted, details!.State);
        Assert.Equal(QueueReason.Resubmitted, details.QueueReason);
        Assert.Equal(2, details.Revision);
        var latest = details.Revisions[0];
        Assert.Equal("Clinicians approve every summary.", latest.ResponseNote);
        Assert.Contains(latest.Changes, c => c.Label == "Safeguards" && c.After.Contains("Human in the loop", StringComparison.Ordinal) && !c.Before.Contains("Human in the loop", StringComparison.Ordinal));
        Assert.Contains(latest.Changes, c => c.Label == "Description");
        Assert.DoesNotContain(latest.Changes, c => c.Label == "Name");
        Assert.Empty(details.Revisions[1].Changes);
        Assert.True(details.Checklist.Complete);
    }

    [Fact]
    public async Task Resubmit_WhileAwaitingReview_IsAConflict()
    {
        var id = await host.SubmitAsync();

        var result = await host.Intake.ResubmitAsync(id, UseCaseTestHost.ValidRequest(), Submitter.Staff(UseCaseTestHost.Developer), default);

        Assert.Equal(IntakeOutcome.Conflict, result.Outcome);
        Assert.Equal(1, (await host.SubmissionAsync(id)).CurrentRevision);
    }

    [Fact]
    public async Task Resubmit_ChangingTheApp_IsRefused()
    {
        var id = await host.SubmitAsync();
        await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.RequestChanges, questions: "What is the reporting channel?");

        var result = await host.Intake.ResubmitAsync(id, UseCaseTestHost.ValidRequest(app: "app_other"), Submitter.Staff(UseCaseTestHost.Developer), default);

        Assert.Contains("appId", result.Errors.Fields);
        Assert.Equal(SubmissionState.ChangesRequested, (await host.SubmissionAsync(id)).State);
    }

    [Fact]
    public async Task GetStatus_OtherOrganizationsToken_SeesNothing()
    {
        var id = await host.SubmitAsync();
        var org = (await host.SubmissionAsync(id)).OrganizationId;

        var own = await host.Intake.GetStatusAsync(id, new Submitter(UseCaseTestHost.Developer, 1, org), default);
        var other = await host.Intake.GetStatusAsync(id, new Submitter(UseCaseTestHost.Developer, 2, org + 100), default);
        var unbound = await host.Intake.GetStatusAsync(id, new Submitter(UseCaseTestHost.Developer, 3, null), default);

        Assert.Equal("Submitted", own!.State);
        Assert.Null(other);
        Assert.Null(unbound);
    }

    [Fact]
    public async Task GetStatus_AfterRequestChanges_ShowsQuestionsAndMessage()
    {
        var id = await host.SubmitAsync();
        await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.RequestChanges, reason: "", questions: "How do users report bad answers?\nWhat is your per-user rate limit?");
        var org = (await host.SubmissionAsync(id)).OrganizationId;

        var status = await host.Intake.GetStatusAsync(id, new Submitter(UseCaseTestHost.Developer, 1, org), default);

        Assert.Equal("ChangesRequested", status!.State);
        Assert.Equal(["How do users report bad answers?", "What is your per-user rate limit?"], status.LatestDecision!.Questions);
        Assert.Contains("PUT /api/v1/use-cases/", status.LatestDecision.Message, StringComparison.Ordinal);
    }
}
