using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ReviewConsole.Features.Statistics;

public sealed class StatisticsOptions
{
    public const string SectionName = "Statistics";

    /// <summary>Counts from 1 up to this value minus one are published as "&lt;N" (and medians over
    /// fewer samples are withheld), so small groups cannot be singled out in a public report.</summary>
    [Range(1, 1000)]
    public int SuppressBelow { get; set; } = 10;

    /// <summary>Cron schedule of the job that folds new flags and decisions into the daily rollup.</summary>
    [Required]
    public string RollupCron { get; set; } = "* * * * *";

    /// <summary>Flags and decisions folded per transaction.</summary>
    [Range(100, 1_000_000)]
    public int RollupBatchSize { get; set; } = 20_000;

    /// <summary>Rows are folded once this old, so an id a server database handed to a transaction that
    /// has not committed yet is not passed over (readers add unfolded rows live, so figures stay current).</summary>
    [Range(0, 3600)]
    public int RollupSettleSeconds { get; set; } = 120;

    /// <summary>More unfolded flags or decisions than this (a database before its first fold) and the
    /// page computes its figures directly from the tables instead.</summary>
    [Range(0, 10_000_000)]
    public int RollupMaxLag { get; set; } = 20_000;
}

[OptionsValidator]
public sealed partial class StatisticsOptionsValidator : IValidateOptions<StatisticsOptions>;
