using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Quality;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.Quality;
using ReviewConsole.Features.UseCases;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Tests.UseCases;

namespace ReviewConsole.Tests.Quality;

/// <summary>Golden use-case submissions: served by Next at the configured share, shown as the live
/// item they replay, scored against the expected decision, and never enforcing or changing anything.</summary>
public sealed class GoldenUseCaseTests : IAsyncLifetime, IDisposable
{
    private const string RejectReason = "Outputs are published with no human review, as the guideline forbids.";
    private readonly UseCaseTestHost host = new();
    private readonly StaffUser lead = new("u-lead", "Lena Lead");

    public Task InitializeAsync() => host.InitializeAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => host.Dispose();

    /// <summary>Uma rejects a submission; a Lead promotes it; a second, live submission waits in the queue.</summary>
    private async Task<(long Golden, long Live)> GoldenRejectionAsync()
    {
        var golden = await host.SubmitAsync();
        Assert.True((await host.ClaimAndDecideAsync(golden, UseCaseDecisionKind.Reject, reason: RejectReason)).Succeeded);
        var promoted = await host.Golden.PromoteAsync(lead, new PromoteGoldenRequest(GoldenSourceKind.UseCase, golden, Verdict.NoViolation, [], "", "clear rejection"), default);
        Assert.True(promoted.Succeeded, promoted.Message);
        host.Clock.Advance(TimeSpan.FromMinutes(5));
        var live = await host.SubmitAsync(UseCaseTestHost.ValidRequest(app: "app_live"));
        host.QualityOptions.UseCaseGoldenShare = 1;
        return (golden, live);
    }

    private async Task<(int Decisions, int Actions, int Jobs, SubmissionState State, int Version)> RealStateAsync(long id)
    {
        await using var db = host.Database.CreateContext();
        var s = await db.Set<UseCaseSubmission>().AsNoTracking().SingleAsync(x => x.Id == id);
        return (await db.Set<UseCaseDecision>().CountAsync(), await db.Set<EnforcementAction>().CountAsync(), host.Jobs.Created.Count, s.State, s.ConcurrencyVersion);
    }

    [Fact]
    public async Task Promote_UseCase_ExpectsTheDecisionItWasGiven()
    {
        var (golden, _) = await GoldenRejectionAsync();

        await using var db = host.Database.CreateContext();
        var item = await db.Set<GoldenItem>().SingleAsync();
        var source = await db.Set<UseCaseDecision>().SingleAsync(d => d.SubmissionId == golden);
        Assert.Equal((GoldenSourceKind.UseCase, golden, UseCaseDecisionKind.Reject, source.Id, Verdict.Violation), (item.Kind, item.SourceId, item.ExpectedDecision, item.SourceDecisionId, item.ExpectedVerdict));
    }

    [Fact]
    public async Task Next_ShareOne_ServesTheGoldenSubmissionAsTheLiveItemItReplays()
    {
        var (golden, live) = await GoldenRejectionAsync();
        var before = await RealStateAsync(golden);

        var claim = await host.Review.NextAsync(UseCaseTestHost.Lee, default);
        var view = await host.Review.GetAsync(golden, UseCaseTestHost.Lee, default);
        var ordinaryView = await host.Review.GetAsync(golden, UseCaseTestHost.Uma, default);

        Assert.True(claim.Succeeded, claim.Message);
        Assert.Equal(golden, claim.SubmissionId);
        Assert.Equal($"Claimed submission {golden}.", claim.Message);
        Assert.NotNull(view);
        Assert.Equal(SubmissionState.Submitted, view.State);
        Assert.True(view.IsOpen);
        Assert.Empty(view.Decisions);
        Assert.Equal(("u-lee", "lee@demo.local"), (view.Lease?.Owner, view.Lease?.OwnerName));
        Assert.Null(view.ApprovedAt);
        Assert.Equal(SubmissionState.Rejected, ordinaryView!.State);
        // The real submission is untouched: not leased, not reopened; the live one is still free.
        Assert.Equal(before, await RealStateAsync(golden));
        Assert.Null((await host.SubmissionAsync(golden)).LeaseOwner);
        Assert.Null((await host.SubmissionAsync(live)).LeaseOwner);
        await using var db = host.Database.CreateContext();
        var attempt = await db.Set<GoldenAnswer>().SingleAsync();
        Assert.Equal(("u-lee", (DateTimeOffset?)null), (attempt.ReviewerId, attempt.AnsweredAt));
    }

    [Fact]
    public async Task Next_TheReviewerWhoDecidedIt_GetsLiveWorkInstead()
    {
        var (_, live) = await GoldenRejectionAsync();

        var claim = await host.Review.NextAsync(UseCaseTestHost.Uma, default);

        Assert.Equal(live, claim.SubmissionId);
        await using var db = host.Database.CreateContext();
        Assert.Equal(0, await db.Set<GoldenAnswer>().CountAsync());
    }

    [Fact]
    public async Task GoldenDecision_Correct_IsScoredWithTheOrdinaryConfirmationAndNoEffect()
    {
        var (golden, _) = await GoldenRejectionAsync();
        await host.Review.NextAsync(UseCaseTestHost.Lee, default);
        var view = await host.Review.GetAsync(golden, UseCaseTestHost.Lee, default);
        var before = await RealStateAsync(golden);

        var result = await host.Review.DecideAsync(new DecideUseCaseRequest(golden, view!.ConcurrencyVersion, UseCaseDecisionKind.Reject, "Not allowed: outputs go out unreviewed."), UseCaseTestHost.Lee, default);
        var after = await host.Review.GetAsync(golden, UseCaseTestHost.Lee, default);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("Rejected: the developer is notified.", result.Message);
        Assert.Equal(before, await RealStateAsync(golden));
        await using var db = host.Database.CreateContext();
        var answer = await db.Set<GoldenAnswer>().SingleAsync();
        Assert.Equal((UseCaseDecisionKind.Reject, true, true, Verdict.Violation), (answer.Decision, answer.Correct, answer.VerdictCorrect, answer.Verdict));
        Assert.Contains(await db.Set<AuditEvent>().Select(e => e.Kind).ToListAsync(), k => k == "golden.answered");
        Assert.DoesNotContain(await db.Set<AuditEvent>().Where(e => e.ActorId == "u-lee").Select(e => e.Kind).ToListAsync(), k => k == "usecase.decided");
        // The reviewer's page shows the submission as their decision left it, as after a real decision.
        Assert.Equal(SubmissionState.Rejected, after!.State);
        Assert.Null(after.Lease);
        var top = Assert.Single(after.Decisions);
        Assert.Equal((UseCaseDecisionKind.Reject, "lee@demo.local", "Not allowed: outputs go out unreviewed."), (top.Kind, top.DecidedByName, top.Reason));
    }

    [Fact]
    public async Task GoldenDecision_WrongApprovalWithConditions_IsScoredWrongAndQueuesNoLimits()
    {
        var (golden, _) = await GoldenRejectionAsync();
        await host.Review.NextAsync(UseCaseTestHost.Lee, default);
        var view = await host.Review.GetAsync(golden, UseCaseTestHost.Lee, default);
        var before = await RealStateAsync(golden);

        var result = await host.Review.DecideAsync(new DecideUseCaseRequest(golden, view!.ConcurrencyVersion, UseCaseDecisionKind.ApproveWithConditions, "", Conditions: view.SuggestedConditions), UseCaseTestHost.Lee, default);
        var again = await host.Review.DecideAsync(new DecideUseCaseRequest(golden, view.ConcurrencyVersion, UseCaseDecisionKind.Reject, RejectReason), UseCaseTestHost.Lee, default);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("Approved with conditions: the developer is notified and the limits are queued for enforcement.", result.Message);
        Assert.False(again.Succeeded);
        Assert.Equal(before, await RealStateAsync(golden));
        await using var db = host.Database.CreateContext();
        Assert.Equal(0, await db.Set<EnforcementAction>().CountAsync(a => a.Kind == EnforcementKind.SetLimits));
        var answer = await db.Set<GoldenAnswer>().SingleAsync();
        Assert.Equal((UseCaseDecisionKind.ApproveWithConditions, false, false), (answer.Decision, answer.Correct, answer.VerdictCorrect));
        Assert.Equal(0, await db.Set<FlagDecision>().CountAsync());
    }

    [Fact]
    public async Task GoldenReservation_RenewsAndExpiresLikeALease()
    {
        var (golden, _) = await GoldenRejectionAsync();
        await host.Review.NextAsync(UseCaseTestHost.Lee, default);

        host.Clock.Advance(TimeSpan.FromMinutes(8));
        var renewed = await host.Review.RenewAsync(golden, UseCaseTestHost.Lee, default);
        host.Clock.Advance(TimeSpan.FromMinutes(11));
        var view = await host.Review.GetAsync(golden, UseCaseTestHost.Lee, default);
        var late = await host.Review.DecideAsync(new DecideUseCaseRequest(golden, view!.ConcurrencyVersion, UseCaseDecisionKind.Reject, RejectReason), UseCaseTestHost.Lee, default);
        var reclaimed = await host.Review.ClaimAsync(golden, UseCaseTestHost.Lee, default);
        var onTime = await host.Review.DecideAsync(new DecideUseCaseRequest(golden, view.ConcurrencyVersion, UseCaseDecisionKind.Reject, RejectReason), UseCaseTestHost.Lee, default);

        Assert.True(renewed);
        Assert.Null(view.Lease);
        Assert.Equal(SubmissionState.Submitted, view.State);
        Assert.False(late.Succeeded);
        Assert.StartsWith("Your claim expired", late.Message, StringComparison.Ordinal);
        Assert.True(reclaimed.Succeeded, reclaimed.Message);
        Assert.True(onTime.Succeeded, onTime.Message);
        Assert.Equal(SubmissionState.Rejected, (await host.SubmissionAsync(golden)).State);
        Assert.Null((await host.SubmissionAsync(golden)).LeaseOwner);
    }

    [Fact]
    public async Task GoldenReplay_OfAResubmissionAfterAnEarlierApproval_ShowsNoApprovalOrDriftAsTheLiveSubmissionDid()
    {
        // Approved, back for re-review, changes requested, resubmitted: the live submission carried no
        // approval, conditions or drift card when Uma rejected it.
        var id = await host.SubmitAsync();
        Assert.True((await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.Approve)).Succeeded);
        await host.AddKeysAsync("org_acme", "app_help", 1, tokensUsedEach: 5_000);
        await using (var db = host.Database.CreateContext())
        {
            await db.Set<UseCaseSubmission>().Where(x => x.Id == id).ExecuteUpdateAsync(u => u.SetProperty(x => x.State, SubmissionState.ReReview));
        }

        Assert.True((await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.RequestChanges, questions: "Who reviews outputs?")).Succeeded);
        Assert.True((await host.Intake.ResubmitAsync(id, UseCaseTestHost.ValidRequest(), Submitter.Staff(UseCaseTestHost.Developer), default)).Succeeded);
        var live = await host.Review.GetAsync(id, UseCaseTestHost.Uma, default);
        Assert.True((await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.Reject, reason: RejectReason)).Succeeded);
        Assert.True((await host.Golden.PromoteAsync(lead, new PromoteGoldenRequest(GoldenSourceKind.UseCase, id, Verdict.NoViolation, [], "", "resubmission"), default)).Succeeded);
        host.QualityOptions.UseCaseGoldenShare = 1;

        Assert.Equal(id, (await host.Review.NextAsync(UseCaseTestHost.Lee, default)).SubmissionId);
        var replay = await host.Review.GetAsync(id, UseCaseTestHost.Lee, default);

        Assert.NotNull(live);
        Assert.NotNull(replay);
        Assert.Equal((SubmissionState.Submitted, (DateTimeOffset?)null), (live.State, live.ApprovedAt));
        Assert.Null(live.Drift);
        Assert.Equal(live.State, replay.State);
        Assert.Equal((live.ApprovedAt, live.Conditions, live.Tier, live.ReReviewAt), (replay.ApprovedAt, replay.Conditions, replay.Tier, replay.ReReviewAt));
        Assert.Null(replay.Drift);
        Assert.Equal(live.Decisions.Select(d => d.Id), replay.Decisions.Select(d => d.Id));
    }

    [Fact]
    public async Task UseCaseGoldenShare_OverManyClaims_IsWithinTolerance()
    {
        await GoldenRejectionAsync();
        host.QualityOptions.UseCaseGoldenShare = 0.25;
        var reviewer = new StaffUser("u-many", "r");
        var served = 0;
        await using var db = host.Database.CreateContext();
        for (var i = 0; i < 4_000; i++)
        {
            // Each claim in its own unit, rolled back, so the one item stays a candidate for every claim.
            var claimed = await db.InTransactionAsync(ct => host.Golden.ClaimUseCaseAsync(db, reviewer, TimeSpan.FromMinutes(10), ct), _ => false);
            if (claimed is not null)
            {
                served++;
            }

            db.ChangeTracker.Clear();
        }

        // 4,000 × 0.25: sd ≈ 27.4; four standard deviations either side.
        Assert.InRange(served, 1000 - 110, 1000 + 110);
    }
}
