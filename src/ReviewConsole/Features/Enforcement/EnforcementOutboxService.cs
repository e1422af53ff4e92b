using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Enforcement;

public sealed record EnforcementFilter(IReadOnlyCollection<EnforcementState>? States = null, long? OrganizationId = null, int Take = 200);

public sealed record EnforcementListItem(
    long Id,
    EnforcementKind Kind,
    EnforcementState State,
    EnforcementTargetType TargetType,
    long TargetId,
    string TargetLabel,
    long OrganizationId,
    string OrganizationName,
    EnforcementReason Reason,
    string? ReasonId,
    string? PolicyClause,
    string Note,
    string? ParametersJson,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    bool RequiresApproval,
    string? ApprovedBy,
    string? CancelledBy,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    string? LastError,
    DateTimeOffset? CompletedAt,
    bool ConfirmedAtPlatform,
    DateTimeOffset? ExpiresAt,
    long? ReversesActionId,
    string? RequestGroupId,
    string? PlatformResponse = null,
    string? NoticeOptOutReason = null);

public sealed record PreviewKey(long Id, string ExternalId, string Prefix, string ApplicationName, ApiKeyStatus Status, long TokensThisMonth, int? RateLimitRpm);

public sealed record PreviewApplication(long Id, string ExternalId, string Name, ActorStatus Status, int Keys);

/// <summary>What an action (or a whole request group) would touch, shown before anyone confirms it.</summary>
public sealed record EnforcementPreview(
    EnforcementKind Kind,
    string OrganizationName,
    bool HighProfile,
    IReadOnlyList<PreviewApplication> Applications,
    IReadOnlyList<PreviewKey> Keys,
    int ActiveKeysAffected,
    long TokensThisMonth,
    int FlagsLast7Days,
    BlastRadius Radius);

public sealed record OutboxCounts(int PendingApproval, int Pending, int InProgress, int Retrying, int DeadLettered);

/// <summary>
/// The outbox's human moves: approve (a Lead who is not the requester), cancel, re-queue a dead
/// letter (Admin), the preview and the lists. Each move is a conditional update whose allowed
/// source states come from <see cref="EnforcementStateMachine"/>, audited in its transaction.
/// </summary>
public sealed class EnforcementOutboxService(
    IDbContextFactory<AppDbContext> dbFactory,
    EnforcementService enforcement,
    EnforcementDispatcher dispatcher,
    AuditLog audit,
    TimeProvider clock)
{
    private static readonly string[] CancelRoles = [Roles.Lead, Roles.Admin];

    /// <summary>The roles that may ask for enforcement by hand ("act on this actor").</summary>
    public static readonly IReadOnlyList<string> RequesterRoles = [Roles.Reviewer, Roles.IncidentResponder, Roles.Lead, Roles.Admin];

    /// <summary>A manual request from the console (the "act on this actor" form): rows and audit;
    /// the commit starts whatever does not wait for approval.</summary>
    public async Task<ServiceResult> RequestAsync(EnforcementRequest request, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(by);
        if (string.IsNullOrWhiteSpace(request.Note))
        {
            return ServiceResult.Fail("Say why: the note is required.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await StaffDirectory.IsInAnyRoleAsync(db, by.Id, RequesterRoles.ToList(), cancellationToken))
        {
            return ServiceResult.Fail("Your role cannot request enforcement.");
        }

        IReadOnlyList<EnforcementAction> actions;
        try
        {
            actions = await db.InTransactionAsync(ct => enforcement.RequestAsync(db, request, by, ct), cancellationToken);
        }
        catch (ArgumentException e)
        {
            return ServiceResult.Fail(e.Message.Split(" (Parameter", StringSplitOptions.None)[0]);
        }

        // The commit handed the Pending actions to Hangfire (EnforcementCommitInterceptor).
        return actions[0].State == EnforcementState.PendingApproval
            ? ServiceResult.Ok($"Requested; {actions.Count} action(s) wait for a Lead's approval (a second person).", actions[0].Id)
            : ServiceResult.Ok($"Requested; {actions.Count} action(s) queued.", actions[0].Id);
    }

    /// <summary>Approves every waiting action of the request group of <paramref name="actionId"/>.</summary>
    public async Task<ServiceResult> ApproveAsync(long actionId, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var action = await db.Set<EnforcementAction>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == actionId, cancellationToken);
        if (action is null)
        {
            return ServiceResult.Fail("Unknown enforcement action.");
        }

        if (!await StaffDirectory.IsInAnyRoleAsync(db, by.Id, [Roles.Lead], cancellationToken))
        {
            return ServiceResult.Fail("Only a Lead can approve high-impact enforcement.");
        }

        if (action.RequestedById == by.Id || (action.RequestedById is null && action.RequestedBy == by.Name))
        {
            return ServiceResult.Fail("A second person must approve: you requested this action.");
        }

        var now = clock.GetUtcNow();
        var sources = EnforcementStateMachine.SourcesOf(EnforcementState.Pending).Where(s => s == EnforcementState.PendingApproval).ToList();
        List<long> ids = default!;
        int approved = default!;
        var refused = await db.InTransactionAsync<ServiceResult?>(
            async ct =>
            {
                var group = Group(db, action);
                ids = await group.Where(a => sources.Contains(a.State)).Select(a => a.Id).ToListAsync(ct);
                approved = await group.Where(a => sources.Contains(a.State))
                    .ExecuteUpdateAsync(
                        s => s.SetProperty(a => a.State, EnforcementState.Pending)
                            .SetProperty(a => a.ApprovedBy, by.Name)
                            .SetProperty(a => a.ApprovedById, by.Id)
                            .SetProperty(a => a.ApprovedAt, now)
                            .SetProperty(a => a.NextAttemptAt, now),
                        ct);
                if (approved == 0)
                {
                    return ServiceResult.Fail("Nothing to approve: the action was already approved or cancelled.");
                }

                foreach (var id in ids)
                {
                    await audit.AppendAsync(db, by, new AuditEntry("enforcement.approved", "EnforcementAction", id.ToString(CultureInfo.InvariantCulture), $"Approved {action.Kind} requested by {action.RequestedBy}"), ct);
                }

                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        dispatcher.Enqueue(ids);
        return ServiceResult.Ok(approved == 1 ? "Approved; the action is queued." : $"Approved {approved} actions; they are queued.", actionId);
    }

    /// <summary>Cancels an action that has not run (or a dead letter): the requester, a Lead or an Admin.
    /// For an action waiting for approval, the whole request group is rejected.</summary>
    public async Task<ServiceResult> CancelAsync(long actionId, string reason, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        if (string.IsNullOrWhiteSpace(reason))
        {
            return ServiceResult.Fail("Say why the action is cancelled.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var action = await db.Set<EnforcementAction>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == actionId, cancellationToken);
        if (action is null)
        {
            return ServiceResult.Fail("Unknown enforcement action.");
        }

        var isRequester = action.RequestedById == by.Id;
        if (!isRequester && !await StaffDirectory.IsInAnyRoleAsync(db, by.Id, CancelRoles, cancellationToken))
        {
            return ServiceResult.Fail("Only the requester, a Lead or an Admin can cancel an action.");
        }

        var now = clock.GetUtcNow();
        var sources = EnforcementStateMachine.SourcesOf(EnforcementState.Cancelled).ToList();
        var scope = action.State == EnforcementState.PendingApproval ? Group(db, action) : db.Set<EnforcementAction>().Where(a => a.Id == actionId);
        var cancelled = 0;
        var refused = await db.InTransactionAsync<ServiceResult?>(
            async ct =>
            {
                var ids = await scope.Where(a => sources.Contains(a.State)).Select(a => a.Id).ToListAsync(ct);
                cancelled = await scope.Where(a => sources.Contains(a.State))
                    .ExecuteUpdateAsync(
                        s => s.SetProperty(a => a.State, EnforcementState.Cancelled)
                            .SetProperty(a => a.CancelledBy, by.Name)
                            .SetProperty(a => a.CancelledAt, now)
                            .SetProperty(a => a.NextAttemptAt, (DateTimeOffset?)null),
                        ct);
                if (cancelled == 0)
                {
                    return ServiceResult.Fail($"An action that is {action.State} cannot be cancelled.");
                }

                foreach (var id in ids)
                {
                    await audit.AppendAsync(db, by, new AuditEntry("enforcement.cancelled", "EnforcementAction", id.ToString(CultureInfo.InvariantCulture), $"Cancelled {action.Kind} (was {action.State})", Reason: reason), ct);
                }

                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        return ServiceResult.Ok(cancelled == 1 ? "Cancelled." : $"Cancelled {cancelled} actions.", actionId);
    }

    /// <summary>An Admin sends a dead letter back to Pending with fresh attempts (the same idempotency key).</summary>
    public async Task<ServiceResult> RequeueAsync(long actionId, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await StaffDirectory.IsInAnyRoleAsync(db, by.Id, [Roles.Admin], cancellationToken))
        {
            return ServiceResult.Fail("Only an Admin can re-queue a dead letter.");
        }

        var now = clock.GetUtcNow();
        var sources = EnforcementStateMachine.SourcesOf(EnforcementState.Pending).Where(s => s == EnforcementState.DeadLettered).ToList();
        var refused = await db.InTransactionAsync<ServiceResult?>(
            async ct =>
            {
                var requeued = await db.Set<EnforcementAction>().Where(a => a.Id == actionId && sources.Contains(a.State))
                    .ExecuteUpdateAsync(
                        s => s.SetProperty(a => a.State, EnforcementState.Pending)
                            .SetProperty(a => a.Attempts, 0)
                            .SetProperty(a => a.NextAttemptAt, now),
                        ct);
                if (requeued == 0)
                {
                    return ServiceResult.Fail("Only a dead-lettered action can be re-queued.");
                }

                await audit.AppendAsync(db, by, new AuditEntry("enforcement.requeued", "EnforcementAction", actionId.ToString(CultureInfo.InvariantCulture), "Re-queued a dead-lettered action"), ct);
                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        dispatcher.Enqueue([actionId]);
        return ServiceResult.Ok("Re-queued.", actionId);
    }

    public async Task<IReadOnlyList<EnforcementListItem>> ListAsync(EnforcementFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Set<EnforcementAction>().AsNoTracking();
        if (filter.States is { Count: > 0 } states)
        {
            query = query.Where(a => states.Contains(a.State));
        }

        if (filter.OrganizationId is { } org)
        {
            query = query.Where(a => a.OrganizationId == org);
        }

        var actions = await query.OrderByDescending(a => a.Id).Take(Math.Clamp(filter.Take, 1, 1000)).ToListAsync(cancellationToken);
        return await DescribeAsync(db, actions, cancellationToken);
    }

    public async Task<EnforcementListItem?> GetAsync(long actionId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var actions = await db.Set<EnforcementAction>().AsNoTracking().Where(a => a.Id == actionId).ToListAsync(cancellationToken);
        return (await DescribeAsync(db, actions, cancellationToken)).SingleOrDefault();
    }

    public async Task<OutboxCounts> CountsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var counts = await db.Set<EnforcementAction>().GroupBy(a => a.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        int Of(EnforcementState state) => counts.FirstOrDefault(c => c.Key == state)?.Count ?? 0;
        return new OutboxCounts(Of(EnforcementState.PendingApproval), Of(EnforcementState.Pending), Of(EnforcementState.InProgress), Of(EnforcementState.Retrying), Of(EnforcementState.DeadLettered));
    }

    /// <summary>The preview of the request group of <paramref name="actionId"/>.</summary>
    public async Task<EnforcementPreview?> PreviewAsync(long actionId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var action = await db.Set<EnforcementAction>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == actionId, cancellationToken);
        if (action is null)
        {
            return null;
        }

        var targets = await Group(db, action).Select(a => a.TargetId).ToListAsync(cancellationToken);
        return await PreviewAsync(db, action.Kind, action.TargetType, targets, cancellationToken);
    }

    /// <summary>The preview of a request not made yet (the "act on this actor" dialog).</summary>
    public async Task<EnforcementPreview> PreviewAsync(EnforcementKind kind, EnforcementTargetType type, IReadOnlyList<long> targetIds, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await PreviewAsync(db, kind, type, targetIds, cancellationToken);
    }

    private async Task<EnforcementPreview> PreviewAsync(AppDbContext db, EnforcementKind kind, EnforcementTargetType type, IReadOnlyList<long> targetIds, CancellationToken cancellationToken)
    {
        var keyIds = new HashSet<long>();
        foreach (var target in targetIds)
        {
            keyIds.UnionWith(await EnforcementEffects.KeysInScope(db, type, target).Select(k => k.Id).ToListAsync(cancellationToken));
        }

        var keys = await (from k in db.Set<ApiKey>().AsNoTracking()
                          join a in db.Set<Application>() on k.ApplicationId equals a.Id
                          where keyIds.Contains(k.Id)
                          orderby k.Id
                          select new { Key = k, AppName = a.Name }).ToListAsync(cancellationToken);
        var appIds = type == EnforcementTargetType.Application ? targetIds.ToHashSet() : keys.Select(k => k.Key.ApplicationId).ToHashSet();
        if (type == EnforcementTargetType.Organization)
        {
            appIds.UnionWith(await db.Set<Application>().Where(a => targetIds.Contains(a.OrganizationId)).Select(a => a.Id).ToListAsync(cancellationToken));
        }

        var apps = await db.Set<Application>().AsNoTracking().Where(a => appIds.Contains(a.Id))
            .Select(a => new PreviewApplication(a.Id, a.ExternalId, a.Name, a.Status, db.Set<ApiKey>().Count(k => k.ApplicationId == a.Id)))
            .ToListAsync(cancellationToken);
        var orgIds = type == EnforcementTargetType.Organization ? targetIds.ToList() : keys.Select(k => k.Key.OrganizationId).Distinct().ToList();
        if (orgIds.Count == 0 && type == EnforcementTargetType.Application)
        {
            orgIds = await db.Set<Application>().Where(a => targetIds.Contains(a.Id)).Select(a => a.OrganizationId).Distinct().ToListAsync(cancellationToken);
        }

        var orgs = await db.Set<Organization>().AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToListAsync(cancellationToken);
        var since = clock.GetUtcNow().AddDays(-7);
        var flags = await db.Set<Flag>().CountAsync(f => keyIds.Contains(f.ApiKeyId) && f.CreatedAt >= since, cancellationToken);
        return new EnforcementPreview(
            kind,
            string.Join(", ", orgs.Select(o => o.Name)),
            orgs.Any(o => o.IsHighProfile),
            apps,
            keys.Select(k => new PreviewKey(k.Key.Id, k.Key.ExternalId, k.Key.Prefix, k.AppName, k.Key.Status, k.Key.TokensUsedThisMonth, k.Key.RateLimitRpm)).ToList(),
            keys.Count(k => k.Key.Status == ApiKeyStatus.Active),
            keys.Sum(k => k.Key.TokensUsedThisMonth),
            flags,
            await enforcement.BlastRadiusAsync(db, kind, type, targetIds, cancellationToken));
    }

    private static IQueryable<EnforcementAction> Group(AppDbContext db, EnforcementAction action) =>
        action.RequestGroupId is { } group
            ? db.Set<EnforcementAction>().Where(a => a.RequestGroupId == group)
            : db.Set<EnforcementAction>().Where(a => a.Id == action.Id);

    internal static async Task<IReadOnlyList<EnforcementListItem>> DescribeAsync(AppDbContext db, IReadOnlyList<EnforcementAction> actions, CancellationToken cancellationToken)
    {
        var labels = await TargetLabelsAsync(db, actions, cancellationToken);
        var orgIds = actions.Select(a => a.OrganizationId).Distinct().ToList();
        var orgNames = await db.Set<Organization>().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        return actions.Select(a => new EnforcementListItem(
            a.Id, a.Kind, a.State, a.TargetType, a.TargetId,
            labels.GetValueOrDefault((a.TargetType, a.TargetId), $"{a.TargetType} #{a.TargetId}"),
            a.OrganizationId, orgNames.GetValueOrDefault(a.OrganizationId, $"#{a.OrganizationId}"),
            a.Reason, a.ReasonId, a.PolicyClause, a.Note, a.ParametersJson, a.RequestedBy, a.RequestedAt, a.RequiresApproval, a.ApprovedBy, a.CancelledBy,
            a.Attempts, a.NextAttemptAt, a.LastError, a.CompletedAt, a.ConfirmedAtPlatform, a.ExpiresAt, a.ReversesActionId, a.RequestGroupId, a.PlatformResponse, a.NoticeOptOutReason)).ToList();
    }

    private static async Task<Dictionary<(EnforcementTargetType, long), string>> TargetLabelsAsync(AppDbContext db, IReadOnlyList<EnforcementAction> actions, CancellationToken cancellationToken)
    {
        List<long> IdsOf(EnforcementTargetType type) => actions.Where(a => a.TargetType == type).Select(a => a.TargetId).Distinct().ToList();
        var orgIds = IdsOf(EnforcementTargetType.Organization);
        var appIds = IdsOf(EnforcementTargetType.Application);
        var keyIds = IdsOf(EnforcementTargetType.ApiKey);
        var labels = new Dictionary<(EnforcementTargetType, long), string>();
        foreach (var o in await db.Set<Organization>().Where(o => orgIds.Contains(o.Id)).Select(o => new { o.Id, o.Name }).ToListAsync(cancellationToken))
        {
            labels[(EnforcementTargetType.Organization, o.Id)] = o.Name;
        }

        foreach (var a in await db.Set<Application>().Where(a => appIds.Contains(a.Id)).Select(a => new { a.Id, a.Name }).ToListAsync(cancellationToken))
        {
            labels[(EnforcementTargetType.Application, a.Id)] = a.Name;
        }

        foreach (var k in await db.Set<ApiKey>().Where(k => keyIds.Contains(k.Id)).Select(k => new { k.Id, k.Prefix, k.ExternalId }).ToListAsync(cancellationToken))
        {
            labels[(EnforcementTargetType.ApiKey, k.Id)] = $"{k.Prefix}… ({k.ExternalId})";
        }

        return labels;
    }
}
