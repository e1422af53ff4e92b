using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Testing;
using ReviewConsole.Testing.Enforcement;
using static ReviewConsole.IntegrationTests.Enforcement.EnforcementTestSupport;

namespace ReviewConsole.IntegrationTests.Enforcement;

/// <summary>
/// The outbox against a real HTTP platform on loopback that fails 30% of requests in every way
/// it can (500s before and after applying, timeouts, slow answers, dropped connections).
/// </summary>
public sealed class EnforcementFaultToleranceTests : IDisposable
{
    private readonly TestDatabase database = new();

    [Fact]
    public async Task Execute_ThirtyPercentFaults_EveryActionReachesThePlatformExactlyOnceAndNoneIsStuck()
    {
        await using var platform = await FakePlatform.StartAsync(Secret, faultRate: 0.3, seed: 42, slow: TimeSpan.FromSeconds(1.3));
        using var node = new EnforcementHarness(database, settings: HttpGateway(platform));
        var actions = await RequestRevocationsAsync(database, node, 40, "f");

        await node.DrainAsync(TimeSpan.FromMinutes(3));

        await using var db = database.CreateContext();
        var final = await db.Set<EnforcementAction>().AsNoTracking().ToListAsync();
        Assert.All(final, a => Assert.True(a.State is EnforcementState.Succeeded or EnforcementState.DeadLettered, $"#{a.Id} is {a.State}: {a.LastError}"));
        Assert.True(platform.FaultsInjected >= 8, $"only {platform.FaultsInjected} faults were injected");
        Assert.True(final.Sum(a => a.Attempts) > final.Count, "no action needed a retry");
        foreach (var action in final)
        {
            var effects = platform.Effects.GetValueOrDefault(action.IdempotencyKey);
            if (action.State == EnforcementState.Succeeded)
            {
                Assert.Equal(1, effects);
                Assert.True(action.ConfirmedAtPlatform);
            }
            else
            {
                Assert.InRange(effects, 0, 1);
                Assert.False(string.IsNullOrEmpty(action.LastError));
            }
        }

        Assert.Equal(0, platform.Rejected);
        var succeeded = final.Where(a => a.State == EnforcementState.Succeeded).Select(a => a.TargetId).ToList();
        Assert.Equal(succeeded.Count, await db.Set<ApiKey>().CountAsync(k => succeeded.Contains(k.Id) && k.Status == ApiKeyStatus.Revoked));
        Assert.Equal(succeeded.Count, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "enforcement.succeeded"));
        Assert.True(succeeded.Count >= 38, $"only {succeeded.Count} of 40 succeeded");
    }

    [Fact]
    public async Task Execute_TwoNodesOnOneDatabase_ExecuteEveryActionExactlyOnce()
    {
        await using var platform = await FakePlatform.StartAsync(Secret, faultRate: 0);
        // A generous timeout: this test is about pick-ups, so no delivery may fail on a busy machine.
        using var nodeA = new EnforcementHarness(database, settings: HttpGateway(platform, timeoutSeconds: 30));
        using var nodeB = new EnforcementHarness(database, settings: HttpGateway(platform, timeoutSeconds: 30));
        var actions = await RequestRevocationsAsync(database, nodeA, 60, "n");

        await Task.WhenAll(
            Task.Run(() => nodeA.DrainAsync(TimeSpan.FromMinutes(2))),
            Task.Run(() => nodeB.DrainAsync(TimeSpan.FromMinutes(2))),
            Task.Run(() => nodeA.DrainAsync(TimeSpan.FromMinutes(2))),
            Task.Run(() => nodeB.DrainAsync(TimeSpan.FromMinutes(2))));

        await using var db = database.CreateContext();
        var final = await db.Set<EnforcementAction>().AsNoTracking().ToListAsync();
        Assert.All(final, a => Assert.Equal(EnforcementState.Succeeded, a.State));
        Assert.All(final, a => Assert.True(a.Attempts == 1, $"#{a.Id}: {a.Attempts} attempts, last error {a.LastError}"));
        // Exactly one delivery per action: no two workers ever picked the same action up.
        Assert.Equal(actions.Count, platform.Deliveries.Count);
        Assert.All(platform.Deliveries.Values, n => Assert.Equal(1, n));
        Assert.Equal(actions.Count, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "enforcement.succeeded"));
    }

    [Fact]
    public async Task Execute_TwoNodesWithTheLocalGateway_ApplyEachEffectOnce()
    {
        using var nodeA = new EnforcementHarness(database);
        using var nodeB = new EnforcementHarness(database);
        var actions = await RequestRevocationsAsync(database, nodeA, 40, "l");

        await Task.WhenAll(
            Task.Run(() => nodeA.DrainAsync(TimeSpan.FromMinutes(2))),
            Task.Run(() => nodeB.DrainAsync(TimeSpan.FromMinutes(2))));

        await using var db = database.CreateContext();
        Assert.All(await db.Set<EnforcementAction>().ToListAsync(), a => Assert.Equal((EnforcementState.Succeeded, 1), (a.State, a.Attempts)));
        Assert.Equal(actions.Count, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "enforcement.succeeded"));
        // Every effect took its own registry version: 40 effects, 40 distinct versions.
        var versions = await db.Set<ApiKey>().Select(k => k.Version).ToListAsync();
        Assert.Equal(actions.Count, versions.Distinct().Count());
        Assert.Equal(actions.Count, await db.Set<KeyRegistryHead>().Select(h => h.Version).SingleAsync());
    }

    public void Dispose() => database.Dispose();
}
