using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Wellness;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Features.Wellness;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Flags.Triage;

public sealed class FlagClaimServiceTests : IDisposable
{
    private readonly TriageFixture fixture = new();
    private readonly StaffUser alice = new("u-alice", "alice@example.test");
    private readonly StaffUser bob = new("u-bob", "bob@example.test");

    [Fact]
    public async Task ClaimNext_32ParallelReviewers_EveryFlagClaimedExactlyOnce()
    {
        var actor = await fixture.ActorAsync();
        var ids = new List<long>();
        for (var i = 0; i < 120; i++)
        {
            ids.Add(await fixture.FlagAsync(actor, priority: i % 7));
        }

        var claims = new ConcurrentBag<(string Reviewer, long FlagId)>();
        using var start = new ManualResetEventSlim();
        var reviewers = Enumerable.Range(0, 32).Select(n => Task.Run(async () =>
        {
            var me = new StaffUser($"u-{n}", $"reviewer{n}@example.test");
            // Each reviewer keeps claiming while still holding earlier flags (passing them as
            // "skipped"), so every round races with all the other reviewers.
            var mine = new List<long>();
            start.Wait();
            while (true)
            {
                var result = await fixture.Claims.ClaimNextAsync(me, TriageRights.Reviewer, mine, default);
                if (!result.Claimed)
                {
                    break;
                }

                mine.Add(result.FlagId!.Value);
                claims.Add((me.Id, result.FlagId.Value));
            }
        })).ToList();
        start.Set();
        await Task.WhenAll(reviewers);

        var claimed = claims.Select(c => c.FlagId).ToList();
        Assert.Equal(claimed.Count, claimed.Distinct().Count());
        Assert.Equal(ids.Order(), claimed.Order());
        await using var db = fixture.Database.CreateContext();
        var owners = await db.Set<Flag>().ToDictionaryAsync(f => f.Id, f => f.LeaseOwner);
        Assert.All(claims, c => Assert.Equal(c.Reviewer, owners[c.FlagId]));
        Assert.Equal(120, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "flag.claimed"));
    }

    [Fact]
    public async Task ClaimNext_TwoNodesOnOneDatabase_NeverHandOutTheSameFlag()
    {
        var actor = await fixture.ActorAsync();
        for (var i = 0; i < 40; i++)
        {
            await fixture.FlagAsync(actor, priority: 50);
        }

        // A second "node": its own factory, clock, audit log, wellness and claim services, sharing
        // only the database file with the first.
        var otherFactory = new TestDbContextFactory(fixture.Database.Options);
        var otherAudit = new AuditLog(fixture.Clock);
        var otherWellness = new WellnessService(otherFactory, otherAudit, fixture.Clock, Options.Create(new WellnessOptions()));
        var otherNode = new FlagClaimService(
            otherFactory, otherAudit, otherWellness, fixture.Clock, Options.Create(new FlagsTriageOptions()), ReviewConsole.Features.Quality.QualityClaimService.Create(otherFactory, otherAudit, otherWellness, fixture.Clock));
        var nodes = new[] { fixture.Claims, otherNode };

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(n => Task.Run(() =>
            nodes[n % 2].ClaimNextAsync(new StaffUser($"u-{n}", $"r{n}"), TriageRights.Reviewer, [], default))));

        var claimed = results.Where(r => r.Claimed).Select(r => r.FlagId!.Value).ToList();
        Assert.Equal(40, claimed.Count);
        Assert.Equal(40, claimed.Distinct().Count());
    }

    [Fact]
    public async Task ClaimNext_HighestPriorityFirst_AndHeldFlagReturnedAgain()
    {
        var actor = await fixture.ActorAsync();
        await fixture.FlagAsync(actor, priority: 10);
        var top = await fixture.FlagAsync(actor, priority: 90);

        var first = await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default);
        var again = await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default);

        Assert.Equal(top, first.FlagId);
        Assert.Equal(top, again.FlagId);
    }

    [Fact]
    public async Task ClaimNext_LeaseExpired_SomeoneElseCanClaim()
    {
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor);
        Assert.Equal(flag, (await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default)).FlagId);

        Assert.False((await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default)).Claimed);
        fixture.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var taken = await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default);

        Assert.Equal(flag, taken.FlagId);
        Assert.False(await fixture.Claims.RenewAsync(alice, flag, default));
    }

    [Fact]
    public async Task Renew_BeforeExpiry_ExtendsTheLease()
    {
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor);
        await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default);

        fixture.Clock.Advance(TimeSpan.FromMinutes(8));
        Assert.True(await fixture.Claims.RenewAsync(alice, flag, default));
        fixture.Clock.Advance(TimeSpan.FromMinutes(8));

        Assert.False((await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default)).Claimed);
        await using var db = fixture.Database.CreateContext();
        var lease = await db.Set<Flag>().Where(f => f.Id == flag).Select(f => f.LeaseExpiresAt).SingleAsync();
        Assert.Equal(fixture.Clock.GetUtcNow().AddMinutes(2), lease);
    }

    [Fact]
    public async Task Release_AfterSkip_FlagIsOfferedToOthersButNotAgainToTheSkipper()
    {
        var actor = await fixture.ActorAsync();
        var flag = await fixture.FlagAsync(actor);
        await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default);

        Assert.True((await fixture.Claims.ReleaseAsync(alice, flag, "skipped", default)).Succeeded);

        Assert.False((await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [flag], default)).Claimed);
        Assert.Equal(flag, (await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default)).FlagId);
    }

    [Fact]
    public async Task ClaimNext_CategoryAtDailyCap_IsExcluded()
    {
        using var capped = new TriageFixture(new WellnessOptions { DailyCapPerCategory = 100, CategoryCaps = { ["self-harm"] = 1 } });
        var actor = await capped.ActorAsync();
        var selfHarm1 = await capped.FlagAsync(actor, priority: 90, scores: [("self-harm", 0.95, true)]);
        await capped.FlagAsync(actor, priority: 80, scores: [("hate", 0.2, false), ("self-harm", 0.9, true)]);
        var violence = await capped.FlagAsync(actor, priority: 10, scores: [("violence", 0.8, true)]);

        var first = await capped.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default);
        var second = await capped.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [selfHarm1], default);
        var third = await capped.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [selfHarm1, violence], default);

        Assert.Equal(selfHarm1, first.FlagId);
        Assert.Equal(violence, second.FlagId);
        Assert.False(third.Claimed);
        Assert.Contains("self-harm", third.Message, StringComparison.Ordinal);
        // Another reviewer has their own exposure budget.
        Assert.True((await capped.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default)).Claimed);
    }

    [Fact]
    public async Task ClaimNext_NextDay_CapStartsOver()
    {
        using var capped = new TriageFixture(new WellnessOptions { DailyCapPerCategory = 1 });
        var actor = await capped.ActorAsync();
        var a = await capped.FlagAsync(actor, priority: 90);
        await capped.FlagAsync(actor, priority: 80);
        await capped.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default);
        Assert.False((await capped.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [a], default)).Claimed);

        capped.Clock.Advance(TimeSpan.FromDays(1));

        Assert.True((await capped.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [a], default)).Claimed);
        await using var db = capped.Database.CreateContext();
        Assert.Equal(2, await db.Set<ReviewerExposure>().CountAsync(e => e.ReviewerId == alice.Id));
    }

    [Fact]
    public async Task ClaimNext_EscalatedAndAssigned_RespectRolesAndAssignment()
    {
        var actor = await fixture.ActorAsync();
        var escalated = await fixture.FlagAsync(actor, priority: 99, status: FlagStatus.Escalated);
        var forBob = await fixture.FlagAsync(actor, priority: 95);
        var plain = await fixture.FlagAsync(actor, priority: 5);
        // Bob has no account row here: assigning to an unknown user is refused.
        Assert.False((await fixture.Claims.AssignAsync(alice, TriageRights.Reviewer, forBob, bob.Id, default)).Succeeded);
        await using (var db = fixture.Database.CreateContext())
        {
            await db.Set<Flag>().Where(f => f.Id == forBob).ExecuteUpdateAsync(s => s.SetProperty(f => f.AssignedTo, bob.Id));
        }

        var reviewer = await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default);
        var assignee = await fixture.Claims.ClaimNextAsync(bob, TriageRights.Reviewer, [], default);
        var lead = await fixture.Claims.ClaimNextAsync(new StaffUser("u-lead", "lead@example.test"), TriageRights.Lead, [], default);
        var auditor = await fixture.Claims.ClaimNextAsync(new StaffUser("u-aud", "aud@example.test"), TriageRights.ReadOnly, [], default);

        Assert.Equal(plain, reviewer.FlagId);
        Assert.Equal(forBob, assignee.FlagId);
        Assert.Equal(escalated, lead.FlagId);
        Assert.False(auditor.Claimed);
    }

    public void Dispose() => fixture.Dispose();
}
