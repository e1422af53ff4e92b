using ReviewConsole.Features.Flags.Ingestion;

namespace ReviewConsole.Tests.Flags.Ingestion;

public sealed class PriorityCalculatorTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, double> Weights = new() { ["sexual/minors"] = 1.0, ["hate"] = 0.6, ["spam"] = 0.35 };

    private static PriorityInputs Inputs(
        string category = "hate",
        double score = 0.9,
        PrecisionEstimate? precision = null,
        int violations = 0,
        int cluster = 1,
        double hoursElapsed = 1,
        double slaHours = 8) =>
        new(
            [new CategoryScore(category, score, true), new CategoryScore("spam", 0.05, false)],
            Weights,
            precision is null ? new Dictionary<string, PrecisionEstimate>() : new Dictionary<string, PrecisionEstimate> { [category] = precision },
            violations,
            cluster,
            Created,
            Created.AddHours(slaHours),
            Created.AddHours(hoursElapsed));

    [Fact]
    public void Compute_SameInputs_GiveTheSameScoreAndBreakdown()
    {
        var first = PriorityCalculator.Compute(Inputs(violations: 2, cluster: 9));
        var second = PriorityCalculator.Compute(Inputs(violations: 2, cluster: 9));

        Assert.Equal(first.Score, second.Score);
        Assert.Equal(PriorityCalculator.ToJson(first), PriorityCalculator.ToJson(second));
    }

    [Fact]
    public void StoredForm_KeepsTheInputsNotTheExplanations_AndReadsBackTheSameBreakdown()
    {
        var breakdown = PriorityCalculator.Compute(Inputs(violations: 2, cluster: 9, hoursElapsed: 3));

        var json = PriorityCalculator.ToJson(breakdown);
        var read = PriorityCalculator.FromJson(json)!;

        Assert.DoesNotContain("components", json, StringComparison.OrdinalIgnoreCase);
        Assert.InRange(json.Length, 1, 400);
        Assert.Equal(breakdown.Components, read.Components);
        Assert.Equal(breakdown, read with { Components = breakdown.Components });
    }

    [Fact]
    public void StoredForm_RowsWrittenWithTheirComponents_ReadTheSame()
    {
        var breakdown = PriorityCalculator.Compute(Inputs(violations: 4, cluster: 30, hoursElapsed: 30));
        // What rows written before the compact form hold: the whole record, components included.
        var old = System.Text.Json.JsonSerializer.Serialize(breakdown, System.Text.Json.JsonSerializerOptions.Web);
        Assert.Contains("\"components\"", old, StringComparison.Ordinal);

        var read = PriorityCalculator.FromJson(old)!;

        Assert.Equal(breakdown.Components, read.Components);
        Assert.Equal(breakdown, read with { Components = breakdown.Components });
    }

    [Fact]
    public void Compute_Components_AddUpToTheScore()
    {
        var breakdown = PriorityCalculator.Compute(Inputs(violations: 3, cluster: 20, hoursElapsed: 4));

        Assert.Equal(breakdown.Score, (int)Math.Round(breakdown.Components.Sum(c => c.Points), MidpointRounding.AwayFromZero));
        Assert.All(breakdown.Components, c => Assert.InRange(c.Points, 0, c.MaxPoints));
        Assert.Equal(breakdown, PriorityCalculator.FromJson(PriorityCalculator.ToJson(breakdown))! with { Components = breakdown.Components });
    }

    [Fact]
    public void Compute_MoreSevereCategory_RanksHigher() =>
        Assert.True(PriorityCalculator.Compute(Inputs("sexual/minors")).Score > PriorityCalculator.Compute(Inputs("hate")).Score);

    [Fact]
    public void Compute_HigherClassifierScore_RanksHigher() =>
        Assert.True(PriorityCalculator.Compute(Inputs(score: 0.99)).Score > PriorityCalculator.Compute(Inputs(score: 0.55)).Score);

    [Fact]
    public void Compute_ImpreciseClassifier_RanksLowerThanThePrior()
    {
        var poor = PriorityCalculator.Compute(Inputs(precision: PrecisionEstimate.From(10, 200)));
        var prior = PriorityCalculator.Compute(Inputs());
        var good = PriorityCalculator.Compute(Inputs(precision: PrecisionEstimate.From(195, 200)));

        Assert.True(poor.Score < prior.Score && prior.Score < good.Score, $"{poor.Score} < {prior.Score} < {good.Score}");
        Assert.True(prior.PrecisionFromPrior);
        Assert.False(good.PrecisionFromPrior);
    }

    [Fact]
    public void PrecisionEstimate_FewLabels_StaysNearThePrior()
    {
        Assert.Equal(PrecisionEstimate.PriorMean, PrecisionEstimate.Prior.Value, 6);
        Assert.InRange(PrecisionEstimate.From(0, 2).Value, 0.5, 0.7);
        Assert.InRange(PrecisionEstimate.From(2, 2).Value, 0.7, 0.8);
    }

    [Fact]
    public void Compute_RepeatOffenderAndCampaign_RankHigher()
    {
        var baseline = PriorityCalculator.Compute(Inputs()).Score;

        Assert.True(PriorityCalculator.Compute(Inputs(violations: 4)).Score > baseline);
        Assert.True(PriorityCalculator.Compute(Inputs(cluster: 30)).Score > baseline);
        Assert.Equal(PriorityCalculator.Compute(Inputs(violations: 5)).Score, PriorityCalculator.Compute(Inputs(violations: 50)).Score);
    }

    [Fact]
    public void Compute_AsTheSlaRunsOut_PriorityRises()
    {
        var scores = new[] { 0.0, 2, 4, 8, 20 }.Select(h => PriorityCalculator.Compute(Inputs(hoursElapsed: h)).Score).ToList();

        Assert.Equal(scores.Order(), scores);
        Assert.True(scores[^1] > scores[0]);
        Assert.Equal(scores[3], scores[4]);
    }

    [Fact]
    public void Compute_EverythingMaxed_StaysWithinZeroToHundred()
    {
        var max = PriorityCalculator.Compute(Inputs("sexual/minors", 1, PrecisionEstimate.From(10_000, 10_000), 100, 10_000, 100));
        var min = PriorityCalculator.Compute(Inputs("spam", 0, PrecisionEstimate.From(0, 10_000), 0, 1, 0));

        Assert.InRange(max.Score, 95, 100);
        Assert.Equal(0, min.Score);
    }

    [Fact]
    public void Compute_FlaggedCategoryWins_OverAHigherWeightedUnflaggedOne()
    {
        var inputs = new PriorityInputs(
            [new CategoryScore("sexual/minors", 0.3, false), new CategoryScore("spam", 0.8, true)],
            Weights,
            new Dictionary<string, PrecisionEstimate>(),
            0,
            1,
            Created,
            Created.AddHours(1),
            Created);

        Assert.Equal("spam", PriorityCalculator.Compute(inputs).Category);
    }
}
