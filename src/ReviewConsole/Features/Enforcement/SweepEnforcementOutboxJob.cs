using System.Collections.Concurrent;
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

        // Every decision path (single, cluster, double review, adjudication) writes its strike in
        // its own transaction. This catch-up is kept as an idempotent safety net for violations
        // stored without one: decisions from before that change, seeded demo history, imports. It
        // finds nothing in normal operation, never doubles a strike (one per decision), and records
        // the strike of an already overturned violation revoked.
        await strikes.RecordFromDecisionsAsync(cancellationToken);
        return executed;
    }

    public async Task<int> ExecuteDueAsync(CancellationToken cancellationToken)
    {
        var due = await DueAsync([], BatchSize, cancellationToken);
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

    /// <summary>Ids of actions due now (oldest first), leaving out <paramref name="running"/>.</summary>
    public async Task<List<long>> DueAsync(IReadOnlyCollection<long> running, int take, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var skip = running.ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<EnforcementAction>()
            .Where(a => ((a.State == EnforcementState.Pending || a.State == EnforcementState.Retrying) && a.NextAttemptAt <= now)
                || (a.State == EnforcementState.InProgress && a.LeaseExpiresAt < now))
            .Where(a => !skip.Contains(a.Id))
            .OrderBy(a => a.NextAttemptAt).ThenBy(a => a.Id)
            .Select(a => a.Id)
            .Take(take)
            .ToListAsync(cancellationToken);
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
/// The safety net on each node: every few seconds, or at once when woken through
/// <see cref="EnforcementOutboxSignal"/>, it looks for due actions that no job has taken (a lost
/// hand-over, a retry that is due, a sanction's expiry, a dead worker's lease) and starts each as
/// soon as one of its few slots is free — one by one, never waiting for a whole batch to finish
/// before looking again. Each pick-up is the executor's atomic conditional update, so racing a
/// Hangfire job or another node's poller is harmless.
/// </summary>
public sealed class EnforcementOutboxPoller(
    SweepEnforcementOutboxJob sweeper,
    EnforcementExecutor executor,
    EnforcementOutboxSignal signal,
    IOptions<EnforcementOptions> options,
    ILogger<EnforcementOutboxPoller> logger) : BackgroundService
{
    private const int Slots = 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.PollerEnabled)
        {
            return;
        }

        using var slots = new SemaphoreSlim(Slots, Slots);
        var running = new ConcurrentDictionary<long, byte>();
        var interval = TimeSpan.FromSeconds(options.Value.PollSeconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    // Wall-clock cadence on purpose: what is due is decided by the app's TimeProvider
                    // inside the query, so a test's frozen fake clock still sees its due actions run.
                    foreach (var id in await sweeper.DueAsync(running.Keys.ToList(), Slots * 8, stoppingToken))
                    {
                        await slots.WaitAsync(stoppingToken);
                        running[id] = 0;
                        _ = RunAsync(id, slots, running, stoppingToken);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Enforcement outbox poll failed; trying again next tick.");
                }

                await signal.WaitAsync(interval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Let the actions in flight finish their attempt (each takes every slot back when done).
        for (var i = 0; i < Slots; i++)
        {
            await slots.WaitAsync(CancellationToken.None);
        }
    }

    private async Task RunAsync(long id, SemaphoreSlim slots, ConcurrentDictionary<long, byte> running, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Yield();
            await executor.RunAsync(id, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Executing enforcement action {ActionId} from the outbox poller failed; it stays due.", id);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            running.TryRemove(id, out _);
            slots.Release();
        }
    }
}
