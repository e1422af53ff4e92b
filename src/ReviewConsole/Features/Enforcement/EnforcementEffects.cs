using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;

namespace ReviewConsole.Features.Enforcement;

/// <summary>
/// Applies an action's effect to the console's key registry (the Organization, Application and
/// ApiKey rows the platform reads), inside the transaction that marks the action Succeeded.
/// Setting a status or a limit twice leaves the same result, so a repeated effect is harmless.
/// Every change takes the next registry version under the registry head's lock, which orders the
/// revocation feed.
/// </summary>
public static class EnforcementEffects
{
    /// <summary>Applies the effect and returns the target's state before it (for reversals).</summary>
    public static async Task<TargetSnapshot> ApplyAsync(AppDbContext db, EnforcementAction action, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(action);
        var keys = KeysInScope(db, action.TargetType, action.TargetId);
        var before = await SnapshotAsync(db, action.TargetType, action.TargetId, cancellationToken);
        if (action.Kind is EnforcementKind.Warn or EnforcementKind.SendNotice)
        {
            return before;
        }

        var version = await NextVersionAsync(db, cancellationToken);
        switch (action.Kind)
        {
            case EnforcementKind.RevokeKey:
                await SetKeyStatusAsync(keys, ApiKeyStatus.Revoked, version, now, cancellationToken);
                break;
            case EnforcementKind.ReinstateKey:
                await SetKeyStatusAsync(keys, ApiKeyStatus.Active, version, now, cancellationToken);
                break;
            case EnforcementKind.SuspendApplication:
            case EnforcementKind.SuspendOrganization:
            case EnforcementKind.Reinstate:
                var status = action.Kind == EnforcementKind.Reinstate ? ActorStatus.Active : ActorStatus.Suspended;
                await SetActorStatusAsync(db, action.TargetType, action.TargetId, status, now, cancellationToken);
                if (action.TargetType == EnforcementTargetType.ApiKey)
                {
                    await SetKeyStatusAsync(keys, ApiKeyStatus.Active, version, now, cancellationToken);
                }

                await keys.ExecuteUpdateAsync(s => s.SetProperty(k => k.Version, version), cancellationToken);
                break;
            case EnforcementKind.SetRateLimit:
            case EnforcementKind.SetQuota:
            case EnforcementKind.RestrictModelAccess:
                await ApplyLimitsAsync(db, action, keys, version, cancellationToken);
                break;
            default:
                throw new InvalidOperationException($"No registry effect is defined for {action.Kind}.");
        }

        return before;
    }

    /// <summary>The action that undoes <paramref name="sanction"/>, or null when it cannot be undone
    /// (warnings, notices, or a limit change whose previous state was never captured).</summary>
    public static (EnforcementKind Kind, string? ParametersJson)? ReversalOf(EnforcementAction sanction)
    {
        ArgumentNullException.ThrowIfNull(sanction);
        switch (sanction.Kind)
        {
            case EnforcementKind.RevokeKey:
                return (EnforcementKind.ReinstateKey, null);
            case EnforcementKind.SuspendApplication:
            case EnforcementKind.SuspendOrganization:
                return (EnforcementKind.Reinstate, null);
            case EnforcementKind.SetRateLimit:
            case EnforcementKind.SetQuota:
            case EnforcementKind.RestrictModelAccess:
                var before = EnforcementJson.Deserialize<TargetSnapshot>(sanction.PreviousStateJson);
                return before is null ? null : (sanction.Kind, EnforcementJson.Serialize(new RestoreParameters(before.Keys)));
            default:
                return null;
        }
    }

    /// <summary>A new outbox row that undoes <paramref name="sanction"/>, due at <paramref name="dueAt"/>
    /// (now for an overturned appeal, the expiry for a time-bounded sanction); null if it cannot be undone.</summary>
    public static EnforcementAction? NewReversal(EnforcementAction sanction, EnforcementReason reason, string reasonId, string requestedBy, string requestedById, string note, DateTimeOffset now, DateTimeOffset dueAt)
    {
        ArgumentNullException.ThrowIfNull(sanction);
        if (ReversalOf(sanction) is not { } undo)
        {
            return null;
        }

        return new EnforcementAction
        {
            Kind = undo.Kind,
            State = EnforcementState.Pending,
            TargetType = sanction.TargetType,
            TargetId = sanction.TargetId,
            OrganizationId = sanction.OrganizationId,
            ParametersJson = undo.ParametersJson,
            Reason = reason,
            ReasonId = reasonId,
            PolicyClause = sanction.PolicyClause,
            Note = note,
            RequestedBy = requestedBy,
            RequestedById = requestedById,
            RequestedAt = now,
            RequestGroupId = Guid.NewGuid().ToString("N"),
            IdempotencyKey = Guid.NewGuid().ToString("N"),
            NextAttemptAt = dueAt,
            ReversesActionId = sanction.Id,
        };
    }

    public static IQueryable<ApiKey> KeysInScope(AppDbContext db, EnforcementTargetType type, long targetId)
    {
        ArgumentNullException.ThrowIfNull(db);
        var keys = db.Set<ApiKey>();
        return type switch
        {
            EnforcementTargetType.ApiKey => keys.Where(k => k.Id == targetId),
            EnforcementTargetType.Application => keys.Where(k => k.ApplicationId == targetId),
            EnforcementTargetType.Organization => keys.Where(k => k.OrganizationId == targetId),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown target type."),
        };
    }

    public static async Task<TargetSnapshot> SnapshotAsync(AppDbContext db, EnforcementTargetType type, long targetId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var keys = await KeysInScope(db, type, targetId).AsNoTracking()
            .OrderBy(k => k.Id)
            .Select(k => new KeySnapshot(k.Id, k.Status, k.RateLimitRpm, k.RateLimitTpm, k.MonthlyTokenQuota, k.AllowedModels))
            .ToListAsync(cancellationToken);
        ActorStatus? org = type == EnforcementTargetType.Organization
            ? await db.Set<Organization>().Where(o => o.Id == targetId).Select(o => (ActorStatus?)o.Status).SingleOrDefaultAsync(cancellationToken)
            : null;
        ActorStatus? app = type == EnforcementTargetType.Application
            ? await db.Set<Application>().Where(a => a.Id == targetId).Select(a => (ActorStatus?)a.Status).SingleOrDefaultAsync(cancellationToken)
            : null;
        return new TargetSnapshot(org, app, keys);
    }

    /// <summary>Takes the next registry version; the update locks the head row until commit.</summary>
    public static async Task<long> NextVersionAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var locked = await db.Set<KeyRegistryHead>().Where(h => h.Id == KeyRegistryHead.SingletonId)
            .ExecuteUpdateAsync(s => s.SetProperty(h => h.Version, h => h.Version + 1), cancellationToken);
        if (locked != 1)
        {
            throw new InvalidOperationException("The key registry head row is missing; the database is not migrated.");
        }

        return await db.Set<KeyRegistryHead>().Where(h => h.Id == KeyRegistryHead.SingletonId).Select(h => h.Version).SingleAsync(cancellationToken);
    }

    private static Task<int> SetKeyStatusAsync(IQueryable<ApiKey> keys, ApiKeyStatus status, long version, DateTimeOffset now, CancellationToken cancellationToken) =>
        keys.ExecuteUpdateAsync(
            s => s.SetProperty(k => k.StatusChangedAt, k => k.Status == status ? k.StatusChangedAt : now)
                .SetProperty(k => k.Status, status)
                .SetProperty(k => k.Version, version),
            cancellationToken);

    private static async Task SetActorStatusAsync(AppDbContext db, EnforcementTargetType type, long id, ActorStatus status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        switch (type)
        {
            case EnforcementTargetType.Organization:
                await db.Set<Organization>().Where(o => o.Id == id && o.Status != status)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, status).SetProperty(o => o.StatusChangedAt, now), cancellationToken);
                break;
            case EnforcementTargetType.Application:
                await db.Set<Application>().Where(a => a.Id == id && a.Status != status)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, status).SetProperty(a => a.StatusChangedAt, now), cancellationToken);
                break;
            default:
                break;
        }
    }

    private static async Task ApplyLimitsAsync(AppDbContext db, EnforcementAction action, IQueryable<ApiKey> keys, long version, CancellationToken cancellationToken)
    {
        if (EnforcementJson.Deserialize<RestoreParameters>(action.ParametersJson) is { Restore: { } restore })
        {
            foreach (var key in restore)
            {
                await db.Set<ApiKey>().Where(k => k.Id == key.KeyId).ExecuteUpdateAsync(
                    s => s.SetProperty(k => k.RateLimitRpm, key.Rpm)
                        .SetProperty(k => k.RateLimitTpm, key.Tpm)
                        .SetProperty(k => k.MonthlyTokenQuota, key.Quota)
                        .SetProperty(k => k.AllowedModels, key.Models)
                        .SetProperty(k => k.Version, version),
                    cancellationToken);
            }

            return;
        }

        switch (action.Kind)
        {
            case EnforcementKind.SetRateLimit:
                var limits = EnforcementJson.Deserialize<RateLimitParameters>(action.ParametersJson) ?? new RateLimitParameters(null, null);
                await keys.ExecuteUpdateAsync(s => s.SetProperty(k => k.RateLimitRpm, limits.Rpm).SetProperty(k => k.RateLimitTpm, limits.Tpm).SetProperty(k => k.Version, version), cancellationToken);
                break;
            case EnforcementKind.SetQuota:
                var quota = EnforcementJson.Deserialize<QuotaParameters>(action.ParametersJson) ?? new QuotaParameters(null);
                await keys.ExecuteUpdateAsync(s => s.SetProperty(k => k.MonthlyTokenQuota, quota.MonthlyTokens).SetProperty(k => k.Version, version), cancellationToken);
                break;
            default:
                var models = EnforcementJson.Deserialize<ModelAccessParameters>(action.ParametersJson)?.Models;
                var allowed = models is null ? null : string.Join(',', models);
                await keys.ExecuteUpdateAsync(s => s.SetProperty(k => k.AllowedModels, allowed).SetProperty(k => k.Version, version), cancellationToken);
                break;
        }
    }
}
