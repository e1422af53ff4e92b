using ReviewConsole.Features.Flags.Feedback;

namespace ReviewConsole.Tests.Flags.Feedback;

public sealed class ThresholdLoweringTests
{
    [Fact]
    public void EstimateLowering_BandOfTheSample_ScaledByTheSamplingRate()
    {
        LabeledScore[] sample =
        [
            new(0.10, false), new(0.32, false), new(0.35, true), new(0.41, true), new(0.44, false), new(0.48, true), new(0.52, true),
        ];

        var estimate = ThresholdLoweringService.EstimateLowering(sample, currentThreshold: 0.5, newThreshold: 0.3, sampleRate: 0.02, minimumSample: 30);

        // Band [0.30, 0.50): 0.32, 0.35, 0.41, 0.44, 0.48 — three confirmed.
        Assert.Equal((5, 3), (estimate.SampledInBand, estimate.ConfirmedInBand));
        Assert.Equal(250, estimate.EstimatedAdditionalFlags, 6);
        Assert.Equal(150, estimate.EstimatedAdditionalViolations, 6);
        Assert.Equal(0.6, estimate.Precision.Estimate, 6);
        Assert.True(estimate.SampleTooSmall);
    }

    [Fact]
    public void EstimateLowering_EnoughSampledItems_IsNotFlaggedTooSmall()
    {
        var sample = Enumerable.Range(0, 40).Select(i => new LabeledScore(0.40 + (i * 0.001), i % 4 == 0)).ToList();

        var estimate = ThresholdLoweringService.EstimateLowering(sample, 0.5, 0.4, 0.5, 30);

        Assert.Equal(40, estimate.SampledInBand);
        Assert.Equal(10, estimate.ConfirmedInBand);
        Assert.False(estimate.SampleTooSmall);
        Assert.Equal(80, estimate.EstimatedAdditionalFlags, 6);
    }

    [Fact]
    public void CurrentThreshold_IsTheLowestFlaggedScore()
    {
        Assert.Equal(0.55, ThresholdLoweringService.CurrentThreshold([new(0.9, true), new(0.557, false), new(0.7, true)]));
    }
}
