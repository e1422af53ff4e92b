using ReviewConsole.Data;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;
using ReviewConsole.Testing.Enforcement;

namespace ReviewConsole.IntegrationTests.Enforcement;

internal static class EnforcementTestSupport
{
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    public static Dictionary<string, string?> HttpGateway(FakePlatform platform, int maxAttempts = 10, int timeoutSeconds = 1) => new()
    {
        ["Platform:Gateway"] = "Http",
        ["Platform:BaseUrl"] = platform.BaseUrl.ToString(),
        ["Platform:SigningSecret"] = platform.Secret,
        ["Platform:TimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // The circuit breaker samples at least two timeouts' worth of calls (validated at start).
        ["Platform:CircuitSamplingSeconds"] = Math.Max(30, timeoutSeconds * 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Enforcement:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Enforcement:LeaseSeconds"] = "30",
    };

    /// <summary>Requests one revocation per key (each its own action and idempotency key).</summary>
    public static async Task<List<EnforcementAction>> RequestRevocationsAsync(TestDatabase database, EnforcementHarness node, int count, string prefix)
    {
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var registry = new ActorRegistry(TimeProvider.System);
        var actions = new List<EnforcementAction>();
        await using var db = database.CreateContext();
        for (var i = 0; i < count; i++)
        {
            var ids = await registry.EnsureAsync(db, new ActorRef($"org_{prefix}{i % 5}", $"app_{prefix}{i % 5}", $"key_{prefix}{i}"), default);
            await db.InTransactionAsync(
                async ct =>
                {
                    actions.AddRange(await node.Get<EnforcementService>().RequestAsync(db, new EnforcementRequest(
                        EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, [ids.ApiKeyId], EnforcementReason.Manual, null, "MU-1", "fault test")
                    { NoticeOptOutReason = "Fault test of revocations only." }, reviewer, default));
                },
                CancellationToken.None);
        }

        return actions;
    }
}
