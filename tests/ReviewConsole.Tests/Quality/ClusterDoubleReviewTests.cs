using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Quality;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Features.Quality;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Tests.Flags.Triage;

namespace ReviewConsole.Tests.Quality;

/// <summary>A sampled cluster decision is held whole: no decision, label or enforcement until a blind
/// second answer on a member the first reviewer opened agrees, or a Lead adjudicates; then every
/// confirmed member is decided once and each target enforced once.</summary>
public sealed class ClusterDoubleReviewTests : IDisposable
{
    private const string FirstReason = "FIRST-ANSWER-MARKER campaign of threats";
    private readonly TriageFixture fixture = new(qualityOptions: new QualityOptions { DoubleReviewRate = 1, SevereDoubleReviewRate = 1 });
    private readonly StaffUser alice = new("u-alice", "Alice First");
    private readonly StaffUser bob = new("u-bob", "Bob Second");
    private readonly StaffUser lead = new("u-lead", "Lena Lead");

    private static DecideFlagRequest Violation(DecisionAction action, string reason) => new(Verdict.Violation, ["hate"], action, "CP-2.1", reason);

    private sealed record Setup(long Cluster, long Seen, IReadOnlyList<long> Confirmed, long LateJoiner, IReadOnlyList<long> Keys);

    /// <summary>Four members over three keys; Alice opens one and decides the cluster (RevokeKey); a fifth joins after her preview.</summary>
    private async Task<Setup> HeldClusterAsync()
    {
        var cluster = await fixture.ClusterAsync();
        var a1 = await fixture.ActorAsync("org_a", "app_a", "key_a1");
        var a2 = await fixture.ActorAsync("org_a", "app_a", "key_a2");
        var b = await fixture.ActorAsync("org_b", "app_b", "key_b");
        var seen = await fixture.FlagAsync(a1, clusterId: cluster);
        await fixture.FlagAsync(a1, clusterId: cluster, priority: 80);
        await fixture.FlagAsync(a2, clusterId: cluster);
        await fixture.FlagAsync(b, clusterId: cluster);
        await new ContentAccessAudit(fixture.Database.Factory, new AuditLog(fixture.Clock))
            .RecordAsync(alice, "flag.opened", "Flag", seen.ToString(CultureInfo.InvariantCulture), "Opened", default);
        var preview = await fixture.Decisions.PreviewClusterAsync(alice, TriageRights.Reviewer, cluster, default);
        var lateJoiner = await fixture.FlagAsync(a1, clusterId: cluster);

        var first = await fixture.Decisions.DecideClusterAsync(alice, TriageRights.Reviewer, preview, Violation(DecisionAction.RevokeKey, FirstReason), default);

        Assert.True(first.Succeeded, first.Message);
        Assert.Contains("held for a second review", first.Message, StringComparison.Ordinal);
        return new Setup(cluster, seen, preview.MemberIds, lateJoiner, [a1.ApiKeyId, a2.ApiKeyId, b.ApiKeyId]);
    }

    [Fact]
    public async Task ClusterDecision_Sampled_IsHeldWholeWithNoDecisionLabelOrEnforcement()
    {
        var setup = await HeldClusterAsync();

        await using var db = fixture.Database.CreateContext();
        Assert.Equal(0, await db.Set<FlagDecision>().CountAsync());
        Assert.Equal(0, await db.Set<DecisionLabel>().CountAsync());
        Assert.Equal(0, await db.Set<EnforcementAction>().CountAsync());
        var review = await db.Set<DoubleReview>().SingleAsync();
        Assert.Equal((setup.Seen, setup.Cluster, 4, DoubleReviewState.AwaitingSecond), (review.FlagId, review.ClusterId, review.MemberCount, review.State));
        Assert.Equal(setup.Confirmed.Order(), await db.Set<DoubleReviewMember>().Where(m => m.DoubleReviewId == review.Id).Select(m => m.FlagId).OrderBy(id => id).ToListAsync());
        var statuses = await db.Set<Flag>().Where(f => f.ClusterId == setup.Cluster).ToDictionaryAsync(f => f.Id, f => f.Status);
        Assert.All(setup.Confirmed, id => Assert.Equal(FlagStatus.InDoubleReview, statuses[id]));
        Assert.Equal(FlagStatus.New, statuses[setup.LateJoiner]);
        Assert.Equal(1, (await db.Set<FlagCluster>().SingleAsync()).OpenCount);
        Assert.DoesNotContain(await db.Set<AuditEvent>().Select(e => e.Summary + " " + e.AfterJson + " " + e.Reason).ToListAsync(), s => s.Contains("MARKER", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecondReview_OnTheRepresentative_IsBlindAndAgreementEnforcesOnceForTheConfirmedMembers()
    {
        var setup = await HeldClusterAsync();

        var claimed = await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default);
        Assert.Equal(setup.Seen, claimed.FlagId);
        var seenByBob = await fixture.Triage.GetAsync(setup.Seen, bob, default);
        Assert.NotNull(seenByBob);
        Assert.Equal(FlagStatus.New, seenByBob.Status);
        Assert.Empty(seenByBob.Decisions);
        Assert.DoesNotContain(seenByBob.Cluster!.Members, m => m.Status == FlagStatus.InDoubleReview);
        Assert.DoesNotContain("MARKER", System.Text.Json.JsonSerializer.Serialize(seenByBob), StringComparison.Ordinal);

        var second = await fixture.Decisions.DecideAsync(bob, TriageRights.Reviewer, setup.Seen, Violation(DecisionAction.RevokeKey, "threats, agree"), default);

        Assert.True(second.Succeeded, second.Message);
        await using var db = fixture.Database.CreateContext();
        var decisions = await db.Set<FlagDecision>().ToListAsync();
        Assert.Equal(setup.Confirmed.Order(), decisions.Select(d => d.FlagId).Order());
        Assert.All(decisions, d => Assert.Equal(("u-alice", FirstReason, setup.Cluster), (d.DecidedBy, d.Reason, d.ClusterId)));
        Assert.All(decisions, d => Assert.NotNull(d.DoubleReviewId));
        // Only the member a reviewer opened is labelled.
        Assert.Equal([setup.Seen], (await db.Set<DecisionLabel>().ToListAsync()).Select(l => l.FlagId).Distinct());
        var revoked = await db.Set<EnforcementAction>().Where(a => a.Kind == EnforcementKind.RevokeKey).Select(a => a.TargetId).OrderBy(id => id).ToListAsync();
        Assert.Equal(setup.Keys.Order(), revoked);
        var statuses = await db.Set<Flag>().Where(f => f.ClusterId == setup.Cluster).ToDictionaryAsync(f => f.Id, f => f.Status);
        Assert.All(setup.Confirmed, id => Assert.Equal(FlagStatus.Decided, statuses[id]));
        Assert.Equal(FlagStatus.New, statuses[setup.LateJoiner]);
        var review = await db.Set<DoubleReview>().SingleAsync();
        Assert.Equal(DoubleReviewState.Agreed, review.State);
        Assert.Equal(decisions.Single(d => d.FlagId == setup.Seen).Id, review.FinalDecisionId);
        Assert.Equal(1, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "flag.cluster-decided"));
    }

    [Fact]
    public async Task SecondReview_Disagreeing_WaitsForTheLeadWhoseAnswerAppliesOnceToEveryHeldMember()
    {
        var setup = await HeldClusterAsync();
        await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default);

        var second = await fixture.Decisions.DecideAsync(bob, TriageRights.Reviewer, setup.Seen, Violation(DecisionAction.Warn, "warn is enough"), default);
        await using (var db = fixture.Database.CreateContext())
        {
            Assert.True(second.Succeeded, second.Message);
            Assert.Equal(0, await db.Set<FlagDecision>().CountAsync());
            Assert.Equal(0, await db.Set<EnforcementAction>().CountAsync());
        }

        var pending = Assert.Single(await fixture.DoubleReview.AwaitingAdjudicationAsync(default));
        Assert.Equal((setup.Cluster, 4), (pending.ClusterId, pending.Members));
        var adjudicated = await fixture.Decisions.AdjudicateAsync(lead, TriageRights.Lead, pending.Id, Violation(DecisionAction.RevokeKey, "Lead: revoke the campaign's keys"), addToGolden: false, default);
        var again = await fixture.Decisions.AdjudicateAsync(lead, TriageRights.Lead, pending.Id, Violation(DecisionAction.Warn, "again"), false, default);

        Assert.True(adjudicated.Succeeded, adjudicated.Message);
        Assert.Equal(4, adjudicated.FlagsDecided);
        Assert.False(again.Succeeded);
        await using var check = fixture.Database.CreateContext();
        var decisions = await check.Set<FlagDecision>().ToListAsync();
        Assert.Equal(setup.Confirmed.Order(), decisions.Select(d => d.FlagId).Order());
        Assert.All(decisions, d => Assert.Equal(("u-lead", DecisionAction.RevokeKey), (d.DecidedBy, d.Action)));
        var actions = await check.Set<EnforcementAction>().ToListAsync();
        Assert.Equal(setup.Keys.Order(), actions.Where(a => a.Kind == EnforcementKind.RevokeKey).Select(a => a.TargetId).Order());
        Assert.DoesNotContain(actions, a => a.Kind == EnforcementKind.Warn);
        Assert.Equal(FlagStatus.New, (await check.Set<Flag>().SingleAsync(f => f.Id == setup.LateJoiner)).Status);
    }

    public void Dispose() => fixture.Dispose();
}
