using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing.Enforcement;

namespace ReviewConsole.Tests.Flags.Triage;

/// <summary>Flag decisions carried out: the decision is taken through the triage service, the outbox
/// is executed as the sweeper runs it, and the assertions read the key registry and the notices.</summary>
public sealed class FlagDecisionEffectsTests : IDisposable
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);
    private readonly TriageFixture fixture;
    private readonly EnforcementHarness node;
    private readonly StaffUser alice = new("u-alice", "alice@example.test");

    public FlagDecisionEffectsTests()
    {
        fixture = new TriageFixture(triageOptions: new FlagsTriageOptions { RateLimit = new DecisionRateLimitOptions { Rpm = 17, Tpm = 4_321 } });
        node = new EnforcementHarness(fixture.Database, fixture.Clock);
    }

    [Fact]
    public async Task RateLimitDecision_Executed_SetsTheConfiguredLimitsOnTheFlagsKey()
    {
        var actor = await fixture.ActorAsync();
        var other = await fixture.ActorAsync("org_b", "app_b", "key_b");
        var flag = await fixture.FlagAsync(actor);
        await fixture.Claims.ClaimAsync(alice, TriageRights.Reviewer, flag, default);

        var outcome = await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, flag, new DecideFlagRequest(Verdict.Violation, ["hate"], DecisionAction.RateLimit, "CP-3.1", "Automated hate campaign."), default);
        await node.DrainAsync(Drain);

        Assert.True(outcome.Succeeded, outcome.Message);
        await using var db = fixture.Database.CreateContext();
        var key = await db.Set<ApiKey>().AsNoTracking().SingleAsync(k => k.Id == actor.ApiKeyId);
        Assert.Equal((17, 4_321), (key.RateLimitRpm, key.RateLimitTpm));
        var untouched = await db.Set<ApiKey>().AsNoTracking().SingleAsync(k => k.Id == other.ApiKeyId);
        Assert.Equal(((int?)null, (int?)null), (untouched.RateLimitRpm, untouched.RateLimitTpm));
        Assert.Equal(EnforcementState.Succeeded, (await db.Set<EnforcementAction>().SingleAsync(a => a.Kind == EnforcementKind.SetRateLimit)).State);
    }

    [Theory]
    [InlineData(0, 40_000, "FlagsTriage:RateLimit:Rpm")]
    [InlineData(60, -5, "FlagsTriage:RateLimit:Tpm")]
    public void Options_NonPositiveRateLimit_FailValidationNamingTheKey(int rpm, int tpm, string key)
    {
        var options = new FlagsTriageOptions { RateLimit = new DecisionRateLimitOptions { Rpm = rpm, Tpm = tpm } };

        var result = new FlagsTriageOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        node.Dispose();
        fixture.Dispose();
    }
}
