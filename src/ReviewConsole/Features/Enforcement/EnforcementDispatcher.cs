using Hangfire;

namespace ReviewConsole.Features.Enforcement;

/// <summary>
/// Hands actions that became Pending (or are due for a retry) to Hangfire right after the commit
/// that made them so — called by <see cref="EnforcementCommitInterceptor"/> for every action any
/// feature adds, and by the few bulk moves it cannot see. A lost or duplicate job is harmless:
/// the job's pick-up is an atomic conditional update, and the outbox poller (woken through
/// <see cref="EnforcementOutboxSignal"/> when a hand-over fails) and the sweeper pick up anything
/// left behind.
/// </summary>
public sealed class EnforcementDispatcher(IBackgroundJobClient jobs, EnforcementOutboxSignal signal, TimeProvider clock, ILogger<EnforcementDispatcher> logger)
{
    public void Enqueue(IEnumerable<long> actionIds)
    {
        ArgumentNullException.ThrowIfNull(actionIds);
        foreach (var id in actionIds)
        {
            Try(id, () => jobs.Enqueue<ExecuteEnforcementActionJob>(job => job.RunAsync(id, CancellationToken.None)));
        }
    }

    /// <summary>Enqueues what is due now and schedules what is due later (a sanction's reversal at its expiry).</summary>
    public void Dispatch(IEnumerable<(long Id, DateTimeOffset? DueAt)> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        var now = clock.GetUtcNow();
        foreach (var (id, dueAt) in actions)
        {
            if (dueAt is { } due && due > now)
            {
                Schedule(id, due - now);
            }
            else
            {
                Try(id, () => jobs.Enqueue<ExecuteEnforcementActionJob>(job => job.RunAsync(id, CancellationToken.None)));
            }
        }
    }

    public void Schedule(long actionId, TimeSpan delay) =>
        Try(actionId, () => jobs.Schedule<ExecuteEnforcementActionJob>(job => job.RunAsync(actionId, CancellationToken.None), delay));

    private void Try(long actionId, Action enqueue)
    {
        try
        {
            enqueue();
        }
        catch (Exception e) when (e is InvalidOperationException or BackgroundJobClientException)
        {
            // The row is already committed; the poller executes it without this job, now.
            logger.LogWarning(e, "Could not enqueue enforcement action {ActionId}; the outbox poller will pick it up.", actionId);
            signal.Wake();
        }
    }
}

/// <summary>Wakes this node's outbox poller before its next tick (a failed hand-over, new due work).</summary>
public sealed class EnforcementOutboxSignal : IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Dispose() => signal.Dispose();

    public void Wake()
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up covers every reason.
        }
    }

    /// <summary>Waits for a wake-up or <paramref name="timeout"/>, whichever comes first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);
}
