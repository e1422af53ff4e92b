using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Wellness;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Features.Wellness;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Tests.Flags.Triage;

/// <summary>Issue 14.6: every path that shows a reviewer content counts against the daily cap,
/// atomically with its claim, and the cap holds under concurrency.</summary>
public sealed class ExposureCapTests : IDisposable
{
    private readonly TriageFixture fixture = new(new WellnessOptions { DailyCapPerCategory = 100, CategoryCaps = { ["hate"] = 3 } });
    private readonly StaffUser alice = new("u-alice", "alice@example.test");

    [Fact]
    public async Task ClaimDirectly_AtTheCap_IsRefusedAndLeavesTheFlagFree()
    {
        var actor = await fixture.ActorAsync();
        var flags = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            flags.Add(await fixture.FlagAsync(actor));
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await fixture.Claims.ClaimAsync(alice, TriageRights.Reviewer, flags[i], default)).Succeeded);
        }

        var fourth = await fixture.Claims.ClaimAsync(alice, TriageRights.Reviewer, flags[3], default);
        var again = await fixture.Claims.ClaimAsync(alice, TriageRights.Reviewer, flags[0], default);

        Assert.False(fourth.Succeeded);
        Assert.Contains("exposure cap for hate", fourth.Message, StringComparison.Ordinal);
        Assert.True(again.Succeeded, "re-claiming a flag already shown does not count twice");
        await using var db = fixture.Database.CreateContext();
        Assert.Null(await db.Set<Flag>().Where(f => f.Id == flags[3]).Select(f => f.LeaseOwner).SingleAsync());
        Assert.Equal(3, await db.Set<ReviewerExposureDay>().Where(d => d.ReviewerId == alice.Id && d.Category == "hate").Select(d => d.Count).SingleAsync());
        Assert.Equal(3, await db.Set<ReviewerExposure>().CountAsync(e => e.ReviewerId == alice.Id));
    }

    [Fact]
    public async Task EveryClaimPath_ConcurrentlyBySameReviewer_NeverPassesTheCap()
    {
        var actor = await fixture.ActorAsync();
        var flags = new List<long>();
        for (var i = 0; i < 24; i++)
        {
            flags.Add(await fixture.FlagAsync(actor, priority: i));
        }

        // Eight "tabs" of one reviewer: half press N, half claim flags directly, all at once.
        var claimed = new ConcurrentBag<long>();
        using var start = new ManualResetEventSlim();
        var tabs = Enumerable.Range(0, 8).Select(n => Task.Run(async () =>
        {
            start.Wait();
            var mine = new List<long>();
            for (var round = 0; round < 3; round++)
            {
                if (n % 2 == 0)
                {
                    var next = await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, mine, default);
                    if (next.FlagId is { } id)
                    {
                        mine.Add(id);
                        claimed.Add(id);
                    }
                }
                else
                {
                    var id = flags[(n * 3) + round];
                    if ((await fixture.Claims.ClaimAsync(alice, TriageRights.Reviewer, id, default)).Succeeded)
                    {
                        claimed.Add(id);
                    }
                }
            }
        })).ToList();
        start.Set();
        await Task.WhenAll(tabs);

        await using var db = fixture.Database.CreateContext();
        var exposed = await db.Set<ReviewerExposure>().Where(e => e.ReviewerId == alice.Id).Select(e => e.FlagId).ToListAsync();
        Assert.Equal(3, exposed.Count);
        Assert.Equal(exposed.Order(), claimed.Distinct().Order());
        Assert.Equal(3, await db.Set<ReviewerExposureDay>().Where(d => d.ReviewerId == alice.Id).Select(d => d.Count).SingleAsync());
        Assert.Equal(3, await db.Set<Flag>().CountAsync(f => f.LeaseOwner == alice.Id));
    }

    [Fact]
    public async Task DecideCluster_CountsTheMembersShown_AndRefusesPastTheCap()
    {
        var actor = await fixture.ActorAsync();
        var cluster = await fixture.ClusterAsync();
        for (var i = 0; i < 4; i++)
        {
            await fixture.FlagAsync(actor, clusterId: cluster);
        }

        var request = new DecideFlagRequest(Verdict.NoViolation, [], DecisionAction.None, "", "Benign.");
        var refused = await fixture.Decisions.DecideClusterAsync(alice, TriageRights.Reviewer, cluster, request, default);

        Assert.False(refused.Succeeded);
        Assert.Contains("exposure cap", refused.Message, StringComparison.Ordinal);
        await using (var db = fixture.Database.CreateContext())
        {
            Assert.Equal(4, await db.Set<Flag>().CountAsync(f => f.ClusterId == cluster && f.Status == FlagStatus.New && f.LeaseOwner == null));
            Assert.Equal(0, await db.Set<ReviewerExposure>().CountAsync());
        }

        using var roomy = new TriageFixture(new WellnessOptions { DailyCapPerCategory = 10 });
        var roomyActor = await roomy.ActorAsync();
        var roomyCluster = await roomy.ClusterAsync();
        for (var i = 0; i < 4; i++)
        {
            await roomy.FlagAsync(roomyActor, clusterId: roomyCluster);
        }

        Assert.True((await roomy.Decisions.DecideClusterAsync(alice, TriageRights.Reviewer, roomyCluster, request, default)).Succeeded);
        await using var check = roomy.Database.CreateContext();
        Assert.Equal(4, await check.Set<ReviewerExposureDay>().Where(d => d.ReviewerId == alice.Id && d.Category == "hate").Select(d => d.Count).SingleAsync());
    }

    public void Dispose() => fixture.Dispose();
}
