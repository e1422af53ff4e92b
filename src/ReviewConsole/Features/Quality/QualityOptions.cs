using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ReviewConsole.Features.Quality;

/// <summary>Review-quality measurement: golden items, blind double review and the below-threshold sample.</summary>
public sealed class QualityOptions
{
    public const string SectionName = "Quality";

    // Off unless configured (appsettings.json turns them on), so a bare host or test decides flags plainly.

    /// <summary>Share of a reviewer's Next claims served as golden items (0 = off).</summary>
    [Range(0.0, 0.5)]
    public double GoldenShare { get; set; }

    /// <summary>Share of a use-case reviewer's Next claims served as golden use-case submissions (0 = off).</summary>
    [Range(0.0, 0.5)]
    public double UseCaseGoldenShare { get; set; }

    /// <summary>Share of decided live flags sampled for a blind second review (0 = off).</summary>
    [Range(0.0, 1.0)]
    public double DoubleReviewRate { get; set; }

    /// <summary>The sampling rate for flags whose severest category reaches <see cref="SevereWeight"/>.</summary>
    [Range(0.0, 1.0)]
    public double SevereDoubleReviewRate { get; set; }

    /// <summary>Severity weight (0..1) from which a category counts as severe for double review.</summary>
    [Range(0.0, 1.0)]
    public double SevereWeight { get; set; } = 0.8;

    /// <summary>Minutes a served golden item stays reserved for its reviewer.</summary>
    [Range(1, 24 * 60)]
    public int GoldenLeaseMinutes { get; set; } = 10;

    /// <summary>Share of below-threshold traffic the pipeline sends for review as negatives; the
    /// threshold explorer scales the sample by it when estimating a lower threshold.</summary>
    [Range(0.0001, 1.0)]
    public double BelowThresholdSampleRate { get; set; } = 0.02;

    /// <summary>With <c>Demo:Enabled</c>: seed 30 days of decided history (decisions, double reviews,
    /// golden answers, enforcement, appeals) so the statistics and agreement pages have figures.</summary>
    public bool SeedDemoHistory { get; set; }

    /// <summary>Fewest sampled below-threshold items in a band before the explorer gives an estimate
    /// without a "sample too small" warning.</summary>
    [Range(1, 100000)]
    public int MinBelowThresholdSample { get; set; } = 30;
}

[OptionsValidator]
public sealed partial class QualityOptionsValidator : IValidateOptions<QualityOptions>;
