using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.UseCases;

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
        var parameters = EnforcementContract.Read(action.Kind, action.ParametersJson);
        var keys = KeysInScope(db, action.TargetType, action.TargetId);
        var before = await SnapshotAsync(db, action.TargetType, action.TargetId, cancellationToken);
        switch (parameters)
        {
            case NoticeParameters notice:
                db.Add(new Notice
                {
                    OrganizationId = action.OrganizationId,
                    EnforcementActionId = action.Id,
                    RelatedActionId = notice.RelatedActionId,
                    TemplateKey = notice.Template,
                    TemplateVersion = notice.TemplateVersion,
                    Subject = notice.Subject,
                    Body = notice.Body,
                    CreatedAt = now,
                });
                await db.SaveChangesAsync(cancellationToken);
                return before;
            case ResearchCreditParameters credits:
                await GrantCreditsAsync(db, action, credits, now, cancellationToken);
                return before;
            default:
                break;
        }

        if (action.Kind == EnforcementKind.Warn)
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
            case EnforcementKind.RestoreLimits:
                await RestoreAsync(db, action, (RestoreParameters)parameters, version, cancellationToken);
                break;
            default:
                await ApplyLimitsAsync(db, action, Merge(parameters), keys, version, cancellationToken);
                break;
        }

        return before;
    }

    /// <summary>Which registry limits a limit kind sets, and to what (fields it does not set are null in <c>Sets</c>).</summary>
    private sealed record LimitChange(LimitSet Values, bool Quota, bool Rates, bool MaxOutput, bool Models, bool PilotCap);

    private static LimitChange Merge(EnforcementParameters parameters) => parameters switch
    {
        RateLimitParameters r => new(new LimitSet(Rpm: r.Rpm, Tpm: r.Tpm), false, true, false, false, false),
        QuotaParameters q => new(new LimitSet(MonthlyTokenQuota: q.MonthlyTokens), true, false, false, false, false),
        ModelAccessParameters m => new(new LimitSet(AllowedModels: m.Models), false, false, false, true, false),
        LimitParameters l => new(l.Limits, true, true, true, true, true),
        _ => throw new InvalidOperationException($"{parameters.GetType().Name} has no registry effect."),
    };

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
            case EnforcementKind.SetLimits:
                var before = EnforcementJson.Deserialize<TargetSnapshot>(sanction.PreviousStateJson);
                return before is null ? null : (EnforcementKind.RestoreLimits, EnforcementContract.Write(EnforcementKind.RestoreLimits, new RestoreParameters(before.Keys, before.Defaults)));
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
        var rows = await KeysInScope(db, type, targetId).AsNoTracking()
            .OrderBy(k => k.Id)
            .Select(k => new { k.Id, k.Status, k.MonthlyTokenQuota, k.RateLimitRpm, k.RateLimitTpm, k.MaxOutputTokens, k.AllowedModels, k.PilotEndUserCap })
            .ToListAsync(cancellationToken);
        var keys = rows.Select(k => new KeySnapshot(k.Id, k.Status, new LimitSet(k.MonthlyTokenQuota, k.RateLimitRpm, k.RateLimitTpm, k.MaxOutputTokens, LimitSet.ModelsOf(k.AllowedModels), k.PilotEndUserCap))).ToList();
        ActorStatus? orgStatus = null;
        ActorStatus? appStatus = null;
        LimitSet? defaults = null;
        if (type == EnforcementTargetType.Organization
            && await db.Set<Organization>().AsNoTracking().SingleOrDefaultAsync(o => o.Id == targetId, cancellationToken) is { } org)
        {
            orgStatus = org.Status;
            defaults = new LimitSet(org.LimitMonthlyTokenQuota, org.LimitRpm, org.LimitTpm, org.LimitMaxOutputTokens, LimitSet.ModelsOf(org.LimitAllowedModels), org.LimitPilotEndUserCap);
        }
        else if (type == EnforcementTargetType.Application
            && await db.Set<Application>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == targetId, cancellationToken) is { } app)
        {
            appStatus = app.Status;
            defaults = new LimitSet(app.LimitMonthlyTokenQuota, app.LimitRpm, app.LimitTpm, app.LimitMaxOutputTokens, LimitSet.ModelsOf(app.LimitAllowedModels), app.LimitPilotEndUserCap);
        }

        return new TargetSnapshot(orgStatus, appStatus, keys, defaults);
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

    private static async Task ApplyLimitsAsync(AppDbContext db, EnforcementAction action, LimitChange change, IQueryable<ApiKey> keys, long version, CancellationToken cancellationToken)
    {
        var v = change.Values;
        var models = v.ModelsColumn;
        await keys.ExecuteUpdateAsync(
            s => s.SetProperty(k => k.MonthlyTokenQuota, k => change.Quota ? v.MonthlyTokenQuota : k.MonthlyTokenQuota)
                .SetProperty(k => k.RateLimitRpm, k => change.Rates ? v.Rpm : k.RateLimitRpm)
                .SetProperty(k => k.RateLimitTpm, k => change.Rates ? v.Tpm : k.RateLimitTpm)
                .SetProperty(k => k.MaxOutputTokens, k => change.MaxOutput ? v.MaxOutputTokens : k.MaxOutputTokens)
                .SetProperty(k => k.AllowedModels, k => change.Models ? models : k.AllowedModels)
                .SetProperty(k => k.PilotEndUserCap, k => change.PilotCap ? v.PilotEndUserCap : k.PilotEndUserCap)
                .SetProperty(k => k.Version, version),
            cancellationToken);

        // Limits on an application or organization are also where its future keys start from.
        switch (action.TargetType)
        {
            case EnforcementTargetType.Application:
                await db.Set<Application>().Where(a => a.Id == action.TargetId).ExecuteUpdateAsync(
                    s => s.SetProperty(a => a.LimitMonthlyTokenQuota, a => change.Quota ? v.MonthlyTokenQuota : a.LimitMonthlyTokenQuota)
                        .SetProperty(a => a.LimitRpm, a => change.Rates ? v.Rpm : a.LimitRpm)
                        .SetProperty(a => a.LimitTpm, a => change.Rates ? v.Tpm : a.LimitTpm)
                        .SetProperty(a => a.LimitMaxOutputTokens, a => change.MaxOutput ? v.MaxOutputTokens : a.LimitMaxOutputTokens)
                        .SetProperty(a => a.LimitAllowedModels, a => change.Models ? models : a.LimitAllowedModels)
                        .SetProperty(a => a.LimitPilotEndUserCap, a => change.PilotCap ? v.PilotEndUserCap : a.LimitPilotEndUserCap),
                    cancellationToken);
                break;
            case EnforcementTargetType.Organization:
                await db.Set<Organization>().Where(o => o.Id == action.TargetId).ExecuteUpdateAsync(
                    s => s.SetProperty(o => o.LimitMonthlyTokenQuota, o => change.Quota ? v.MonthlyTokenQuota : o.LimitMonthlyTokenQuota)
                        .SetProperty(o => o.LimitRpm, o => change.Rates ? v.Rpm : o.LimitRpm)
                        .SetProperty(o => o.LimitTpm, o => change.Rates ? v.Tpm : o.LimitTpm)
                        .SetProperty(o => o.LimitMaxOutputTokens, o => change.MaxOutput ? v.MaxOutputTokens : o.LimitMaxOutputTokens)
                        .SetProperty(o => o.LimitAllowedModels, o => change.Models ? models : o.LimitAllowedModels)
                        .SetProperty(o => o.LimitPilotEndUserCap, o => change.PilotCap ? v.PilotEndUserCap : o.LimitPilotEndUserCap),
                    cancellationToken);
                break;
            default:
                break;
        }
    }

    private static async Task RestoreAsync(AppDbContext db, EnforcementAction action, RestoreParameters restore, long version, CancellationToken cancellationToken)
    {
        foreach (var key in restore.Keys)
        {
            await ApplyLimitsAsync(db, new EnforcementAction { Kind = EnforcementKind.SetLimits, TargetType = EnforcementTargetType.ApiKey, TargetId = key.KeyId, RequestedBy = "", IdempotencyKey = "" }, Merge(new LimitParameters(null, key.Limits)), db.Set<ApiKey>().Where(k => k.Id == key.KeyId), version, cancellationToken);
        }

        if (restore.Defaults is { } defaults && action.TargetType != EnforcementTargetType.ApiKey)
        {
            await ApplyLimitsAsync(db, action, Merge(new LimitParameters(null, defaults)), db.Set<ApiKey>().Where(k => false), version, cancellationToken);
        }
    }

    private static async Task GrantCreditsAsync(AppDbContext db, EnforcementAction action, ResearchCreditParameters credits, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var applicationId = action.TargetType == EnforcementTargetType.Application
            ? action.TargetId
            : throw new InvalidOperationException("Research credits are granted to an application.");
        // Usage is counted by the usage intake (which knows the price) from the grant's day on.
        var startsOn = DateOnly.FromDateTime(now.UtcDateTime);
        db.Add(new ResearchCreditAccount
        {
            SubmissionId = credits.SubmissionId,
            ApplicationId = applicationId,
            OrganizationId = action.OrganizationId,
            GrantedUsd = credits.CreditsUsd,
            UsedTokens = 0,
            UsedUsd = 0,
            StartsOn = startsOn,
            GrantedAt = now,
            GrantActionId = action.Id,
        });
        await db.SaveChangesAsync(cancellationToken);
    }
}
