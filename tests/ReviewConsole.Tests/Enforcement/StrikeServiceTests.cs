using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;
using ReviewConsole.Testing.Enforcement;
using static ReviewConsole.Tests.Enforcement.EnforcementTestData;

namespace ReviewConsole.Tests.Enforcement;

public sealed class StrikeServiceTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly EnforcementHarness node;

    public StrikeServiceTests() => node = new EnforcementHarness(database, settings: new Dictionary<string, string?>
    {
        ["Enforcement:StrikeWeights:hate"] = "2",
        ["Enforcement:StrikeWeights:sexual/minors"] = "10",
    });

    private StrikeService Strikes => node.Get<StrikeService>();

    private async Task<StrikeOutcome> StrikeAsync(long orgId, string category, string reasonId)
    {
        await using var db = database.CreateContext();
        StrikeOutcome outcome = default!;
        await db.InTransactionAsync(
            async ct =>
            {
                outcome = await Strikes.RecordAsync(db, new RecordStrikeRequest(orgId, category, EnforcementReason.Decision, reasonId, "MU-1", "test"), StaffUser.System, default);
            },
            CancellationToken.None);
        return outcome;
    }

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(1, 2, null)]
    [InlineData(2, 3, 3)]
    [InlineData(2, 7, 6)]
    [InlineData(0, 12, 10)]
    [InlineData(10, 14, null)]
    public void Crossed_DefaultLadder_ProposesTheHighestThresholdReached(int before, int after, int? expected)
    {
        var crossed = StrikeService.Crossed(EnforcementOptions.DefaultLadder, before, after);

        Assert.Equal(expected, crossed?.Points);
    }

    [Fact]
    public async Task Record_WeightedStrikes_ProposeWarnThenRateLimitThenRevocation()
    {
        var ids = await ActorAsync(database, "st");

        var first = await StrikeAsync(ids.OrganizationId, "spam", "d1");
        var second = await StrikeAsync(ids.OrganizationId, "hate", "d2");
        var third = await StrikeAsync(ids.OrganizationId, "spam", "d3");
        var fourth = await StrikeAsync(ids.OrganizationId, "hate", "d4");

        Assert.Equal(EnforcementKind.Warn, first.Proposal?.ProposedKind);
        Assert.Equal((1, 3), (second.PointsBefore, second.PointsAfter));
        Assert.Equal(EnforcementKind.SetRateLimit, second.Proposal?.ProposedKind);
        Assert.Null(third.Proposal);
        Assert.Equal(EnforcementKind.RevokeKey, fourth.Proposal?.ProposedKind);
        Assert.Equal(6, fourth.PointsAfter);
    }

    [Fact]
    public async Task Record_SameDecisionTwice_CountsOnce()
    {
        var ids = await ActorAsync(database, "dup");

        await StrikeAsync(ids.OrganizationId, "hate", "d1");
        var again = await StrikeAsync(ids.OrganizationId, "hate", "d1");

        Assert.False(again.Created);
        Assert.Null(again.Proposal);
        await using var db = database.CreateContext();
        Assert.Equal(1, await db.Set<Strike>().CountAsync());
    }

    [Fact]
    public async Task Record_SevereCategory_JumpsToSuspensionProposal()
    {
        var ids = await ActorAsync(database, "csam");

        var outcome = await StrikeAsync(ids.OrganizationId, "sexual/minors", "d9");

        Assert.Equal(EnforcementKind.SuspendOrganization, outcome.Proposal?.ProposedKind);
    }

    [Fact]
    public async Task ConfirmProposal_RateLimit_RequestsTheSanctionOnce()
    {
        var ids = await ActorAsync(database, "conf");
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var outcome = await StrikeAsync(ids.OrganizationId, "hate", "d1");
        outcome = await StrikeAsync(ids.OrganizationId, "spam", "d2");
        var proposal = outcome.Proposal!;

        var confirmed = await Strikes.ConfirmProposalAsync(proposal.Id, reviewer, default);
        var twice = await Strikes.ConfirmProposalAsync(proposal.Id, reviewer, default);

        Assert.True(confirmed.Succeeded, confirmed.Message);
        Assert.False(twice.Succeeded);
        await using var db = database.CreateContext();
        var action = await db.Set<EnforcementAction>().SingleAsync();
        Assert.Equal(EnforcementKind.SetRateLimit, action.Kind);
        Assert.Equal(EnforcementReason.Strike, action.Reason);
        Assert.Equal(EnforcementState.Pending, action.State);
        Assert.Equal(ProposalState.Confirmed, (await db.Set<SanctionProposal>().SingleAsync(p => p.Id == proposal.Id)).State);
    }

    [Fact]
    public async Task ConfirmProposal_ByAnAuditor_IsRefused()
    {
        var ids = await ActorAsync(database, "aud");
        var auditor = await EnforcementHarness.CreateStaffAsync(database, Roles.Auditor);
        var outcome = await StrikeAsync(ids.OrganizationId, "spam", "d1");

        var result = await Strikes.ConfirmProposalAsync(outcome.Proposal!.Id, auditor, default);

        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task RecordFromDecisions_ViolationDecisions_BecomeStrikesOnce()
    {
        var ids = await ActorAsync(database, "fd");
        await using (var db = database.CreateContext())
        {
            var flag = new Flag { UpstreamId = "up-1", OrganizationId = ids.OrganizationId, ApplicationId = ids.ApplicationId, ApiKeyId = ids.ApiKeyId, TopCategory = "hate", CreatedAt = DateTimeOffset.UtcNow, SlaDueAt = DateTimeOffset.UtcNow };
            var other = new Flag { UpstreamId = "up-2", OrganizationId = ids.OrganizationId, ApplicationId = ids.ApplicationId, ApiKeyId = ids.ApiKeyId, TopCategory = "spam", CreatedAt = DateTimeOffset.UtcNow, SlaDueAt = DateTimeOffset.UtcNow };
            db.AddRange(flag, other);
            await db.SaveChangesAsync();
            db.AddRange(
                new FlagDecision { FlagId = flag.Id, Verdict = Verdict.Violation, ConfirmedCategories = "spam hate", DecidedBy = "u1", DecidedByName = "riley", DecidedAt = DateTimeOffset.UtcNow },
                new FlagDecision { FlagId = other.Id, Verdict = Verdict.NoViolation, DecidedBy = "u1", DecidedByName = "riley", DecidedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var first = await Strikes.RecordFromDecisionsAsync(default);
        var second = await Strikes.RecordFromDecisionsAsync(default);

        Assert.Equal(1, first);
        Assert.Equal(0, second);
        await using var read = database.CreateContext();
        var strike = await read.Set<Strike>().SingleAsync();
        Assert.Equal("hate", strike.Category);
        Assert.Equal(2, strike.Weight);
    }

    [Fact]
    public async Task RecordFromDecisions_AfterAFullSweep_ReadsOnlyNewDecisions_AndStillFindsThem()
    {
        var ids = await ActorAsync(database, "wm");
        await InsertViolationWithoutStrikeAsync(ids, "wm-1");
        Assert.Equal(1, await Strikes.RecordFromDecisionsAsync(default));

        // A decision stored after the sweep (an import, a straggler) is above the watermark and found.
        await InsertViolationWithoutStrikeAsync(ids, "wm-2");
        Assert.Equal(1, await Strikes.RecordFromDecisionsAsync(default));

        // One below the watermark is not read again by this node: the first pass covered it.
        await using (var db = database.CreateContext())
        {
            await db.Set<SanctionProposal>().ExecuteDeleteAsync();
            await db.Set<Strike>().ExecuteDeleteAsync();
        }

        Assert.Equal(0, await Strikes.RecordFromDecisionsAsync(default));
    }

    private async Task<long> InsertViolationWithoutStrikeAsync(ReviewConsole.Features.Actors.ActorIds ids, string upstreamId)
    {
        await using var db = database.CreateContext();
        var flag = new Flag { UpstreamId = upstreamId, OrganizationId = ids.OrganizationId, ApplicationId = ids.ApplicationId, ApiKeyId = ids.ApiKeyId, TopCategory = "spam", CreatedAt = DateTimeOffset.UtcNow, SlaDueAt = DateTimeOffset.UtcNow };
        db.Add(flag);
        await db.SaveChangesAsync();
        var decision = new FlagDecision { FlagId = flag.Id, OrganizationId = ids.OrganizationId, Verdict = Verdict.Violation, ConfirmedCategories = "spam", DecidedBy = "u1", DecidedByName = "riley", DecidedAt = DateTimeOffset.UtcNow };
        db.Add(decision);
        await db.SaveChangesAsync();
        return decision.Id;
    }

    public void Dispose()
    {
        node.Dispose();
        database.Dispose();
    }
}
