using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Quality;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Flags.Queue;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Features.Quality;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Tests.Flags.Triage;

namespace ReviewConsole.Tests.Quality;

/// <summary>
/// "Tells": ways a reviewer could find out that a flag they were served is a golden item. Each test
/// sets a golden flag beside a live flag the same reviewer handles the same way, and compares what
/// the reviewer can see of both.
/// </summary>
public sealed class GoldenTellsTests : IDisposable
{
    private readonly TriageFixture fixture = new(qualityOptions: new QualityOptions { GoldenShare = 0.5 }, sampler: new FixedSampler(0));
    private readonly StaffUser alice = new("u-alice", "Alice");
    private readonly StaffUser bob = new("u-bob", "Bob");
    private readonly StaffUser lead = new("u-lead", "Lena Lead");

    private static DecideFlagRequest Warn => new(Verdict.Violation, ["hate"], DecisionAction.Warn, "CP-2.1", "warn the organization");

    /// <summary>A flag Alice decided (a violation that revoked the key) and a Lead promoted.</summary>
    private async Task<long> GoldenFlagAsync(ActorIds actor)
    {
        var flag = await fixture.FlagAsync(actor, priority: 10, scores: [("hate", 0.95, true), ("violence", 0.4, false)]);
        Assert.True((await fixture.Claims.ClaimAsync(alice, TriageRights.Reviewer, flag, default)).Succeeded);
        Assert.True((await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, flag, new DecideFlagRequest(Verdict.Violation, ["hate"], DecisionAction.RevokeKey, "CP-2.1", "threat"), default)).Succeeded);
        var promoted = await fixture.Golden.PromoteAsync(lead, new PromoteGoldenRequest(GoldenSourceKind.Flag, flag, Verdict.Violation, ["hate"], "CP-2.1", "clear threat"), default);
        Assert.True(promoted.Succeeded, promoted.Message);
        return flag;
    }

    /// <summary>A live flag Bob claims explicitly (Next would serve him the golden item first).</summary>
    private async Task<long> LiveFlagHeldByBobAsync(ActorIds actor)
    {
        var live = await fixture.FlagAsync(actor, priority: 10, scores: [("hate", 0.95, true), ("violence", 0.4, false)]);
        Assert.True((await fixture.Claims.ClaimAsync(bob, TriageRights.Reviewer, live, default)).Succeeded);
        return live;
    }

    [Fact]
    public async Task GoldenAnswered_TriageView_ShowsTheReviewersOwnDecisionAsALiveDecisionDoes()
    {
        var actor = await fixture.ActorAsync();
        var golden = await GoldenFlagAsync(actor);
        Assert.Equal(golden, (await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default)).FlagId);
        Assert.True((await fixture.Decisions.DecideAsync(bob, TriageRights.Reviewer, golden, Warn, default)).Succeeded);
        var live = await LiveFlagHeldByBobAsync(await fixture.ActorAsync("org_b", "app_b", "key_b"));
        Assert.True((await fixture.Decisions.DecideAsync(bob, TriageRights.Reviewer, live, Warn, default)).Succeeded);

        // The page reloads after the answer when there is nothing next (and whenever Bob opens the flag again).
        var goldenView = await fixture.Triage.GetAsync(golden, bob, default);
        var liveView = await fixture.Triage.GetAsync(live, bob, default);

        Assert.NotNull(goldenView);
        Assert.NotNull(liveView);
        Assert.Equal((FlagStatus.Decided, SlaState.Closed), (goldenView.Status, goldenView.Sla));
        Assert.Equal((liveView.Status, liveView.Sla, liveView.Lease, liveView.AssignedToName), (goldenView.Status, goldenView.Sla, goldenView.Lease, goldenView.AssignedToName));
        var own = Assert.Single(goldenView.Decisions);
        var real = Assert.Single(liveView.Decisions);
        Assert.Equal(real with { Id = 0, FlagId = golden }, own);
        Assert.Equal(liveView.DecisionPolicies, goldenView.DecisionPolicies);
        Assert.DoesNotContain(goldenView.Decisions, d => d.DecidedByName == alice.Name);
    }

    [Fact]
    public async Task GoldenReservationLapsed_TriageView_ShowsAnOpenUnheldFlag()
    {
        var actor = await fixture.ActorAsync();
        var golden = await GoldenFlagAsync(actor);
        Assert.Equal(golden, (await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default)).FlagId);

        fixture.Clock.Advance(TimeSpan.FromMinutes(30));
        var view = await fixture.Triage.GetAsync(golden, bob, default);

        Assert.NotNull(view);
        Assert.Equal(FlagStatus.New, view.Status);
        Assert.Empty(view.Decisions);
        Assert.False(view.Lease.HeldByMe);
        Assert.Null(view.Lease.OwnerName);
    }

    [Fact]
    public async Task GoldenItem_ReleasedThenClaimed_BehavesAsALiveFlagBackInTheQueue()
    {
        var actor = await fixture.ActorAsync();
        var golden = await GoldenFlagAsync(actor);
        Assert.Equal(golden, (await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default)).FlagId);

        var released = await fixture.Claims.ReleaseAsync(bob, golden, "skipped", default);
        var afterRelease = await fixture.Triage.GetAsync(golden, bob, default);
        var claimed = await fixture.Claims.ClaimAsync(bob, TriageRights.Reviewer, golden, default);
        var afterClaim = await fixture.Triage.GetAsync(golden, bob, default);
        var answered = await fixture.Decisions.DecideAsync(bob, TriageRights.Reviewer, golden, Warn, default);

        Assert.True(released.Succeeded, released.Message);
        Assert.False(afterRelease!.Lease.HeldByMe);
        Assert.Equal(FlagStatus.New, afterRelease.Status);
        Assert.True(claimed.Succeeded, claimed.Message);
        Assert.True(afterClaim!.Lease.HeldByMe);
        Assert.True(answered.Succeeded, answered.Message);
        await using var db = fixture.Database.CreateContext();
        Assert.Equal(1, await db.Set<FlagDecision>().CountAsync());
        Assert.NotNull((await db.Set<GoldenAnswer>().SingleAsync()).AnsweredAt);
    }

    [Fact]
    public async Task GoldenItem_InTheQueue_LooksToItsReviewerAsTheLiveFlagTheyHeldAndDecided()
    {
        var actor = await fixture.ActorAsync();
        var golden = await GoldenFlagAsync(actor);
        Assert.Equal(golden, (await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default)).FlagId);
        var live = await LiveFlagHeldByBobAsync(actor);

        async Task<FlagSummary?> RowAsync(long id, QueueStatusFilter status, StaffUser viewer, SlaState? sla = null)
        {
            // A page size of one walks every page, so the golden row is checked against the cursor too.
            FlagQueueCursor? cursor = null;
            do
            {
                var page = await fixture.Queue.GetPageAsync(new FlagQueueFilter { Status = status, Sla = sla }, cursor, 1, viewer.Id, default);
                if (page.Items.FirstOrDefault(i => i.Id == id) is { } row)
                {
                    return row;
                }

                cursor = page.Next;
            }
            while (cursor is not null);
            return null;
        }

        // Held: open, leased by Bob, in every open view and in no decided one.
        foreach (var status in new[] { QueueStatusFilter.All, QueueStatusFilter.Open, QueueStatusFilter.New })
        {
            var liveRow = await RowAsync(live, status, bob);
            var goldenRow = await RowAsync(golden, status, bob);
            Assert.NotNull(liveRow);
            Assert.NotNull(goldenRow);
            Assert.Equal((liveRow.Status, liveRow.LeaseOwnerName, liveRow.AssignedToName, liveRow.Sla), (goldenRow.Status, goldenRow.LeaseOwnerName, goldenRow.AssignedToName, goldenRow.Sla));
        }

        Assert.Null(await RowAsync(golden, QueueStatusFilter.Decided, bob));
        Assert.Null(await RowAsync(golden, QueueStatusFilter.All, bob, SlaState.Closed));
        Assert.NotNull(await RowAsync(golden, QueueStatusFilter.All, bob, SlaState.Ok));

        // Answered: decided, like the live flag Bob decided the same way.
        Assert.True((await fixture.Decisions.DecideAsync(bob, TriageRights.Reviewer, golden, Warn, default)).Succeeded);
        Assert.True((await fixture.Decisions.DecideAsync(bob, TriageRights.Reviewer, live, Warn, default)).Succeeded);
        var liveDecided = await RowAsync(live, QueueStatusFilter.Decided, bob);
        var goldenDecided = await RowAsync(golden, QueueStatusFilter.Decided, bob);
        Assert.NotNull(liveDecided);
        Assert.NotNull(goldenDecided);
        Assert.Equal((liveDecided.Status, liveDecided.LeaseOwnerName, liveDecided.Sla), (goldenDecided.Status, goldenDecided.LeaseOwnerName, goldenDecided.Sla));
        Assert.Null(await RowAsync(golden, QueueStatusFilter.Open, bob));

        // Anyone else sees the flag as it really is.
        Assert.Null(await RowAsync(golden, QueueStatusFilter.Open, alice));
        Assert.NotNull(await RowAsync(golden, QueueStatusFilter.Decided, alice));
    }

    [Fact]
    public async Task GoldenAnswer_MyQualityFigures_DoNotMoveUntilTheWeekEnds()
    {
        var agreement = new AgreementService(fixture.Database.Factory, fixture.Clock);
        var golden = await GoldenFlagAsync(await fixture.ActorAsync());
        var before = await agreement.PersonalAsync(bob.Id, bob.Name, 90, default);
        Assert.Equal(golden, (await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default)).FlagId);
        Assert.True((await fixture.Decisions.DecideAsync(bob, TriageRights.Reviewer, golden, Warn, default)).Succeeded);

        // Right after the answer (and for the rest of the week) the figures are those of before it.
        var after = await agreement.PersonalAsync(bob.Id, bob.Name, 90, default);
        fixture.Clock.Advance(TimeSpan.FromDays(7));
        var nextWeek = await agreement.PersonalAsync(bob.Id, bob.Name, 90, default);

        Assert.Equal((0, 0), (before.Golden.Answered, after.Golden.Answered));
        Assert.Empty(after.GoldenByWeek);
        Assert.Equal((1, 1), (nextWeek.Golden.Answered, nextWeek.Golden.Correct));
    }

    [Fact]
    public async Task GoldenItem_InTheClusterPanelOfAnotherMember_ShowsAsItsReviewerSawIt()
    {
        var actor = await fixture.ActorAsync();
        var cluster = await fixture.ClusterAsync();
        var golden = await fixture.FlagAsync(actor, clusterId: cluster);
        var other = await fixture.FlagAsync(actor, clusterId: cluster);
        Assert.True((await fixture.Claims.ClaimAsync(alice, TriageRights.Reviewer, golden, default)).Succeeded);
        Assert.True((await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, golden, new DecideFlagRequest(Verdict.Violation, ["hate"], DecisionAction.None, "CP-2.1", "threat"), default)).Succeeded);
        Assert.True((await fixture.Golden.PromoteAsync(lead, new PromoteGoldenRequest(GoldenSourceKind.Flag, golden, Verdict.Violation, ["hate"], "CP-2.1", "x"), default)).Succeeded);
        Assert.Equal(golden, (await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default)).FlagId);

        var bobSees = await fixture.Triage.GetAsync(other, bob, default);
        var aliceSees = await fixture.Triage.GetAsync(other, alice, default);

        Assert.Equal(FlagStatus.New, bobSees!.Cluster!.Members.Single(m => m.Id == golden).Status);
        Assert.Equal(aliceSees!.Cluster!.OpenMembers + 1, bobSees.Cluster.OpenMembers);
        Assert.Equal(FlagStatus.Decided, aliceSees.Cluster.Members.Single(m => m.Id == golden).Status);
    }

    public void Dispose() => fixture.Dispose();
}
