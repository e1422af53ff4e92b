using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Appeals;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Appeals;
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
    [InlineData(null)]
    [InlineData("Open law-enforcement referral LE-42; do not tip off.")]
    public async Task RevokeDecision_Executed_SendsANoticeUnlessWithheldWithAReason(string? optOut)
    {
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor);
        await fixture.Claims.ClaimAsync(alice, TriageRights.Reviewer, flag, default);

        var outcome = await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, flag, new DecideFlagRequest(Verdict.Violation, ["hate"], DecisionAction.RevokeKey, "CP-3.1", "Automated hate campaign.", optOut), default);
        await node.DrainAsync(Drain);

        Assert.True(outcome.Succeeded, outcome.Message);
        await using var db = fixture.Database.CreateContext();
        Assert.Equal(ApiKeyStatus.Revoked, (await db.Set<ApiKey>().SingleAsync(k => k.Id == actor.ApiKeyId)).Status);
        var notices = await db.Set<Notice>().CountAsync();
        var sendNotices = await db.Set<EnforcementAction>().CountAsync(a => a.Kind == EnforcementKind.SendNotice);
        var withheld = await db.Set<AuditEvent>().Where(e => e.Kind == FlagDecisionService.NoticeWithheldAuditKind).ToListAsync();
        if (optOut is null)
        {
            Assert.Equal((1, 1), (notices, sendNotices));
            Assert.Empty(withheld);
        }
        else
        {
            Assert.Equal((0, 0), (notices, sendNotices));
            Assert.Equal(optOut, Assert.Single(withheld).Reason);
            Assert.Equal(optOut, (await db.Set<EnforcementAction>().SingleAsync(a => a.Kind == EnforcementKind.RevokeKey)).NoticeOptOutReason);
        }
    }

    [Theory]
    [InlineData(DecisionAction.RevokeKey, "   ", "Say why the organization is not notified")]
    [InlineData(DecisionAction.RevokeKey, "secret", "Say why the organization is not notified")]
    [InlineData(DecisionAction.OpenIncident, "Open law-enforcement referral.", "there is no notice to withhold")]
    public async Task WithholdNotice_WithoutAUsableReason_IsRefusedAndNothingIsWritten(DecisionAction chosen, string optOut, string problem)
    {
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor);
        await fixture.Claims.ClaimAsync(alice, TriageRights.Reviewer, flag, default);

        var outcome = await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, flag, new DecideFlagRequest(Verdict.Violation, ["hate"], chosen, "CP-3.1", "Automated hate campaign.", optOut), default);

        Assert.False(outcome.Succeeded);
        Assert.Contains(problem, outcome.Message, StringComparison.Ordinal);
        await using var db = fixture.Database.CreateContext();
        Assert.False(await db.Set<FlagDecision>().AnyAsync());
        Assert.False(await db.Set<EnforcementAction>().AnyAsync());
    }

    [Fact]
    public async Task Overturn_AfterTheDecisionRecordedItsStrike_RevokesItAndTheSweepAddsNothing()
    {
        var appeals = node.Get<AppealService>();
        var other = await EnforcementHarness.CreateStaffAsync(fixture.Database, Roles.Lead);
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor);
        await fixture.Claims.ClaimAsync(alice, TriageRights.Reviewer, flag, default);
        Assert.True((await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, flag, new DecideFlagRequest(Verdict.Violation, ["hate"], DecisionAction.RevokeKey, "CP-3.1", "Threats."), default)).Succeeded);
        await node.DrainAsync(Drain);
        Assert.Equal(1, await PointsAsync(actor.OrganizationId));

        var sanction = await SanctionAsync();
        var appeal = await appeals.FileAsync(new FileAppealRequest(sanction.Id, "The key was stolen.", null), AppealSource.Staff, other, null, default);
        Assert.True((await appeals.DecideAsync(appeal.Appeal!.Id, true, "Stolen key, confirmed.", other, default)).Succeeded);
        var swept = await node.Get<StrikeService>().RecordFromDecisionsAsync(default);

        Assert.Equal(0, swept);
        Assert.Equal(0, await PointsAsync(actor.OrganizationId));
        await using var db = fixture.Database.CreateContext();
        Assert.NotNull((await db.Set<Strike>().SingleAsync()).RevokedAt);
    }

    [Fact]
    public async Task Overturn_BeforeTheSweepRecordsAStragglersStrike_LeavesItRevoked()
    {
        // A violation stored without its strike (a decision from before strikes were written with
        // it, or an import): the sweep is the only path that records it, after the overturn.
        var appeals = node.Get<AppealService>();
        var other = await EnforcementHarness.CreateStaffAsync(fixture.Database, Roles.Lead);
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor);
        await fixture.Claims.ClaimAsync(alice, TriageRights.Reviewer, flag, default);
        Assert.True((await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, flag, new DecideFlagRequest(Verdict.Violation, ["hate"], DecisionAction.RevokeKey, "CP-3.1", "Threats."), default)).Succeeded);
        await node.DrainAsync(Drain);
        await using (var db = fixture.Database.CreateContext())
        {
            await db.Set<SanctionProposal>().ExecuteDeleteAsync();
            await db.Set<Strike>().ExecuteDeleteAsync();
        }

        var sanction = await SanctionAsync();
        var appeal = await appeals.FileAsync(new FileAppealRequest(sanction.Id, "The key was stolen.", null), AppealSource.Staff, other, null, default);
        Assert.True((await appeals.DecideAsync(appeal.Appeal!.Id, true, "Stolen key, confirmed.", other, default)).Succeeded);
        var swept = await node.Get<StrikeService>().RecordFromDecisionsAsync(default);

        Assert.Equal(1, swept);
        Assert.Equal(0, await PointsAsync(actor.OrganizationId));
        await using var check = fixture.Database.CreateContext();
        var strike = await check.Set<Strike>().SingleAsync();
        Assert.NotNull(strike.RevokedAt);
        Assert.False(await check.Set<SanctionProposal>().AnyAsync());
    }

    private async Task<EnforcementAction> SanctionAsync()
    {
        await using var db = fixture.Database.CreateContext();
        var sanction = await db.Set<EnforcementAction>().SingleAsync(a => a.Kind == EnforcementKind.RevokeKey);
        Assert.Equal(EnforcementState.Succeeded, sanction.State);
        return sanction;
    }

    private async Task<int> PointsAsync(long organizationId)
    {
        await using var db = fixture.Database.CreateContext();
        return await StrikeService.ActivePointsAsync(db, organizationId, fixture.Clock.GetUtcNow(), default);
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
