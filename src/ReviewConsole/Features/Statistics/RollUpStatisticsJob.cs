using Hangfire;
using Microsoft.Extensions.Options;
using ReviewConsole.Infrastructure.BackgroundJobs;

namespace ReviewConsole.Features.Statistics;

/// <summary>Folds new flags and decisions into the statistics rollup (its first runs on an existing
/// database are the backfill). Re-entrant: each batch is one transaction that claims the rollup's
/// version, so two nodes never fold the same rows twice.</summary>
public sealed class RollUpStatisticsJob(StatisticsRollup rollup, ILogger<RollUpStatisticsJob> logger)
{
    public const string Name = "statistics-rollup";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var folded = await rollup.FoldAllAsync(maxBatches: 1000, cancellationToken);
        if (folded > 0)
        {
            logger.LogInformation("Statistics rollup folded {Rows} flags and decisions", folded);
        }
    }
}

public sealed class StatisticsJobsRegistration(IOptions<StatisticsOptions> options) : IRecurringJobRegistration
{
    public void Register(IRecurringJobManager recurring)
    {
        ArgumentNullException.ThrowIfNull(recurring);
        recurring.AddOrUpdate<RollUpStatisticsJob>(RollUpStatisticsJob.Name, job => job.RunAsync(CancellationToken.None), options.Value.RollupCron);
        // The first run after an upgrade is the backfill; start it now rather than at the next tick.
        recurring.Trigger(RollUpStatisticsJob.Name);
    }
}
