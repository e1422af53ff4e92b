using Hangfire;
using Microsoft.Extensions.Options;
using ReviewConsole.Infrastructure.BackgroundJobs;

namespace ReviewConsole.Features.UseCases;

/// <summary>Re-review dates, drift and staged access for live approvals, on a schedule.</summary>
public sealed class CheckUseCasesJob(UseCaseMonitorService monitor, ILogger<CheckUseCasesJob> logger)
{
    public const string Name = "usecases-check";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var result = await monitor.RunChecksAsync(cancellationToken);
        if (result.ReReviewsDue + result.Drifting + result.TiersProposed + result.Halted > 0)
        {
            logger.LogInformation(
                "Use-case check: {Due} re-reviews due, {Drifting} drifting, {Proposed} next tiers proposed, {Halted} staged accesses halted",
                result.ReReviewsDue,
                result.Drifting,
                result.TiersProposed,
                result.Halted);
        }
    }
}

public sealed class UseCasesRecurringJobs(IOptions<UseCasesOptions> options) : IRecurringJobRegistration
{
    public void Register(IRecurringJobManager recurring) =>
        recurring.AddOrUpdate<CheckUseCasesJob>(CheckUseCasesJob.Name, job => job.RunAsync(CancellationToken.None), options.Value.CheckCron);
}
