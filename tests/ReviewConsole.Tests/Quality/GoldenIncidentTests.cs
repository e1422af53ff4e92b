using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Data.Quality;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Features.Quality;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Tests.Flags.Triage;

namespace ReviewConsole.Tests.Quality;

/// <summary>A golden answer that would open an incident opens none, yet confirms exactly like a real
/// decision (live confirmations name no incident number either).</summary>
public sealed class GoldenIncidentTests : IDisposable
{
    private readonly TriageFixture fixture = new(qualityOptions: new QualityOptions { GoldenShare = 0.5 }, sampler: new FixedSampler(0));
    private readonly StaffUser alice = new("u-alice", "Alice");
    private readonly StaffUser bob = new("u-bob", "Bob");
    private readonly StaffUser lead = new("u-lead", "Lena Lead");

    private static DecideFlagRequest Violation(DecisionAction action) => new(Verdict.Violation, ["hate"], action, "CP-2.1", "organised threats");

    private async Task<long> DecidedAsync(ReviewConsole.Features.Actors.ActorIds actor, DecisionAction action)
    {
        var flag = await fixture.FlagAsync(actor);
        Assert.True((await fixture.Claims.ClaimAsync(alice, TriageRights.Reviewer, flag, default)).Succeeded);
        var decided = await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, flag, Violation(action), default);
        Assert.True(decided.Succeeded, decided.Message);
        return flag;
    }

    private async Task PromoteAsync(long flag, DecisionAction expected)
    {
        var promoted = await fixture.Golden.PromoteAsync(lead, new PromoteGoldenRequest(GoldenSourceKind.Flag, flag, Verdict.Violation, ["hate"], "CP-2.1", expected.ToString()), default);
        Assert.True(promoted.Succeeded, promoted.Message);
    }

    private async Task<(int Incidents, int Links, int StatusChanges, int Actions, int Decisions)> CountsAsync()
    {
        await using var db = fixture.Database.CreateContext();
        return (await db.Set<Incident>().CountAsync(), await db.Set<IncidentLink>().CountAsync(), await db.Set<IncidentStatusChange>().CountAsync() + await db.Set<IncidentTimelineEntry>().CountAsync(), await db.Set<EnforcementAction>().CountAsync(), await db.Set<FlagDecision>().CountAsync());
    }

    [Fact]
    public async Task GoldenAnswer_OpenIncident_OpensNoneAndConfirmsAsALiveDecisionDoes()
    {
        var actor = await fixture.ActorAsync();
        var flag = await DecidedAsync(actor, DecisionAction.OpenIncident);
        await PromoteAsync(flag, DecisionAction.OpenIncident);

        var before = await CountsAsync();
        Assert.Equal(flag, (await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default)).FlagId);
        var answered = await fixture.Decisions.DecideAsync(bob, TriageRights.Reviewer, flag, Violation(DecisionAction.OpenIncident), default);

        Assert.True(answered.Succeeded, answered.Message);
        Assert.Equal("Violation recorded; incident opened for the incident responders.", answered.Message);
        Assert.Null(answered.IncidentId);
        Assert.Equal(before, await CountsAsync());
        await using var check = fixture.Database.CreateContext();
        Assert.True((await check.Set<GoldenAnswer>().SingleAsync()).Correct);
        Assert.DoesNotContain(await check.Set<AuditEvent>().Where(e => e.ActorId == "u-bob").Select(e => e.Kind).ToListAsync(), k => k.StartsWith("incident.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GoldenAnswer_OpenIncidentWhereNoIncidentExistsAnywhere_ConfirmsExactlyAsTheLiveDecisionBesideIt()
    {
        // The original decision revoked a key: no incident exists in the whole database, which used to
        // leave the golden confirmation without the incident a live one names.
        var actor = await fixture.ActorAsync();
        var golden = await DecidedAsync(actor, DecisionAction.RevokeKey);
        await PromoteAsync(golden, DecisionAction.RevokeKey);

        var before = await CountsAsync();
        Assert.Equal(0, before.Incidents);
        Assert.Equal(golden, (await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default)).FlagId);
        var answered = await fixture.Decisions.DecideAsync(bob, TriageRights.Reviewer, golden, Violation(DecisionAction.OpenIncident), default);
        var afterGolden = await CountsAsync();

        // A real decision of the same kind, for the shape of its confirmation.
        var live = await fixture.FlagAsync(actor);
        await fixture.Claims.ClaimAsync(bob, TriageRights.Reviewer, live, default);
        var real = await fixture.Decisions.DecideAsync(bob, TriageRights.Reviewer, live, Violation(DecisionAction.OpenIncident), default);

        Assert.Equal(real.Message, answered.Message);
        Assert.NotNull(real.IncidentId);
        Assert.Equal(before, afterGolden);
        var after = await CountsAsync();
        Assert.Equal(before.Incidents + 1, after.Incidents);
        Assert.Equal(before.Actions, after.Actions);
        Assert.Equal(before.Decisions + 1, after.Decisions);
    }

    public void Dispose() => fixture.Dispose();
}
