using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Tests.Flags.Triage;

/// <summary>Counters on write: cluster sizes and open members, organizations' confirmed violations.</summary>
public sealed class FlagCountersTests : IDisposable
{
    private readonly TriageFixture fixture = new();
    private readonly StaffUser alice = new("u-alice", "alice@example.test");
    private readonly StaffUser lead = new("u-lead", "lead@example.test");

    [Fact]
    public async Task DecideEscalateAndDecideCluster_KeepOpenMembersAndViolationsExact()
    {
        var actor = await fixture.ActorAsync();
        var cluster = await fixture.ClusterAsync();
        var members = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            members.Add(await fixture.FlagAsync(actor, priority: 90 - i, clusterId: cluster));
        }

        await using (var db = fixture.Database.CreateContext())
        {
            // What ingestion does after storing a batch.
            await FlagCounters.RecountClustersAsync(db, [cluster], default);
        }

        Assert.Equal((5, 5, 0), await CountersAsync(cluster, actor.OrganizationId));

        await ClaimAndDecideAsync(members[0], new DecideFlagRequest(Verdict.Violation, ["hate"], DecisionAction.None, "HC-1", "Hate."));
        Assert.Equal((5, 4, 1), await CountersAsync(cluster, actor.OrganizationId));

        await ClaimAndDecideAsync(members[1], new DecideFlagRequest(Verdict.Escalate, [], DecisionAction.None, "", "Unsure."));
        Assert.Equal((5, 4, 1), await CountersAsync(cluster, actor.OrganizationId));

        var all = await fixture.Decisions.DecideClusterAsync(lead, TriageRights.Lead, cluster, new DecideFlagRequest(Verdict.Violation, ["hate"], DecisionAction.None, "HC-1", "Campaign."), default);
        Assert.True(all.Succeeded, all.Message);
        Assert.Equal(4, all.FlagsDecided);
        Assert.Equal((5, 0, 5), await CountersAsync(cluster, actor.OrganizationId));

        // The counters equal what a full count finds.
        await using var check = fixture.Database.CreateContext();
        Assert.Equal(0, await check.Set<Flag>().CountAsync(f => f.ClusterId == cluster && f.Status != FlagStatus.Decided));
        Assert.Equal(5, await check.Set<FlagDecision>().CountAsync(d => d.OrganizationId == actor.OrganizationId && d.Verdict == Verdict.Violation));
    }

    [Fact]
    public async Task TriagePanels_ReadTheCounters()
    {
        var actor = await fixture.ActorAsync();
        var cluster = await fixture.ClusterAsync();
        var first = await fixture.FlagAsync(actor, clusterId: cluster);
        var second = await fixture.FlagAsync(actor, clusterId: cluster);
        await using (var db = fixture.Database.CreateContext())
        {
            await FlagCounters.RecountClustersAsync(db, [cluster], default);
        }

        await ClaimAndDecideAsync(first, new DecideFlagRequest(Verdict.Violation, ["hate"], DecisionAction.None, "HC-1", "Hate."));
        var details = await fixture.Triage.GetAsync(second, alice, default);

        Assert.NotNull(details);
        Assert.Equal(2, details.Cluster!.Size);
        Assert.Equal(1, details.Cluster.OpenMembers);
        Assert.Equal(1, details.Actor.Strikes);
        Assert.Equal(first, Assert.Single(details.Actor.PriorDecisions).FlagId);
    }

    public void Dispose() => fixture.Dispose();

    private async Task ClaimAndDecideAsync(long flagId, DecideFlagRequest request)
    {
        Assert.True((await fixture.Claims.ClaimAsync(alice, TriageRights.Reviewer, flagId, default)).Succeeded);
        var outcome = await fixture.Decisions.DecideAsync(alice, TriageRights.Reviewer, flagId, request, default);
        Assert.True(outcome.Succeeded, outcome.Message);
    }

    private async Task<(int Size, int Open, int Violations)> CountersAsync(long clusterId, long organizationId)
    {
        await using var db = fixture.Database.CreateContext();
        var cluster = await db.Set<FlagCluster>().AsNoTracking().SingleAsync(c => c.Id == clusterId);
        var violations = await db.Set<Organization>().Where(o => o.Id == organizationId).Select(o => o.ConfirmedViolations).SingleAsync();
        return (cluster.Size, cluster.OpenCount, violations);
    }
}
