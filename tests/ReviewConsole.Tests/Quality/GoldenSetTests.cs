using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Quality;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Features.Quality;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Tests.Flags.Triage;

namespace ReviewConsole.Tests.Quality;

/// <summary>A draw that is always below the golden share, then picks the first candidate.</summary>
internal sealed class FixedSampler(double draw) : QualitySampler(new Random(1))
{
    public override double NextClaimDraw() => draw;
}

public sealed class GoldenSetTests : IDisposable
{
    private readonly TriageFixture fixture = new(qualityOptions: new QualityOptions { GoldenShare = 0.5 }, sampler: new FixedSampler(0));
    private readonly StaffUser alice = new("u-alice", "Alice");
    private readonly StaffUser bob = new("u-bob", "Bob");
    private readonly StaffUser lead = new("u-lead", "Lena Lead");

    private async Task<long> DecidedGoldenFlagAsync()
    {
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor, scores: [("hate", 0.95, true), ("violence", 0.4, false)]);
        await fixture.Claims.ClaimAsync(alice, TriageRights.Reviewer, flag, default);
        Assert.True((await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, flag, new DecideFlagRequest(Verdict.Violation, ["hate"], DecisionAction.RevokeKey, "CP-2.1", "threat"), default)).Succeeded);
        var promoted = await fixture.Golden.PromoteAsync(lead, new PromoteGoldenRequest(GoldenSourceKind.Flag, flag, Verdict.Violation, ["hate"], "CP-2.1", "clear threat"), default);
        Assert.True(promoted.Succeeded, promoted.Message);
        return flag;
    }

    [Fact]
    public async Task GoldenAnswer_IsScoredAndNeverCreatesDecisionsLabelsOrEnforcement()
    {
        var flag = await DecidedGoldenFlagAsync();
        await using (var before = fixture.Database.CreateContext())
        {
            Assert.Equal((1, 1), (await before.Set<FlagDecision>().CountAsync(), await before.Set<EnforcementAction>().CountAsync()));
        }

        var served = await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default);
        var view = await fixture.Triage.GetAsync(flag, bob, default);
        var answered = await fixture.Decisions.DecideAsync(bob, TriageRights.Reviewer, flag, new DecideFlagRequest(Verdict.Violation, ["hate"], DecisionAction.RevokeKey, "CP-2.1", "revoke"), default);

        Assert.Equal(flag, served.FlagId);
        Assert.NotNull(view);
        Assert.Equal(FlagStatus.New, view.Status);
        Assert.Empty(view.Decisions);
        Assert.True(view.Lease.HeldByMe);
        Assert.Empty(view.Actor.OpenEnforcement);
        Assert.Equal(0, view.Actor.Strikes);
        Assert.True(answered.Succeeded, answered.Message);
        Assert.Equal("Violation recorded; 1 enforcement action(s) requested.", answered.Message);
        await using var db = fixture.Database.CreateContext();
        Assert.Equal(1, await db.Set<FlagDecision>().CountAsync());
        Assert.Equal(1, await db.Set<DecisionLabel>().CountAsync());
        Assert.Equal(1, await db.Set<EnforcementAction>().CountAsync());
        var answer = await db.Set<GoldenAnswer>().SingleAsync();
        Assert.Equal(("u-bob", true, true), (answer.ReviewerId, answer.Correct, answer.VerdictCorrect));
    }

    [Fact]
    public async Task GoldenAnswer_Wrong_IsScoredWrongAndTheItemIsNotServedToTheSameReviewerTwice()
    {
        var flag = await DecidedGoldenFlagAsync();
        await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default);
        await fixture.Decisions.DecideAsync(bob, TriageRights.Reviewer, flag, new DecideFlagRequest(Verdict.NoViolation, [], DecisionAction.None, "", "looks fine"), default);

        var next = await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default);
        var original = await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default);

        Assert.Null(next.FlagId);
        Assert.Null(original.FlagId);
        await using var db = fixture.Database.CreateContext();
        Assert.Equal((false, false), ((await db.Set<GoldenAnswer>().SingleAsync()).Correct, (await db.Set<GoldenAnswer>().SingleAsync()).VerdictCorrect));
    }

    [Fact]
    public async Task GoldenItem_PageOpen_RenewsItsReservationLikeALease()
    {
        var flag = await DecidedGoldenFlagAsync();
        await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default);

        fixture.Clock.Advance(TimeSpan.FromMinutes(8));
        var renewed = await fixture.Claims.RenewAsync(bob, flag, default);
        fixture.Clock.Advance(TimeSpan.FromMinutes(8));
        var answered = await fixture.Decisions.DecideAsync(bob, TriageRights.Reviewer, flag, new DecideFlagRequest(Verdict.Violation, ["hate"], DecisionAction.None, "CP-2.1", "threat"), default);

        Assert.True(renewed);
        Assert.True(answered.Succeeded, answered.Message);
        Assert.False(await fixture.Claims.RenewAsync(alice, flag, default));
    }

    [Fact]
    public async Task GoldenShare_OverTenThousandClaims_IsWithinTolerance()
    {
        await DecidedGoldenFlagAsync();
        var options = new QualityOptions { GoldenShare = 0.05 };
        var sampler = new QualitySampler(new Random(2026));
        var golden = new GoldenSetService(fixture.Database.Factory, new ReviewConsole.Features.Audit.AuditLog(fixture.Clock), fixture.Clock, sampler, Microsoft.Extensions.Options.Options.Create(options));

        var served = 0;
        var reviewer = new StaffUser("u-many", "r");
        await using var db = fixture.Database.CreateContext();
        for (var i = 0; i < 10_000; i++)
        {
            // Each claim in its own unit, rolled back, so the one item stays a candidate for every claim.
            var claimed = await db.InTransactionAsync(ct => golden.ClaimAsync(db, reviewer, [], [], ct), _ => false);
            if (claimed is not null)
            {
                served++;
            }

            db.ChangeTracker.Clear();
        }

        // 10,000 × 0.05: sd ≈ 21.8; four standard deviations either side.
        Assert.InRange(served, 500 - 88, 500 + 88);
    }

    public void Dispose() => fixture.Dispose();
}
