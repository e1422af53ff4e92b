using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;

namespace ReviewConsole.Features.Flags.Feedback;

public sealed record ClassifierVersionRef(string Name, string Version)
{
    public override string ToString() => $"{Name} {Version}";
}

/// <summary>Precision of one classifier version for one category, from reviewer labels.</summary>
public sealed record CategoryPrecisionRow(
    string ClassifierName,
    string ClassifierVersion,
    string Category,
    int TruePositives,
    int FalsePositives,
    int FalseNegatives,
    WilsonInterval Precision)
{
    public int Flagged => TruePositives + FalsePositives;
}

/// <summary>A proportion with its 95% Wilson score interval (sound at small counts and near 0 or 1).</summary>
public sealed record WilsonInterval(double Estimate, double Lower, double Upper, int Trials)
{
    public const double Z95 = 1.959963984540054;

    public static WilsonInterval Of(int successes, int trials)
    {
        if (trials <= 0)
        {
            return new WilsonInterval(double.NaN, 0, 1, 0);
        }

        double n = trials;
        var p = successes / n;
        const double z2 = Z95 * Z95;
        var denominator = 1 + (z2 / n);
        var center = (p + (z2 / (2 * n))) / denominator;
        var half = Z95 * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n))) / denominator;
        return new WilsonInterval(p, Math.Max(0, center - half), Math.Min(1, center + half), trials);
    }
}

/// <summary>One labeled flag's score for a category, and whether reviewers confirmed it.</summary>
public sealed record LabeledScore(double Score, bool Confirmed);

/// <summary>What would have happened at a threshold: how many labeled flags it keeps and how many of those were right.</summary>
public sealed record ThresholdPoint(double Threshold, int Flagged, int TruePositives, WilsonInterval Precision, double VolumeShare, double TruePositivesKept);

/// <summary>
/// Classifier precision from reviewer labels (<see cref="DecisionLabel"/>): per category and
/// classifier version, with Wilson intervals, and a threshold explorer that replays the labeled
/// scores at another cut-off. Only true and false positives count toward precision; false negatives
/// (categories reviewers added) are shown separately.
/// </summary>
public sealed class ClassifierFeedbackService(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<IReadOnlyList<ClassifierVersionRef>> ClassifiersAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // The counters kept with every label (ClassifierLabelCount), not the label table itself.
        var rows = await db.Set<ClassifierLabelCount>().AsNoTracking()
            .Select(l => new { l.ClassifierName, l.ClassifierVersion })
            .Distinct()
            .ToListAsync(cancellationToken);
        return rows.Select(r => new ClassifierVersionRef(r.ClassifierName, r.ClassifierVersion))
            .OrderBy(r => r.Name, StringComparer.Ordinal).ThenByDescending(r => r.Version, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<IReadOnlyList<CategoryPrecisionRow>> PrecisionAsync(ClassifierVersionRef? classifier, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Set<ClassifierLabelCount>().AsNoTracking().Where(c => c.TruePositives + c.FalsePositives + c.FalseNegatives > 0);
        if (classifier is not null)
        {
            query = query.Where(l => l.ClassifierName == classifier.Name && l.ClassifierVersion == classifier.Version);
        }

        // One row per classifier version and category, kept on write: the page never counts labels.
        var rows = await query
            .Select(c => new { c.ClassifierName, c.ClassifierVersion, c.Category, Tp = c.TruePositives, Fp = c.FalsePositives, Fn = c.FalseNegatives })
            .ToListAsync(cancellationToken);
        return rows
            .Select(r => new CategoryPrecisionRow(r.ClassifierName, r.ClassifierVersion, r.Category, r.Tp, r.Fp, r.Fn, WilsonInterval.Of(r.Tp, r.Tp + r.Fp)))
            .OrderBy(r => r.Category, StringComparer.Ordinal)
            .ThenBy(r => r.ClassifierName, StringComparer.Ordinal)
            .ThenByDescending(r => r.ClassifierVersion, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The labeled scores of one classifier version and category (true and false positives).</summary>
    public async Task<IReadOnlyList<LabeledScore>> LabeledScoresAsync(ClassifierVersionRef classifier, string category, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<DecisionLabel>().AsNoTracking()
            .Where(l => l.ClassifierName == classifier.Name && l.ClassifierVersion == classifier.Version && l.Category == category && l.Outcome != LabelOutcome.FalseNegative)
            .OrderBy(l => l.Score)
            .Select(l => new LabeledScore(l.Score, l.Outcome == LabelOutcome.TruePositive))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Precision and volume had the classifier flagged only scores at or above <paramref name="threshold"/>.</summary>
    public static ThresholdPoint AtThreshold(IReadOnlyList<LabeledScore> labels, double threshold)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var kept = labels.Where(l => l.Score >= threshold).ToList();
        var tp = kept.Count(l => l.Confirmed);
        var allTp = labels.Count(l => l.Confirmed);
        return new ThresholdPoint(
            threshold,
            kept.Count,
            tp,
            WilsonInterval.Of(tp, kept.Count),
            labels.Count == 0 ? 0 : (double)kept.Count / labels.Count,
            allTp == 0 ? 0 : (double)tp / allTp);
    }

    /// <summary>The explorer's curve: thresholds 0.00, 0.05, …, 1.00.</summary>
    public static IReadOnlyList<ThresholdPoint> Curve(IReadOnlyList<LabeledScore> labels) =>
        Enumerable.Range(0, 21).Select(i => AtThreshold(labels, i / 20.0)).ToList();
}
