using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Enforcement;

/// <summary>One requested effect. <see cref="TargetIds"/> holds several keys for a bulk revocation.</summary>
public sealed record EnforcementRequest(
    EnforcementKind Kind,
    EnforcementTargetType TargetType,
    IReadOnlyList<long> TargetIds,
    EnforcementReason Reason,
    string? ReasonId,
    string? PolicyClause,
    string Note,
    string? ParametersJson = null,
    DateTimeOffset? ExpiresAt = null);

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

        var organizations = await OrganizationsOfAsync(db, request.TargetType, request.TargetIds, cancellationToken);
        var highProfile = await db.Set<Organization>()
            .Where(o => organizations.Values.Contains(o.Id) && o.IsHighProfile)
            .AnyAsync(cancellationToken);
        var requiresApproval = NeedsApproval(request, highProfile);

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
                Reason: string.IsNullOrWhiteSpace(action.Note) ? action.PolicyClause : action.Note), cancellationToken);
        }

        return actions;
    }

    /// <summary>The second-person rule: organization suspension, sanctions on high-profile
    /// organizations and revoking more than the configured number of keys wait for a Lead.</summary>
    public bool NeedsApproval(EnforcementRequest request, bool targetsHighProfileOrganization)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind is EnforcementKind.Warn or EnforcementKind.SendNotice)
        {
            return false;
        }

        return request.Kind == EnforcementKind.SuspendOrganization
            || targetsHighProfileOrganization
            || (request.Kind == EnforcementKind.RevokeKey && request.TargetIds.Count > options.Value.MaxKeysWithoutApproval);
    }

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
