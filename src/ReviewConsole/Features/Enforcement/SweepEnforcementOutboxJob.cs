using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Infrastructure.BackgroundJobs;

namespace ReviewConsole.Features.Enforcement;

/// <summary>
/// Picks up every action that is due and not running: Pending or Retrying whose time has come
/// (including scheduled reversals of expired sanctions), and InProgress whose worker's lease ran
/// out. It executes them itself (a few at a time), so it neither depends on Hangfire having kept a
/// job nor floods the queue; concurrent sweepers on other nodes are safe because each pick-up is an
/// atomic conditional update.
/// </summary>
public sealed class SweepEnforcementOutboxJob(IDbContextFactory<AppDbContext> dbFactory, EnforcementExecutor executor, StrikeService strikes, TimeProvider clock)
{
    public const string Name = "enforcement-sweep";
    private const int BatchSize = 100;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var executed = await ExecuteDueAsync(cancellationToken);
        await strikes.RecordFromDecisionsAsync(cancellationToken);
        return executed;
    }

    public async Task<int> ExecuteDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        List<long> due;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            due = await db.Set<EnforcementAction>()
                .Where(a => ((a.State == EnforcementState.Pending || a.State == EnforcementState.Retrying) && a.NextAttemptAt <= now)
                    || (a.State == EnforcementState.InProgress && a.LeaseExpiresAt < now))
                .OrderBy(a => a.NextAttemptAt).ThenBy(a => a.Id)
                .Select(a => a.Id)
                .Take(BatchSize)
                .ToListAsync(cancellationToken);
        }

        var executed = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            if (await executor.RunAsync(id, ct) != ExecutionResult.NotPickedUp)
            {
                Interlocked.Increment(ref executed);
            }
        });
        return executed;
    }
}

public sealed class EnforcementRecurringJobs(IOptions<EnforcementOptions> options) : IRecurringJobRegistration
{
    public void Register(IRecurringJobManager recurring)
    {
        ArgumentNullException.ThrowIfNull(recurring);
        recurring.AddOrUpdate<SweepEnforcementOutboxJob>(SweepEnforcementOutboxJob.Name, job => job.RunAsync(CancellationToken.None), options.Value.SweepCron);
    }
}

/// <summary>
/// Polls the outbox every few seconds on this node. Actions requested by other features (which
/// only write rows inside their own transactions) are executed within this delay, and due
/// retries and expiry reversals run on time, without waiting for the minute-granular cron.
/// </summary>
public sealed class EnforcementOutboxPoller(SweepEnforcementOutboxJob sweeper, IOptions<EnforcementOptions> options, ILogger<EnforcementOutboxPoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.PollerEnabled)
        {
            return;
        }

        // Wall-clock cadence on purpose: what is due is decided by the app's TimeProvider inside
        // the sweep, so a test's frozen fake clock still sees its due actions executed.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.PollSeconds));
        try
        {
            do
            {
                try
                {
                    await sweeper.ExecuteDueAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Enforcement outbox poll failed; trying again next tick.");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
