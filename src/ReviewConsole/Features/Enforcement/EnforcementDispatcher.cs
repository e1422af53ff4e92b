using Hangfire;

namespace ReviewConsole.Features.Enforcement;

/// <summary>
/// Hands actions that became Pending (or are due for a retry) to Hangfire right after the commit
/// that made them so. A lost or duplicate job is harmless: the job's pick-up is an atomic
/// conditional update, and the outbox poller and sweeper pick up anything left behind.
/// </summary>
public sealed class EnforcementDispatcher(IBackgroundJobClient jobs, ILogger<EnforcementDispatcher> logger)
{
    public void Enqueue(IEnumerable<long> actionIds)
    {
        ArgumentNullException.ThrowIfNull(actionIds);
        foreach (var id in actionIds)
        {
            Try(id, () => jobs.Enqueue<ExecuteEnforcementActionJob>(job => job.RunAsync(id, CancellationToken.None)));
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
            // The row is already committed; the poller executes it without this job.
            logger.LogWarning(e, "Could not enqueue enforcement action {ActionId}; the outbox poller will pick it up.", actionId);
        }
    }
}
