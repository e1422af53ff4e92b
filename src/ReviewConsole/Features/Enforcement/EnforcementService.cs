using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Enforcement;

/// <summary>One requested effect. <see cref="TargetIds"/> holds several keys for a bulk revocation.
/// <see cref="ParametersJson"/> must match the kind's contract (<see cref="EnforcementContract"/>);
/// build it with <see cref="With"/> from the typed record.</summary>
public sealed record EnforcementRequest(
    EnforcementKind Kind,
    EnforcementTargetType TargetType,
    IReadOnlyList<long> TargetIds,
    EnforcementReason Reason,
    string? ReasonId,
    string? PolicyClause,
    string Note,
    string? ParametersJson = null,
    DateTimeOffset? ExpiresAt = null)
{
    /// <summary>Why the organization is not told of this sanction (the decider's opt-out); null = notify.</summary>
    public string? NoticeOptOutReason { get; init; }

    /// <summary>A request whose parameters are the kind's typed record, serialized by the contract.</summary>
    public static EnforcementRequest With(EnforcementKind kind, EnforcementTargetType targetType, IReadOnlyList<long> targetIds, EnforcementReason reason, string? reasonId, string? policyClause, string note, EnforcementParameters? parameters, DateTimeOffset? expiresAt = null) =>
        new(kind, targetType, targetIds, reason, reasonId, policyClause, note, EnforcementContract.Write(kind, parameters), expiresAt);
}

/// <summary>What a request would affect, and why (if at all) it needs a second person.</summary>
public sealed record BlastRadius(int KeysAffected, long TokensPerMonth, bool OrganizationSuspension, bool HighProfile, int MaxKeys, long MaxTokensPerMonth, IReadOnlyList<string> ApprovalReasons)
{
    public bool NeedsApproval => ApprovalReasons.Count > 0;
}

/// <summary>
/// The entry point every feature uses to ask for enforcement. It only writes outbox rows (and their
/// audit events) inside the caller's transaction; execution happens in jobs.
/// </summary>
public sealed class EnforcementService(AuditLog audit, TimeProvider clock, IOptions<EnforcementOptions> options)
{
    public async Task<IReadOnlyList<EnforcementAction>> RequestAsync(AppDbContext db, EnforcementRequest request, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(by);
        if (request.TargetIds.Count == 0)
        {
            throw new ArgumentException("An enforcement request needs at least one target.", nameof(request));
        }

        if (!EnforcementStateMachine.Accepts(request.Kind, request.TargetType))
        {
            throw new ArgumentException($"{request.Kind} cannot target a {request.TargetType}.", nameof(request));
        }

        if (request.ExpiresAt is not null && !EnforcementStateMachine.IsSanction(request.Kind))
        {
            throw new ArgumentException($"{request.Kind} has no lasting effect and cannot expire.", nameof(request));
        }

        // The contract check: a misspelt or missing member fails here, before any row exists.
        EnforcementContract.Read(request.Kind, request.ParametersJson);
        if (request.NoticeOptOutReason is { } optOut && (string.IsNullOrWhiteSpace(optOut) || optOut.Length > 1000))
        {
            throw new ArgumentException("Not notifying the organization needs a reason (at most 1000 characters).", nameof(request));
        }

        var organizations = await OrganizationsOfAsync(db, request.TargetType, request.TargetIds, cancellationToken);
        var radius = await BlastRadiusAsync(db, request.Kind, request.TargetType, request.TargetIds, cancellationToken);
        var requiresApproval = radius.NeedsApproval && !IsProtectiveHalt(request, by);

        var now = clock.GetUtcNow();
        if (request.ExpiresAt is { } expires && expires <= now)
        {
            throw new ArgumentException("A sanction's expiry must be in the future.", nameof(request));
        }

        var group = Guid.NewGuid().ToString("N");
        var actions = request.TargetIds.Select(targetId => new EnforcementAction
        {
            Kind = request.Kind,
            State = requiresApproval ? EnforcementState.PendingApproval : EnforcementState.Pending,
            TargetType = request.TargetType,
            TargetId = targetId,
            OrganizationId = organizations[targetId],
            ParametersJson = request.ParametersJson,
            Reason = request.Reason,
            ReasonId = request.ReasonId,
            PolicyClause = request.PolicyClause,
            Note = request.Note,
            RequestedBy = by.Name,
            RequestedById = by.Id,
            RequestGroupId = group,
            RequestedAt = now,
            RequiresApproval = requiresApproval,
            IdempotencyKey = Guid.NewGuid().ToString("N"),
            NextAttemptAt = now,
            ExpiresAt = request.ExpiresAt,
            NoticeOptOutReason = request.NoticeOptOutReason?.Trim(),
        }).ToList();
        db.AddRange(actions);
        await db.SaveChangesAsync(cancellationToken);

        foreach (var action in actions)
        {
            await audit.AppendAsync(db, by, new AuditEntry(
                "enforcement.requested",
                "EnforcementAction",
                action.Id.ToString(CultureInfo.InvariantCulture),
                $"{action.Kind} on {action.TargetType} {action.TargetId} ({action.State})",
                Reason: string.IsNullOrWhiteSpace(action.Note) ? action.PolicyClause : action.Note,
                AfterJson: requiresApproval ? EnforcementJson.Serialize(radius) : null), cancellationToken);
        }

        return actions;
    }

    /// <summary>Kinds whose effect restricts traffic: these are measured for the second-person rule.</summary>
    public static bool Restricts(EnforcementKind kind) => kind is EnforcementKind.RevokeKey or EnforcementKind.SuspendApplication
        or EnforcementKind.SuspendOrganization or EnforcementKind.SetRateLimit or EnforcementKind.SetQuota
        or EnforcementKind.RestrictModelAccess or EnforcementKind.SetLimits;

    /// <summary>
    /// The second-person rule by blast radius, whatever the kind: an action that restricts traffic
    /// waits for a Lead when it affects more active keys than <c>Enforcement:MaxKeysWithoutApproval</c>,
    /// more monthly tokens than <c>Enforcement:MaxMonthlyTokensWithoutApproval</c>, suspends an
    /// organization, or touches a high-profile organization.
    /// </summary>
    public async Task<BlastRadius> BlastRadiusAsync(AppDbContext db, EnforcementKind kind, EnforcementTargetType type, IReadOnlyList<long> targetIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(targetIds);
        var settings = options.Value;
        var ids = targetIds.Distinct().ToList();
        var keys = type switch
        {
            EnforcementTargetType.ApiKey => db.Set<ApiKey>().Where(k => ids.Contains(k.Id)),
            EnforcementTargetType.Application => db.Set<ApiKey>().Where(k => ids.Contains(k.ApplicationId)),
            _ => db.Set<ApiKey>().Where(k => ids.Contains(k.OrganizationId)),
        };
        var active = keys.Where(k => k.Status == ApiKeyStatus.Active);
        var count = await active.CountAsync(cancellationToken);
        var tokens = await active.SumAsync(k => (long?)k.TokensUsedThisMonth, cancellationToken) ?? 0;
        var orgIds = type == EnforcementTargetType.Organization ? ids : await keys.Select(k => k.OrganizationId).Distinct().ToListAsync(cancellationToken);
        if (type == EnforcementTargetType.Application)
        {
            orgIds = orgIds.Union(await db.Set<Application>().Where(a => ids.Contains(a.Id)).Select(a => a.OrganizationId).ToListAsync(cancellationToken)).ToList();
        }

        var highProfile = await db.Set<Organization>().AnyAsync(o => orgIds.Contains(o.Id) && o.IsHighProfile, cancellationToken);
        var orgSuspension = kind == EnforcementKind.SuspendOrganization;
        var reasons = new List<string>();
        if (Restricts(kind))
        {
            if (orgSuspension)
            {
                reasons.Add("It suspends an organization.");
            }

            if (count > settings.MaxKeysWithoutApproval)
            {
                reasons.Add($"It affects {count} active keys (more than {settings.MaxKeysWithoutApproval}).");
            }

            if (tokens > settings.MaxMonthlyTokensWithoutApproval)
            {
                reasons.Add($"It affects {EnforcementContract.Format(tokens)} tokens this month (more than {EnforcementContract.Format(settings.MaxMonthlyTokensWithoutApproval)}).");
            }

            if (highProfile)
            {
                reasons.Add("The organization is high-profile.");
            }
        }

        return new BlastRadius(count, tokens, orgSuspension, highProfile, settings.MaxKeysWithoutApproval, settings.MaxMonthlyTokensWithoutApproval, reasons);
    }

    /// <summary>A staged-access halt lowers an app to the pilot limits it was already approved for;
    /// waiting for a Lead would leave the spike running, so it never waits.</summary>
    private static bool IsProtectiveHalt(EnforcementRequest request, StaffUser by) =>
        request.Kind == EnforcementKind.SetLimits && request.Reason == EnforcementReason.UseCase && by.Id == StaffUser.System.Id;

    private static async Task<Dictionary<long, long>> OrganizationsOfAsync(AppDbContext db, EnforcementTargetType type, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        var found = type switch
        {
            EnforcementTargetType.Organization => await db.Set<Organization>().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Id, cancellationToken),
            EnforcementTargetType.Application => await db.Set<Application>().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.OrganizationId, cancellationToken),
            EnforcementTargetType.ApiKey => await db.Set<ApiKey>().Where(k => ids.Contains(k.Id)).ToDictionaryAsync(k => k.Id, k => k.OrganizationId, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown target type."),
        };
        var missing = ids.Where(id => !found.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Unknown {type} id(s): {string.Join(", ", missing)}.");
        }

        return found;
    }
}
