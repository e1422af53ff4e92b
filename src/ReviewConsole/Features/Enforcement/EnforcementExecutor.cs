using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Enforcement;

public enum ExecutionResult
{
    /// <summary>Another worker holds it, it is not due, or it is in a state that does not run.</summary>
    NotPickedUp,
    Succeeded,
    Retrying,
    DeadLettered,
    /// <summary>Our lease was taken over while we delivered; the other worker finishes it.</summary>
    LostLease,
}

/// <summary>
/// Carries out one action: atomic pick-up (Pending/Retrying and due, or InProgress with an expired
/// lease → InProgress, Attempts + 1), delivery through the gateway, then a conditional finish that
/// only the holder of this attempt can make (WHERE State = InProgress AND Attempts = ours). The
/// registry effect is applied in the same transaction as the finish, so it happens exactly once
/// even when two nodes race; the platform call itself is made safe by the Idempotency-Key.
/// </summary>
public sealed class EnforcementExecutor(
    IDbContextFactory<AppDbContext> dbFactory,
    IEnforcementGateway gateway,
    EnforcementDispatcher dispatcher,
    NoticeService notices,
    AuditLog audit,
    TimeProvider clock,
    IOptions<EnforcementOptions> options,
    ILogger<EnforcementExecutor> logger)
{
    private static readonly StaffUser Executor = new("system:enforcement", "Enforcement executor");
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromDays(1);

    public async Task<ExecutionResult> RunAsync(long actionId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var attempt = await PickUpAsync(actionId, settings, cancellationToken);
        if (attempt is null)
        {
            return ExecutionResult.NotPickedUp;
        }

        EnforcementDelivery delivery;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var action = await db.Set<EnforcementAction>().AsNoTracking().SingleAsync(a => a.Id == actionId, cancellationToken);
            if (attempt.Value > settings.MaxAttempts)
            {
                // Workers kept dying (lease expired each time): give up rather than loop forever.
                return await FinishFailedAsync(actionId, attempt.Value, DeliveryOutcome.Permanent($"Gave up after {attempt.Value - 1} attempts whose worker never finished. Last error: {action.LastError}"), settings, cancellationToken);
            }

            try
            {
                EnforcementContract.Read(action.Kind, action.ParametersJson);
            }
            catch (ArgumentException e)
            {
                // Parameters that do not match the kind's contract would apply a different effect than
                // was decided: refuse to deliver them at all.
                return await FinishFailedAsync(actionId, attempt.Value, DeliveryOutcome.Permanent($"Parameters do not match the {action.Kind} contract: {e.Message}"), settings, cancellationToken);
            }

            delivery = await DeliveryOfAsync(db, action, attempt.Value, cancellationToken);
        }

        DeliveryOutcome outcome;
        try
        {
            outcome = await gateway.DeliverAsync(delivery, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Delivery of enforcement action {ActionId} failed unexpectedly.", actionId);
            outcome = DeliveryOutcome.Transient($"{e.GetType().Name}: {e.Message}");
        }

        var result = outcome.Status == DeliveryStatus.Delivered
            ? await FinishSucceededAsync(actionId, attempt.Value, outcome, cancellationToken)
            : await FinishFailedAsync(actionId, attempt.Value, outcome, settings, cancellationToken);
        logger.LogInformation("Enforcement action {ActionId}, attempt {Attempt}: {Result}.", actionId, attempt.Value, result);
        return result;
    }

    /// <summary>The atomic pick-up; returns this worker's attempt number (its fencing token) or null.</summary>
    private async Task<int?> PickUpAsync(long actionId, EnforcementOptions settings, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var lease = now.AddSeconds(settings.LeaseSeconds);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var picked = await db.Set<EnforcementAction>()
            .Where(a => a.Id == actionId
                && (((a.State == EnforcementState.Pending || a.State == EnforcementState.Retrying) && a.NextAttemptAt <= now)
                    || (a.State == EnforcementState.InProgress && a.LeaseExpiresAt < now)))
            .ExecuteUpdateAsync(
                s => s.SetProperty(a => a.State, EnforcementState.InProgress)
                    .SetProperty(a => a.Attempts, a => a.Attempts + 1)
                    .SetProperty(a => a.LeaseExpiresAt, lease)
                    .SetProperty(a => a.LastAttemptAt, now),
                cancellationToken);
        if (picked == 0)
        {
            return null;
        }

        return await db.Set<EnforcementAction>().Where(a => a.Id == actionId).Select(a => a.Attempts).SingleAsync(cancellationToken);
    }

    private async Task<ExecutionResult> FinishSucceededAsync(long actionId, int attempt, DeliveryOutcome outcome, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        long? noticeId = null;
        var refused = await db.InTransactionAsync<ExecutionResult?>(
            async ct =>
            {
                noticeId = null;
                var finished = await Owned(db, actionId, attempt).ExecuteUpdateAsync(
                    s => s.SetProperty(a => a.State, EnforcementState.Succeeded)
                        .SetProperty(a => a.CompletedAt, now)
                        .SetProperty(a => a.LeaseExpiresAt, (DateTimeOffset?)null)
                        .SetProperty(a => a.ConfirmedAtPlatform, outcome.ConfirmedAtPlatform)
                        .SetProperty(a => a.PlatformResponse, Truncate(outcome.Detail, 500))
                        .SetProperty(a => a.LastError, (string?)null),
                    ct);
                if (finished == 0)
                {
                    return ExecutionResult.LostLease;
                }

                var action = await db.Set<EnforcementAction>().SingleAsync(a => a.Id == actionId, ct);
                var before = await EnforcementEffects.ApplyAsync(db, action, now, ct);
                action.PreviousStateJson = EnforcementJson.Serialize(before);
                EnforcementAction? reversal = null;
                if (action.ExpiresAt is { } expiresAt)
                {
                    // The scheduled reversal is an outbox row due at the expiry: the poller runs it then,
                    // on whichever node, and it shows on the actor page until it has.
                    reversal = EnforcementEffects.NewReversal(action, EnforcementReason.Expiry, action.Id.ToString(CultureInfo.InvariantCulture), Executor.Name, Executor.Id, $"Scheduled end of the time-bounded {action.Kind} #{action.Id}.", now, expiresAt);
                    if (reversal is not null)
                    {
                        db.Add(reversal);
                    }
                }

                await db.SaveChangesAsync(ct);
                noticeId = await QueueNoticeAsync(db, action, now, ct);
                await audit.AppendAsync(db, Executor, new AuditEntry(
                    "enforcement.succeeded",
                    "EnforcementAction",
                    actionId.ToString(CultureInfo.InvariantCulture),
                    $"{action.Kind} on {action.TargetType} {action.TargetId} carried out (attempt {attempt}): {outcome.Detail}",
                    BeforeJson: action.PreviousStateJson,
                    AfterJson: reversal is null ? null : EnforcementJson.Serialize(new { reversalActionId = reversal.Id, dueAt = reversal.NextAttemptAt })), ct);
                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is { } lost)
        {
            return lost;
        }

        if (noticeId is { } notice)
        {
            dispatcher.Enqueue([notice]);
        }

        return ExecutionResult.Succeeded;
    }

    /// <summary>
    /// The notice that goes with a sanction or warning, queued in the transaction that carried the
    /// sanction out (once per request group: the conditional update on the group's rows is the
    /// claim, so two workers finishing actions of one group queue one notice). Not for reversals,
    /// nor when the decider opted out with a reason.
    /// </summary>
    private async Task<long?> QueueNoticeAsync(AppDbContext db, EnforcementAction action, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!(EnforcementStateMachine.IsSanction(action.Kind) || action.Kind == EnforcementKind.Warn) || action.ReversesActionId is not null || action.NoticeOptOutReason is not null)
        {
            return null;
        }

        var group = action.RequestGroupId is { } g
            ? db.Set<EnforcementAction>().Where(a => a.RequestGroupId == g)
            : db.Set<EnforcementAction>().Where(a => a.Id == action.Id);
        if (await group.Where(a => !a.NoticeQueued).ExecuteUpdateAsync(s => s.SetProperty(a => a.NoticeQueued, true), cancellationToken) == 0)
        {
            return null;
        }

        var (notice, problems) = await notices.ComposeForSanctionAsync(db, action, now, cancellationToken);
        if (notice is null)
        {
            await audit.AppendAsync(db, Executor, new AuditEntry("notice.failed", "EnforcementAction", action.Id.ToString(CultureInfo.InvariantCulture), "The sanction's notice could not be rendered", Reason: string.Join(" ", problems)), cancellationToken);
            return null;
        }

        var row = new EnforcementAction
        {
            Kind = EnforcementKind.SendNotice,
            State = EnforcementState.Pending,
            TargetType = EnforcementTargetType.Organization,
            TargetId = action.OrganizationId,
            OrganizationId = action.OrganizationId,
            ParametersJson = EnforcementContract.Write(EnforcementKind.SendNotice, notice),
            Reason = action.Reason,
            ReasonId = action.ReasonId,
            PolicyClause = action.PolicyClause,
            Note = $"Notice of {action.Kind} #{action.Id}",
            RequestedBy = Executor.Name,
            RequestedById = Executor.Id,
            RequestedAt = now,
            RequestGroupId = Guid.NewGuid().ToString("N"),
            IdempotencyKey = Guid.NewGuid().ToString("N"),
            NextAttemptAt = now,
        };
        db.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return row.Id;
    }

    private async Task<ExecutionResult> FinishFailedAsync(long actionId, int attempt, DeliveryOutcome outcome, EnforcementOptions settings, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var deadLetter = outcome.Status == DeliveryStatus.Permanent || attempt >= settings.MaxAttempts;

        // The platform's Retry-After (or an open circuit's remaining break) is a floor, capped at a day.
        var backoff = Backoff(attempt, settings);
        var delay = outcome.RetryAfter is { } asked && asked > backoff
            ? (asked > MaxRetryAfter ? MaxRetryAfter : asked)
            : backoff;
        var next = now + delay;
        var error = Truncate($"Attempt {attempt}: {outcome.Detail}", 4000);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var refused = await db.InTransactionAsync<ExecutionResult?>(
            async ct =>
            {
                var finished = deadLetter
                    ? await Owned(db, actionId, attempt).ExecuteUpdateAsync(
                        s => s.SetProperty(a => a.State, EnforcementState.DeadLettered)
                            .SetProperty(a => a.LeaseExpiresAt, (DateTimeOffset?)null)
                            .SetProperty(a => a.NextAttemptAt, (DateTimeOffset?)null)
                            .SetProperty(a => a.LastError, error),
                        ct)
                    : await Owned(db, actionId, attempt).ExecuteUpdateAsync(
                        s => s.SetProperty(a => a.State, EnforcementState.Retrying)
                            .SetProperty(a => a.LeaseExpiresAt, (DateTimeOffset?)null)
                            .SetProperty(a => a.NextAttemptAt, next)
                            .SetProperty(a => a.LastError, error),
                        ct);
                if (finished == 0)
                {
                    return ExecutionResult.LostLease;
                }

                await audit.AppendAsync(db, Executor, new AuditEntry(
                    deadLetter ? "enforcement.deadlettered" : "enforcement.retrying",
                    "EnforcementAction",
                    actionId.ToString(CultureInfo.InvariantCulture),
                    deadLetter ? $"Dead-lettered after attempt {attempt}" : $"Attempt {attempt} failed; retry at {next:u}",
                    Reason: error), ct);
                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is { } lost)
        {
            return lost;
        }

        if (!deadLetter)
        {
            dispatcher.Schedule(actionId, delay);
        }

        return deadLetter ? ExecutionResult.DeadLettered : ExecutionResult.Retrying;
    }

    /// <summary>Exponential backoff with full-range jitter (0.5×–1.5×), capped: retries of many
    /// actions failing together spread out instead of hitting the platform in waves.</summary>
    public static TimeSpan Backoff(int attempt, EnforcementOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var exponential = settings.BaseBackoffSeconds * Math.Pow(2, Math.Max(0, attempt - 1));
        var capped = Math.Min(exponential, settings.MaxBackoffSeconds);
        var jitter = 0.5 + Random.Shared.NextDouble();
        return TimeSpan.FromSeconds(Math.Min(capped * jitter, settings.MaxBackoffSeconds));
    }

    private static IQueryable<EnforcementAction> Owned(AppDbContext db, long actionId, int attempt) =>
        db.Set<EnforcementAction>().Where(a => a.Id == actionId && a.State == EnforcementState.InProgress && a.Attempts == attempt);

    private static async Task<EnforcementDelivery> DeliveryOfAsync(AppDbContext db, EnforcementAction action, int attempt, CancellationToken cancellationToken)
    {
        var target = action.TargetType switch
        {
            EnforcementTargetType.Organization => await db.Set<Organization>().Where(o => o.Id == action.TargetId).Select(o => o.ExternalId).SingleAsync(cancellationToken),
            EnforcementTargetType.Application => await db.Set<Application>().Where(a => a.Id == action.TargetId).Select(a => a.ExternalId).SingleAsync(cancellationToken),
            _ => await db.Set<ApiKey>().Where(k => k.Id == action.TargetId).Select(k => k.ExternalId).SingleAsync(cancellationToken),
        };
        var organization = await db.Set<Organization>().Where(o => o.Id == action.OrganizationId).Select(o => o.ExternalId).SingleAsync(cancellationToken);
        return new EnforcementDelivery(action.Id, action.IdempotencyKey, action.Kind, action.TargetType, target, organization, action.ParametersJson, action.Reason, action.PolicyClause, action.ExpiresAt, attempt);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
