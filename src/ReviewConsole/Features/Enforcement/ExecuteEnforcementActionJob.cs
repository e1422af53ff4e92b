namespace ReviewConsole.Features.Enforcement;

/// <summary>Hangfire job for one action; it only names the id, the row holds the truth.</summary>
public sealed class ExecuteEnforcementActionJob(EnforcementExecutor executor)
{
    public Task<ExecutionResult> RunAsync(long actionId, CancellationToken cancellationToken) =>
        executor.RunAsync(actionId, cancellationToken);
}
