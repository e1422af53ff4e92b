using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ReviewConsole.Infrastructure.BackgroundJobs;

public sealed class BackgroundJobsOptions
{
    public const string SectionName = "Hangfire";

    /// <summary>Run a Hangfire processing server in this process (web-only nodes set false).</summary>
    public bool ServerEnabled { get; set; } = true;

    [Range(1, 64)]
    public int WorkerCount { get; set; } = 4;

    /// <summary>Cron expression of the heartbeat job.</summary>
    [Required]
    public string HeartbeatCron { get; set; } = "* * * * *";
}

[OptionsValidator]
public sealed partial class BackgroundJobsOptionsValidator : IValidateOptions<BackgroundJobsOptions>;
