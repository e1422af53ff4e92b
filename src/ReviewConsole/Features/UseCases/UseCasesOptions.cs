using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ReviewConsole.Features.UseCases;

public sealed class UseCasesOptions
{
    public const string SectionName = "UseCases";

    /// <summary>How long a submission may wait in the queue before it is overdue.</summary>
    [Range(1, 24 * 60)]
    public int ReviewSlaHours { get; set; } = 72;

    /// <summary>How long a claim holds a submission for one reviewer (renewable).</summary>
    [Range(1, 240)]
    public int LeaseMinutes { get; set; } = 10;

    /// <summary>When the re-review, drift and staged-access check runs (Hangfire cron).</summary>
    [Required]
    public string CheckCron { get; set; } = "*/15 * * * *";

    /// <summary>Staged access: days of clean flag history (no confirmed violation) before the next tier is proposed.</summary>
    [Range(1, 365)]
    public int CleanPeriodDays { get; set; } = 14;

    /// <summary>Staged access halts when the app draws this many flags within 24 hours …</summary>
    [Range(1, 100_000)]
    public int SpikeFlagsPer24Hours { get; set; } = 5;

    /// <summary>… or this many confirmed violations since approval.</summary>
    [Range(1, 100_000)]
    public int SpikeConfirmedViolations { get; set; } = 2;

    /// <summary>Drift: usage this month over the approved quota at or above this ratio raises the use case.</summary>
    [Range(0.1, 100)]
    public double DriftVolumeRatio { get; set; } = 1.0;

    /// <summary>Drift: flags per day since approval at or above this rate raise the use case.</summary>
    [Range(0.01, 100_000)]
    public double DriftFlagsPerDay { get; set; } = 3;

    /// <summary>Research credits: what one million tokens of reported usage costs, in USD.</summary>
    [Range(0.0001, 100_000)]
    public double ResearchCreditUsdPerMillionTokens { get; set; } = 2.0;
}

[OptionsValidator]
public sealed partial class UseCasesOptionsValidator : IValidateOptions<UseCasesOptions>;
