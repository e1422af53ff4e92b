using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Enforcement;

public sealed class EnforcementServiceTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly EnforcementService service = new(new AuditLog(TimeProvider.System), TimeProvider.System, Options.Create(new EnforcementOptions { MaxKeysWithoutApproval = 2 }));
    private readonly StaffUser reviewer = new("r-1", "reviewer@example.test");

    [Theory]
    [InlineData(EnforcementKind.RevokeKey, 1, false, EnforcementState.Pending)]
    [InlineData(EnforcementKind.RevokeKey, 3, false, EnforcementState.PendingApproval)]
    [InlineData(EnforcementKind.RevokeKey, 1, true, EnforcementState.PendingApproval)]
    [InlineData(EnforcementKind.SetRateLimit, 1, false, EnforcementState.Pending)]
    public async Task Request_KeyActions_ApplyTheSecondPersonRule(EnforcementKind kind, int keys, bool highProfile, EnforcementState expected)
    {
        await using var db = database.CreateContext();
        var registry = new ActorRegistry(TimeProvider.System);
        var ids = new List<long>();
        for (var i = 0; i < keys; i++)
        {
            ids.Add((await registry.EnsureAsync(db, new ActorRef("org_a", "app_a", $"key_{i}"), default)).ApiKeyId);
        }

        await db.Set<Organization>().ExecuteUpdateAsync(s => s.SetProperty(o => o.IsHighProfile, highProfile));

        var parameters = kind == EnforcementKind.SetRateLimit ? new RateLimitParameters(60, 1000) : null;
        var actions = await service.RequestAsync(db, EnforcementRequest.With(kind, EnforcementTargetType.ApiKey, ids, EnforcementReason.Manual, null, "MU-1", "test", parameters), reviewer, default);

        Assert.All(actions, a => Assert.Equal(expected, a.State));
        Assert.Equal(keys, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "enforcement.requested"));
        Assert.Equal(keys, actions.Select(a => a.IdempotencyKey).Distinct().Count());
    }

    [Fact]
    public async Task Request_OrganizationSuspension_AlwaysWaitsForApproval()
    {
        await using var db = database.CreateContext();
        var ids = await new ActorRegistry(TimeProvider.System).EnsureAsync(db, new ActorRef("org_b", "app_b", "key_b"), default);

        var action = Assert.Single(await service.RequestAsync(db, new EnforcementRequest(EnforcementKind.SuspendOrganization, EnforcementTargetType.Organization, [ids.OrganizationId], EnforcementReason.Manual, null, "MU-2", "campaign"), reviewer, default));

        Assert.Equal(EnforcementState.PendingApproval, action.State);
        Assert.True(action.RequiresApproval);
    }

    [Fact]
    public async Task Request_UnknownTarget_IsRefused()
    {
        await using var db = database.CreateContext();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            service.RequestAsync(db, new EnforcementRequest(EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, [999], EnforcementReason.Manual, null, null, "x"), reviewer, default));
    }

    public void Dispose() => database.Dispose();
}
