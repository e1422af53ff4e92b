using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;
using ReviewConsole.Testing.Enforcement;
using static ReviewConsole.Tests.Enforcement.EnforcementTestData;

namespace ReviewConsole.Tests.Enforcement;

public sealed class EnforcementExecutorTests : IDisposable
{
    private readonly TestDatabase database = new();

    [Fact]
    public async Task Run_RevokeKeyLocally_RevokesTheKeyOnceAndBumpsItsVersion()
    {
        using var node = new EnforcementHarness(database);
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var ids = await ActorAsync(database, "rv");
        var action = await RequestAsync(node, database, Revoke(ids.ApiKeyId), reviewer);

        var first = await node.Get<EnforcementExecutor>().RunAsync(action.Id, default);
        var second = await node.Get<EnforcementExecutor>().RunAsync(action.Id, default);

        Assert.Equal(ExecutionResult.Succeeded, first);
        Assert.Equal(ExecutionResult.NotPickedUp, second);
        await using var db = database.CreateContext();
        var key = await db.Set<ApiKey>().SingleAsync(k => k.Id == ids.ApiKeyId);
        Assert.Equal(ApiKeyStatus.Revoked, key.Status);
        Assert.True(key.Version > 0);
        var done = await ReloadAsync(database, action.Id);
        Assert.Equal(EnforcementState.Succeeded, done.State);
        Assert.False(done.ConfirmedAtPlatform);
        Assert.Equal(LocalEnforcementGateway.Label, done.PlatformResponse);
        Assert.Equal(1, done.Attempts);
        Assert.Contains("\"status\":\"Active\"", done.PreviousStateJson);
        Assert.Equal(1, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "enforcement.succeeded"));
    }

    [Fact]
    public async Task Run_SuspendOrganization_SuspendsItAndPublishesEveryKeyToTheFeed()
    {
        using var node = new EnforcementHarness(database);
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var lead = await EnforcementHarness.CreateStaffAsync(database, Roles.Lead);
        var ids = await ActorAsync(database, "so");
        await using (var setup = database.CreateContext())
        {
            await new ReviewConsole.Features.Actors.ActorRegistry(TimeProvider.System).EnsureAsync(setup, new("org_so", "app_so2", "key_so2"), default);
        }

        var action = await RequestAsync(node, database, new EnforcementRequest(EnforcementKind.SuspendOrganization, EnforcementTargetType.Organization, [ids.OrganizationId], EnforcementReason.Manual, null, "MU-4", "campaign"), reviewer);
        Assert.True((await node.Get<EnforcementOutboxService>().ApproveAsync(action.Id, lead, default)).Succeeded);

        Assert.Equal(ExecutionResult.Succeeded, await node.Get<EnforcementExecutor>().RunAsync(action.Id, default));

        await using var db = database.CreateContext();
        Assert.Equal(ActorStatus.Suspended, (await db.Set<Organization>().SingleAsync(o => o.Id == ids.OrganizationId)).Status);
        var versions = await db.Set<ApiKey>().Where(k => k.OrganizationId == ids.OrganizationId).Select(k => k.Version).ToListAsync();
        Assert.Equal(2, versions.Count);
        Assert.All(versions, v => Assert.True(v > 0));
    }

    [Fact]
    public async Task Run_RateLimitThenExpiry_RestoresThePreviousLimits()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero));
        using var node = new EnforcementHarness(database, clock);
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var ids = await ActorAsync(database, "rl");
        await using (var setup = database.CreateContext())
        {
            await setup.Set<ApiKey>().ExecuteUpdateAsync(s => s.SetProperty(k => k.RateLimitRpm, 3500).SetProperty(k => k.RateLimitTpm, 2_000_000));
        }

        var action = await RequestAsync(node, database, new EnforcementRequest(
            EnforcementKind.SetRateLimit, EnforcementTargetType.ApiKey, [ids.ApiKeyId], EnforcementReason.Manual, null, "MU-5", "cool down",
            EnforcementJson.Serialize(new RateLimitParameters(60, 20_000)), clock.GetUtcNow().AddHours(6)), reviewer);
        await node.Get<SweepEnforcementOutboxJob>().ExecuteDueAsync(default);
        await using (var mid = database.CreateContext())
        {
            var limited = await mid.Set<ApiKey>().SingleAsync(k => k.Id == ids.ApiKeyId);
            Assert.Equal((60, 20_000), (limited.RateLimitRpm!.Value, limited.RateLimitTpm!.Value));
        }

        clock.Advance(TimeSpan.FromHours(6));
        await node.Get<SweepEnforcementOutboxJob>().ExecuteDueAsync(default);

        await using var db = database.CreateContext();
        var key = await db.Set<ApiKey>().SingleAsync(k => k.Id == ids.ApiKeyId);
        Assert.Equal(3500, key.RateLimitRpm);
        Assert.Equal(2_000_000, key.RateLimitTpm);
        var reversal = await db.Set<EnforcementAction>().SingleAsync(a => a.ReversesActionId == action.Id);
        Assert.Equal(EnforcementState.Succeeded, reversal.State);
        Assert.Equal(EnforcementReason.Expiry, reversal.Reason);
    }

    [Fact]
    public async Task Sweep_TimeBoundedRevocation_ReinstatesTheKeyOnlyWhenItExpires()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero));
        using var node = new EnforcementHarness(database, clock);
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var ids = await ActorAsync(database, "exp");
        var action = await RequestAsync(node, database, Revoke(ids.ApiKeyId, clock.GetUtcNow().AddDays(2)), reviewer);
        var sweeper = node.Get<SweepEnforcementOutboxJob>();

        await sweeper.ExecuteDueAsync(default);
        clock.Advance(TimeSpan.FromDays(2) - TimeSpan.FromMinutes(1));
        await sweeper.ExecuteDueAsync(default);
        ApiKeyStatus beforeExpiry;
        await using (var db = database.CreateContext())
        {
            beforeExpiry = (await db.Set<ApiKey>().SingleAsync(k => k.Id == ids.ApiKeyId)).Status;
        }

        clock.Advance(TimeSpan.FromMinutes(1));
        await sweeper.ExecuteDueAsync(default);

        Assert.Equal(ApiKeyStatus.Revoked, beforeExpiry);
        await using var after = database.CreateContext();
        Assert.Equal(ApiKeyStatus.Active, (await after.Set<ApiKey>().SingleAsync(k => k.Id == ids.ApiKeyId)).Status);
        var reversal = await after.Set<EnforcementAction>().SingleAsync(a => a.ReversesActionId == action.Id);
        Assert.Equal(EnforcementKind.ReinstateKey, reversal.Kind);
        Assert.Equal(EnforcementState.Succeeded, reversal.State);
    }

    [Fact]
    public async Task Run_PlatformUnreachable_RetriesThenDeadLettersAndAnAdminRequeues()
    {
        using var node = new EnforcementHarness(database, settings: new Dictionary<string, string?>
        {
            ["Platform:Gateway"] = "Http",
            // Nothing listens on port 9 of loopback (discard): every call fails to connect.
            ["Platform:BaseUrl"] = "http://127.0.0.1:9/admin/",
            ["Platform:SigningSecret"] = "0123456789abcdef0123",
            ["Platform:TimeoutSeconds"] = "2",
            ["Enforcement:MaxAttempts"] = "3",
        });
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var admin = await EnforcementHarness.CreateStaffAsync(database, Roles.Admin);
        var ids = await ActorAsync(database, "dl");
        var action = await RequestAsync(node, database, Revoke(ids.ApiKeyId), reviewer);

        await node.DrainAsync(TimeSpan.FromSeconds(30));

        var dead = await ReloadAsync(database, action.Id);
        Assert.Equal(EnforcementState.DeadLettered, dead.State);
        Assert.Equal(3, dead.Attempts);
        Assert.StartsWith("Attempt 3:", dead.LastError);
        Assert.False(dead.ConfirmedAtPlatform);
        await using (var db = database.CreateContext())
        {
            Assert.Equal(ApiKeyStatus.Active, (await db.Set<ApiKey>().SingleAsync(k => k.Id == ids.ApiKeyId)).Status);
            Assert.Equal(2, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "enforcement.retrying"));
        }

        var requeued = await node.Get<EnforcementOutboxService>().RequeueAsync(action.Id, admin, default);

        Assert.True(requeued.Succeeded, requeued.Message);
        var again = await ReloadAsync(database, action.Id);
        Assert.Equal(EnforcementState.Pending, again.State);
        Assert.Equal(0, again.Attempts);
        Assert.Equal(action.IdempotencyKey, again.IdempotencyKey);
    }

    [Fact]
    public async Task Run_PlatformRefusesTheSignature_DeadLettersAtOnce()
    {
        await using var platform = await FakePlatform.StartAsync("the-platforms-own-secret-123");
        using var node = new EnforcementHarness(database, settings: new Dictionary<string, string?>
        {
            ["Platform:Gateway"] = "Http",
            ["Platform:BaseUrl"] = platform.BaseUrl.ToString(),
            ["Platform:SigningSecret"] = "a-different-secret-456789",
        });
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var ids = await ActorAsync(database, "sig");
        var action = await RequestAsync(node, database, Revoke(ids.ApiKeyId), reviewer);

        var result = await node.Get<EnforcementExecutor>().RunAsync(action.Id, default);

        Assert.Equal(ExecutionResult.DeadLettered, result);
        Assert.Equal(1, platform.Rejected);
        Assert.Empty(platform.Effects);
        Assert.Contains("401", (await ReloadAsync(database, action.Id)).LastError);
    }

    [Fact]
    public void Backoff_GrowsExponentiallyWithJitterAndStaysCapped()
    {
        var settings = new EnforcementOptions { BaseBackoffSeconds = 2, MaxBackoffSeconds = 60 };

        var delays = Enumerable.Range(1, 10).Select(attempt => EnforcementExecutor.Backoff(attempt, settings).TotalSeconds).ToList();

        Assert.InRange(delays[0], 1, 3);
        Assert.InRange(delays[2], 4, 12);
        Assert.All(delays, d => Assert.InRange(d, 1, 60));
        Assert.InRange(delays[9], 30, 60);
    }

    public void Dispose() => database.Dispose();
}
