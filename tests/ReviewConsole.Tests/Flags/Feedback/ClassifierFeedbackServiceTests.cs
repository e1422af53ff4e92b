using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Flags.Feedback;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;
using ReviewConsole.Tests.Flags.Ingestion;

namespace ReviewConsole.Tests.Flags.Feedback;

public sealed class ClassifierFeedbackServiceTests : IDisposable
{
    private readonly TestDatabase database = new();

    [Theory]
    [InlineData(8, 10, 0.8, 0.4902, 0.9433)]
    [InlineData(0, 10, 0.0, 0.0, 0.2775)]
    [InlineData(10, 10, 1.0, 0.7225, 1.0)]
    [InlineData(81, 100, 0.81, 0.7222, 0.8749)]
    public void Wilson_KnownCounts_MatchTheReferenceInterval(int successes, int trials, double estimate, double lower, double upper)
    {
        var interval = WilsonInterval.Of(successes, trials);

        Assert.Equal(estimate, interval.Estimate, 4);
        Assert.Equal(lower, interval.Lower, 3);
        Assert.Equal(upper, interval.Upper, 3);
    }

    [Fact]
    public void Wilson_NoTrials_IsTheWholeRange() => Assert.Equal((0.0, 1.0), (WilsonInterval.Of(0, 0).Lower, WilsonInterval.Of(0, 0).Upper));

    [Fact]
    public void AtThreshold_RaisingIt_TradesVolumeForPrecision()
    {
        LabeledScore[] labels = [new(0.55, false), new(0.6, false), new(0.65, true), new(0.7, false), new(0.9, true), new(0.95, true)];

        var low = ClassifierFeedbackService.AtThreshold(labels, 0.5);
        var high = ClassifierFeedbackService.AtThreshold(labels, 0.8);

        Assert.Equal((6, 3, 0.5, 1.0), (low.Flagged, low.TruePositives, low.Precision.Estimate, low.VolumeShare));
        Assert.Equal((2, 2, 1.0), (high.Flagged, high.TruePositives, high.Precision.Estimate));
        Assert.Equal(2.0 / 3, high.TruePositivesKept, 6);
        Assert.Equal(21, ClassifierFeedbackService.Curve(labels).Count);
    }

    [Fact]
    public async Task Precision_FromDecisionLabels_GroupsByVersionAndCategory()
    {
        await SeedLabelsAsync(database);
        var service = new ClassifierFeedbackService(database.Factory);

        var all = await service.PrecisionAsync(null, default);
        var v2 = await service.PrecisionAsync(new ClassifierVersionRef("omni-moderation", "v2"), default);

        var hateV1 = all.Single(r => r.Category == "hate" && r.ClassifierVersion == "v1");
        Assert.Equal((3, 1, 1), (hateV1.TruePositives, hateV1.FalsePositives, hateV1.FalseNegatives));
        Assert.Equal(0.75, hateV1.Precision.Estimate);
        Assert.All(v2, r => Assert.Equal("v2", r.ClassifierVersion));
        Assert.Equal([new ClassifierVersionRef("omni-moderation", "v2"), new ClassifierVersionRef("omni-moderation", "v1")], await service.ClassifiersAsync(default));
        var scores = await service.LabeledScoresAsync(new ClassifierVersionRef("omni-moderation", "v1"), "hate", default);
        Assert.Equal(4, scores.Count);
    }

    /// <summary>Flags through the real pipeline, then labels as a decision would write them.</summary>
    internal static async Task SeedLabelsAsync(TestDatabase database)
    {
        var ingestion = FlagJson.Service(database, TimeProvider.System);
        var records = Enumerable.Range(0, 8).Select(i => FlagJson.Raw(FlagJson.Record($"l{i}", completion: $"text {i} {Guid.NewGuid()}", classifierVersion: i < 5 ? "v1" : "v2"))).ToList();
        var result = await ingestion.IngestAsync(FlagSource.Api, records, StaffUser.System, "seed", default);
        var ids = result.Records.Select(r => r.FlagId!.Value).ToList();
        await using var db = database.CreateContext();
        (int Flag, string Category, LabelOutcome Outcome, double Score, string Version)[] labels =
        [
            (0, "hate", LabelOutcome.TruePositive, 0.9, "v1"),
            (1, "hate", LabelOutcome.TruePositive, 0.8, "v1"),
            (2, "hate", LabelOutcome.TruePositive, 0.7, "v1"),
            (3, "hate", LabelOutcome.FalsePositive, 0.55, "v1"),
            (4, "hate", LabelOutcome.FalseNegative, 0.2, "v1"),
            (5, "hate", LabelOutcome.FalsePositive, 0.6, "v2"),
            (6, "hate", LabelOutcome.TruePositive, 0.95, "v2"),
            (7, "self-harm/intent", LabelOutcome.TruePositive, 0.9, "v2"),
        ];
        foreach (var (flag, category, outcome, score, version) in labels)
        {
            db.Add(new FlagDecision
            {
                FlagId = ids[flag],
                Verdict = outcome == LabelOutcome.FalsePositive ? Verdict.NoViolation : Verdict.Violation,
                DecidedBy = "r-1",
                DecidedAt = new DateTimeOffset(2026, 11, 20 + (flag % 3), 12, 0, 0, TimeSpan.Zero),
                Labels =
                [
                    new DecisionLabel
                    {
                        FlagId = ids[flag],
                        Category = category,
                        ClassifierName = "omni-moderation",
                        ClassifierVersion = version,
                        Score = score,
                        Outcome = outcome,
                        LabeledAt = new DateTimeOffset(2026, 11, 20 + (flag % 3), 12, 0, 0, TimeSpan.Zero),
                    },
                ],
            });
        }

        await db.SaveChangesAsync();
    }

    public void Dispose() => database.Dispose();
}
