using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Quality;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Features.Quality;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Tests.Flags.Triage;

namespace ReviewConsole.Tests.Quality;

/// <summary>Blind double review: the first answer is held, nothing takes effect until agreement or a
/// Lead's adjudication, and the second reviewer never sees the first answer.</summary>
public sealed class DoubleReviewTests : IDisposable
{
    private const string FirstReason = "FIRST-ANSWER-MARKER revoke: explicit threats";
    private readonly TriageFixture fixture = new(qualityOptions: new QualityOptions { DoubleReviewRate = 1, SevereDoubleReviewRate = 1 });
    private readonly StaffUser alice = new("u-alice", "Alice First");
    private readonly StaffUser bob = new("u-bob", "Bob Second");
    private readonly StaffUser lead = new("u-lead", "Lena Lead");

    private static DecideFlagRequest Violation(DecisionAction action, string reason, params string[] categories) =>
        new(Verdict.Violation, categories, action, "CP-2.1", reason);

    private async Task<long> FirstReviewAsync(DecisionAction action = DecisionAction.RevokeKey)
    {
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor);
        Assert.Equal(flag, (await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default)).FlagId);
        var first = await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, flag, Violation(action, FirstReason, "hate"), default);
        Assert.True(first.Succeeded, first.Message);
        Assert.Contains("held for a second review", first.Message, StringComparison.Ordinal);
        return flag;
    }

    [Fact]
    public async Task FirstDecision_Sampled_IsHeldWithoutDecisionLabelsOrEnforcement()
    {
        var flag = await FirstReviewAsync();

        await using var db = fixture.Database.CreateContext();
        Assert.Equal(FlagStatus.InDoubleReview, (await db.Set<Flag>().SingleAsync()).Status);
        Assert.Equal(0, await db.Set<FlagDecision>().CountAsync());
        Assert.Equal(0, await db.Set<DecisionLabel>().CountAsync());
        Assert.Equal(0, await db.Set<EnforcementAction>().CountAsync());
        var review = await db.Set<DoubleReview>().SingleAsync();
        Assert.Equal((flag, DoubleReviewState.AwaitingSecond, "hate@1"), (review.FlagId, review.State, review.PolicyVersions));
        // The audit trail says a first review happened, not what it was.
        Assert.DoesNotContain(await db.Set<AuditEvent>().Select(e => e.Summary + " " + e.AfterJson + " " + e.Reason).ToListAsync(), s => s.Contains("MARKER", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecondReviewer_GetsTheFlagFromNextAndSeesNoTraceOfTheFirstAnswer()
    {
        var flag = await FirstReviewAsync();

        var aliceNext = await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default);
        var bobNext = await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default);
        var seen = await fixture.Triage.GetAsync(flag, bob, default);

        Assert.Null(aliceNext.FlagId);
        Assert.Equal(flag, bobNext.FlagId);
        Assert.NotNull(seen);
        Assert.Equal(FlagStatus.New, seen.Status);
        Assert.True(seen.Lease.HeldByMe);
        Assert.Empty(seen.Decisions);
        Assert.Equal(0, seen.Actor.Strikes);
        Assert.Empty(seen.Actor.PriorDecisions);
        var everything = System.Text.Json.JsonSerializer.Serialize(seen);
        Assert.DoesNotContain("MARKER", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("Alice", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("RevokeKey", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondReview_Agreeing_MakesTheFirstAnswerTheDecisionAndRequestsEnforcement()
    {
        var flag = await FirstReviewAsync();
        await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default);

        var second = await fixture.Decisions.DecideAsync(bob, TriageRights.Reviewer, flag, Violation(DecisionAction.RevokeKey, "Threat, agree", "hate"), default);

        Assert.True(second.Succeeded, second.Message);
        await using var db = fixture.Database.CreateContext();
        var decision = await db.Set<FlagDecision>().Include(d => d.Labels).SingleAsync();
        Assert.Equal(("u-alice", FirstReason), (decision.DecidedBy, decision.Reason));
        Assert.NotNull(decision.DoubleReviewId);
        Assert.Single(decision.Labels);
        Assert.Equal(FlagStatus.Decided, (await db.Set<Flag>().SingleAsync()).Status);
        Assert.Equal(EnforcementKind.RevokeKey, (await db.Set<EnforcementAction>().SingleAsync()).Kind);
        Assert.Equal(DoubleReviewState.Agreed, (await db.Set<DoubleReview>().SingleAsync()).State);
        // The strike is written with the decision, not left to the sweeper's catch-up.
        var strike = await db.Set<Strike>().SingleAsync();
        Assert.Equal((EnforcementReason.Decision, decision.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), (DateTimeOffset?)null), (strike.Reason, strike.ReasonId, strike.RevokedAt));
    }

    [Fact]
    public async Task SecondReview_Disagreeing_WaitsForALeadWhoseAnswerIsFinalAndMayJoinTheGoldenSet()
    {
        var flag = await FirstReviewAsync();
        await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default);

        var second = await fixture.Decisions.DecideAsync(bob, TriageRights.Reviewer, flag, new DecideFlagRequest(Verdict.NoViolation, [], DecisionAction.None, "", "Quoting to criticise"), default);
        await using (var db = fixture.Database.CreateContext())
        {
            Assert.True(second.Succeeded, second.Message);
            Assert.Equal(0, await db.Set<FlagDecision>().CountAsync());
            Assert.Equal(0, await db.Set<EnforcementAction>().CountAsync());
            Assert.Equal(FlagStatus.InDoubleReview, (await db.Set<Flag>().SingleAsync()).Status);
        }

        var pending = Assert.Single(await fixture.DoubleReview.AwaitingAdjudicationAsync(default));
        var byReviewer = await fixture.Decisions.AdjudicateAsync(alice, TriageRights.Lead, pending.Id, Violation(DecisionAction.Warn, "mine", "hate"), false, default);
        var adjudicated = await fixture.Decisions.AdjudicateAsync(lead, TriageRights.Lead, pending.Id, Violation(DecisionAction.Warn, "Lead: threat stands", "hate"), addToGolden: true, default);
        var again = await fixture.Decisions.AdjudicateAsync(lead, TriageRights.Lead, pending.Id, Violation(DecisionAction.None, "again", "hate"), false, default);

        Assert.False(byReviewer.Succeeded);
        Assert.True(adjudicated.Succeeded, adjudicated.Message);
        Assert.False(again.Succeeded);
        await using var check = fixture.Database.CreateContext();
        var decision = await check.Set<FlagDecision>().SingleAsync();
        Assert.Equal(("u-lead", DecisionAction.Warn), (decision.DecidedBy, decision.Action));
        Assert.Equal(EnforcementKind.Warn, (await check.Set<EnforcementAction>().SingleAsync()).Kind);
        Assert.Equal(decision.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), (await check.Set<Strike>().SingleAsync()).ReasonId);
        var golden = await check.Set<GoldenItem>().SingleAsync();
        Assert.Equal((flag, Verdict.Violation, "hate"), (golden.SourceId, golden.ExpectedVerdict, golden.ExpectedCategories));
    }

    [Fact]
    public async Task Sampling_OverTenThousandFlags_MatchesTheConfiguredRatesWithinTolerance()
    {
        var service = new DoubleReviewService(fixture.Database.Factory, new ReviewConsole.Features.Audit.AuditLog(fixture.Clock), fixture.Clock, Microsoft.Extensions.Options.Options.Create(new QualityOptions { DoubleReviewRate = 0.1, SevereDoubleReviewRate = 0.3, SevereWeight = 0.8 }));

        var ordinary = Enumerable.Range(1, 10_000).Count(id => service.IsSampled(id, 0.5));
        var severe = Enumerable.Range(1, 10_000).Count(id => service.IsSampled(id, 0.95));

        // Binomial: 10,000 × 0.1 has sd 30, × 0.3 has sd 46; four standard deviations either side.
        Assert.InRange(ordinary, 1000 - 120, 1000 + 120);
        Assert.InRange(severe, 3000 - 184, 3000 + 184);
        Assert.True(Enumerable.Range(1, 10_000).All(id => !service.IsSampled(id, 0.5) || service.IsSampled(id, 0.95)), "a flag sampled at the base rate is sampled at the severe rate too");
    }

    public void Dispose() => fixture.Dispose();
}
