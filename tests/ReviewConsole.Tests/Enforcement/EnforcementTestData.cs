using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;
using ReviewConsole.Testing.Enforcement;

namespace ReviewConsole.Tests.Enforcement;

/// <summary>Actors and requested actions for enforcement tests.</summary>
internal static class EnforcementTestData
{
    public static async Task<ActorIds> ActorAsync(TestDatabase database, string suffix)
    {
        await using var db = database.CreateContext();
        return await new ActorRegistry(TimeProvider.System).EnsureAsync(db, new ActorRef($"org_{suffix}", $"app_{suffix}", $"key_{suffix}"), default);
    }

    public static async Task<EnforcementAction> RequestAsync(EnforcementHarness node, TestDatabase database, EnforcementRequest request, StaffUser by)
    {
        await using var db = database.CreateContext();
        IReadOnlyList<EnforcementAction> actions = default!;
        await db.InTransactionAsync(
            async ct =>
            {
                actions = await node.Get<EnforcementService>().RequestAsync(db, request, by, default);
            },
            CancellationToken.None);
        return actions[0];
    }

    public static EnforcementRequest Revoke(long keyId, DateTimeOffset? expiresAt = null) =>
        new(EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, [keyId], EnforcementReason.Manual, null, "MU-1", "test", ExpiresAt: expiresAt);

    public static async Task<EnforcementAction> ReloadAsync(TestDatabase database, long id)
    {
        await using var db = database.CreateContext();
        return await db.Set<EnforcementAction>().AsNoTracking().SingleAsync(a => a.Id == id);
    }

    public static async Task SetStateAsync(TestDatabase database, long id, EnforcementState state, DateTimeOffset? leaseExpiresAt = null)
    {
        await using var db = database.CreateContext();
        await db.Set<EnforcementAction>().Where(a => a.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.State, state)
            .SetProperty(a => a.NextAttemptAt, DateTimeOffset.UtcNow.AddMinutes(-1))
            .SetProperty(a => a.LeaseExpiresAt, leaseExpiresAt));
    }
}
