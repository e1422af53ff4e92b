using System.Globalization;
using System.Text.Json;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>Everything the priority depends on, gathered by the caller; the calculation itself is pure.</summary>
/// <param name="Scores">The flag's category scores.</param>
/// <param name="SeverityWeights">Severity weight per category key.</param>
/// <param name="Precision">The precision estimate per category for this flag's classifier version.</param>
public sealed record PriorityInputs(
    IReadOnlyList<CategoryScore> Scores,
    IReadOnlyDictionary<string, double> SeverityWeights,
    IReadOnlyDictionary<string, PrecisionEstimate> Precision,
    int ActorViolations,
    int ClusterSize,
    DateTimeOffset CreatedAt,
    DateTimeOffset SlaDueAt,
    DateTimeOffset Now);

/// <summary>A classifier version's precision for one category: true positives over labeled flags,
/// smoothed by a Beta prior so a handful of labels cannot swing it to 0 or 1.</summary>
public sealed record PrecisionEstimate(double Value, int TruePositives, int Labels, bool FromPrior)
{
    /// <summary>Prior: precision 0.7 worth 10 labels — classifiers are tuned to flag more than they should.</summary>
    public const double PriorMean = 0.7;

    public const double PriorWeight = 10;

    /// <summary>Below this many labels the estimate is reported as resting on the prior.</summary>
    public const int MinLabels = 30;

    public static readonly PrecisionEstimate Prior = From(0, 0);

    public static PrecisionEstimate From(int truePositives, int labels) =>
        new((truePositives + (PriorMean * PriorWeight)) / (labels + PriorWeight), truePositives, labels, labels < MinLabels);
}

/// <summary>
/// Priority 0..100 as a sum of four bounded terms, so the breakdown reads as "points added":
/// content risk (severity × score × precision) up to 60, actor history up to 15, campaign size up
/// to 10, SLA pressure up to 15. Same inputs, same score: no randomness, no wall clock inside.
/// </summary>
public static class PriorityCalculator
{
    public const double ContentMax = 60;
    public const double ActorMax = 15;
    public const double ClusterMax = 10;
    public const double SlaMax = 15;

    /// <summary>Violations at which the actor term saturates.</summary>
    public const int ActorSaturation = 5;

    /// <summary>Cluster size at which the campaign term saturates (log scale: 2 → 1/6, 64 → 1).</summary>
    public const int ClusterSaturation = 64;

    public static PriorityBreakdown Compute(PriorityInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);

        // The driving category: the highest severity × score, flagged categories first so a high
        // weight with a tiny unflagged score does not outrank what the classifier actually flagged.
        var driver = inputs.Scores
            .Select(s => (Score: s, Weight: inputs.SeverityWeights.GetValueOrDefault(s.Category, 0.5)))
            .OrderByDescending(x => x.Score.Flagged)
            .ThenByDescending(x => x.Weight * x.Score.Score)
            .ThenBy(x => x.Score.Category, StringComparer.Ordinal)
            .FirstOrDefault();
        var category = driver.Score?.Category ?? "";
        var score = driver.Score?.Score ?? 0;
        var precision = inputs.Precision.GetValueOrDefault(category) ?? PrecisionEstimate.Prior;

        var window = (inputs.SlaDueAt - inputs.CreatedAt).TotalSeconds;
        var elapsed = (inputs.Now - inputs.CreatedAt).TotalSeconds;
        var slaValue = window <= 0 ? 1 : Clamp01(elapsed / window);

        var breakdown = new PriorityBreakdown(
            0,
            category,
            driver.Weight,
            score,
            precision.Value,
            precision.Labels,
            precision.FromPrior,
            inputs.ActorViolations,
            inputs.ClusterSize,
            inputs.SlaDueAt,
            slaValue,
            inputs.Now,
            []);
        var components = ComponentsOf(breakdown);
        var total = (int)Math.Round(components.Sum(c => c.Points), MidpointRounding.AwayFromZero);
        return breakdown with { Score = Math.Clamp(total, 0, 100), Components = components };
    }

    /// <summary>
    /// The four terms, from the breakdown's inputs alone. They are not stored: the explanations were
    /// two thirds of a flag's breakdown (about 650 of 900 bytes) and say nothing the inputs do not.
    /// </summary>
    private static List<PriorityComponent> ComponentsOf(PriorityBreakdown b)
    {
        var contentValue = Clamp01(b.SeverityWeight * b.ClassifierScore * b.Precision);
        var actorValue = Clamp01((double)b.ActorViolations / ActorSaturation);
        var clusterValue = b.ClusterSize <= 1 ? 0 : Clamp01(Math.Log2(b.ClusterSize) / Math.Log2(ClusterSaturation));
        var slaValue = b.SlaElapsedFraction;
        return
        [
            Component("Content risk", contentValue, ContentMax, string.Create(CultureInfo.InvariantCulture,
                $"{b.Category}: severity {b.SeverityWeight:0.00} × score {b.ClassifierScore:0.00} × precision {b.Precision:0.00} ({b.PrecisionLabels} labels{(b.PrecisionFromPrior ? ", mostly prior" : "")})")),
            Component("Actor history", actorValue, ActorMax, string.Create(CultureInfo.InvariantCulture,
                $"{b.ActorViolations} confirmed violation(s) by the organization (saturates at {ActorSaturation})")),
            Component("Campaign size", clusterValue, ClusterMax, string.Create(CultureInfo.InvariantCulture,
                $"near-duplicate cluster of {b.ClusterSize} (log scale, saturates at {ClusterSaturation})")),
            Component("SLA pressure", slaValue, SlaMax, slaValue >= 1
                ? "the review SLA has passed"
                : string.Create(CultureInfo.InvariantCulture, $"{slaValue:P0} of the review window used, due {b.SlaDueAt:u}")),
        ];
    }

    /// <summary>The stored form: the inputs and the score, without the components (see <see cref="ComponentsOf"/>).</summary>
    public static string ToJson(PriorityBreakdown breakdown)
    {
        ArgumentNullException.ThrowIfNull(breakdown);
        return JsonSerializer.Serialize(
            new StoredPriorityBreakdown(breakdown.Score, breakdown.Category, breakdown.SeverityWeight, breakdown.ClassifierScore, breakdown.Precision, breakdown.PrecisionLabels,
                breakdown.PrecisionFromPrior, breakdown.ActorViolations, breakdown.ClusterSize, breakdown.SlaDueAt, breakdown.SlaElapsedFraction, breakdown.ComputedAt),
            PriorityJsonContext.Default.StoredPriorityBreakdown);
    }

    /// <summary>Reads the stored form; rows written before it, with their components, read the same.</summary>
    public static PriorityBreakdown? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json) || JsonSerializer.Deserialize(json, PriorityJsonContext.Default.StoredPriorityBreakdown) is not { } s)
        {
            return null;
        }

        var breakdown = new PriorityBreakdown(s.Score, s.Category ?? "", s.SeverityWeight, s.ClassifierScore, s.Precision, s.PrecisionLabels,
            s.PrecisionFromPrior, s.ActorViolations, s.ClusterSize, s.SlaDueAt, s.SlaElapsedFraction, s.ComputedAt, []);
        return breakdown with { Components = ComponentsOf(breakdown) };
    }

    private static PriorityComponent Component(string name, double value, double max, string explanation) =>
        new(name, Math.Round(value, 4), max, Math.Round(value * max, 2), explanation);

    private static double Clamp01(double value) => double.IsNaN(value) ? 0 : Math.Clamp(value, 0, 1);
}

/// <summary>The breakdown's JSON, source-generated (written once per ingested flag and per refresh).</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(StoredPriorityBreakdown))]
internal sealed partial class PriorityJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>A breakdown as <c>Flag.PriorityBreakdownJson</c> holds it: what it was computed from, not its components.</summary>
internal sealed record StoredPriorityBreakdown(
    int Score,
    string? Category,
    double SeverityWeight,
    double ClassifierScore,
    double Precision,
    int PrecisionLabels,
    bool PrecisionFromPrior,
    int ActorViolations,
    int ClusterSize,
    DateTimeOffset SlaDueAt,
    double SlaElapsedFraction,
    DateTimeOffset ComputedAt);
