using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Quality;

namespace ReviewConsole.Features.Flags.Feedback;

/// <summary>
/// What lowering a threshold from <see cref="CurrentThreshold"/> to <see cref="NewThreshold"/> would
/// bring in, estimated from the sampled below-threshold items reviewers decided: how many fall in the
/// band, how many of them reviewers confirmed (with a Wilson interval), and the volume that implies
/// once the sample is scaled by the configured sampling rate.
/// </summary>
public sealed record LoweringEstimate(
    double CurrentThreshold,
    double NewThreshold,
    int SampledInBand,
    int ConfirmedInBand,
    WilsonInterval Precision,
    double SampleRate,
    double EstimatedAdditionalFlags,
    double EstimatedAdditionalViolations,
    int MinimumSample)
{
    public bool SampleTooSmall => SampledInBand < MinimumSample;
}

/// <summary>Reads the below-threshold sample: scores a classifier gave a category without flagging it,
/// on flags reviewers decided (seen, final, not golden), with whether the decision confirmed the category.</summary>
public sealed class ThresholdLoweringService(IDbContextFactory<AppDbContext> dbFactory, IOptions<QualityOptions> options)
{
    private const int MaxSample = 20000;

    public async Task<IReadOnlyList<LabeledScore>> BelowThresholdSampleAsync(ClassifierVersionRef classifier, string category, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Set<FlagCategoryScore>().AsNoTracking()
            .Where(s => s.Category == category && !s.Flagged)
            .Join(db.Set<Flag>().Where(f => f.ClassifierName == classifier.Name && f.ClassifierVersion == classifier.Version && f.Status == FlagStatus.Decided), s => s.FlagId, f => f.Id, (s, f) => s)
            .Join(db.Set<FlagDecision>().Where(d => d.SeenByDecider && d.Verdict != Verdict.Escalate), s => s.FlagId, d => d.FlagId, (s, d) => new { s.Score, d.ConfirmedCategories, d.DecidedAt })
            .OrderByDescending(r => r.DecidedAt)
            .Take(MaxSample)
            .ToListAsync(cancellationToken);
        return rows
            .Select(r => new LabeledScore(r.Score, r.ConfirmedCategories.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(category, StringComparer.Ordinal)))
            .OrderBy(r => r.Score)
            .ToList();
    }

    public LoweringEstimate Estimate(IReadOnlyList<LabeledScore> belowThreshold, double currentThreshold, double newThreshold) =>
        EstimateLowering(belowThreshold, currentThreshold, newThreshold, options.Value.BelowThresholdSampleRate, options.Value.MinBelowThresholdSample);

    /// <summary>The band [<paramref name="newThreshold"/>, <paramref name="currentThreshold"/>) of the sample, scaled by the sampling rate.</summary>
    public static LoweringEstimate EstimateLowering(IReadOnlyList<LabeledScore> belowThreshold, double currentThreshold, double newThreshold, double sampleRate, int minimumSample)
    {
        ArgumentNullException.ThrowIfNull(belowThreshold);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        var band = belowThreshold.Where(l => l.Score >= newThreshold && l.Score < currentThreshold).ToList();
        var confirmed = band.Count(l => l.Confirmed);
        return new LoweringEstimate(
            currentThreshold,
            newThreshold,
            band.Count,
            confirmed,
            WilsonInterval.Of(confirmed, band.Count),
            sampleRate,
            band.Count / sampleRate,
            confirmed / sampleRate,
            minimumSample);
    }

    /// <summary>The classifier's effective threshold as the labels show it: the lowest score it flagged.</summary>
    public static double CurrentThreshold(IReadOnlyList<LabeledScore> flaggedLabels)
    {
        ArgumentNullException.ThrowIfNull(flaggedLabels);
        return flaggedLabels.Count == 0 ? 0.5 : Math.Round(flaggedLabels.Min(l => l.Score), 2, MidpointRounding.ToZero);
    }
}
