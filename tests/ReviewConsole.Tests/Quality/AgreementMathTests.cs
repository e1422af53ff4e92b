using ReviewConsole.Features.Flags.Feedback;
using ReviewConsole.Features.Quality;

namespace ReviewConsole.Tests.Quality;

public sealed class AgreementMathTests
{
    [Fact]
    public void Kappa_WikipediaWorkedExample_IsPointFourWithItsInterval()
    {
        // 50 proposals: both yes 20, A only 5, B only 10, both no 15 → po 0.70, pe 0.50, κ 0.40.
        var result = AgreementMath.Kappa(20, 5, 10, 15);

        Assert.Equal(50, result.Pairs);
        Assert.Equal(0.70, result.Observed, 10);
        Assert.Equal(0.50, result.Expected, 10);
        Assert.Equal(0.40, result.Kappa, 10);
        // SE = sqrt(0.7 × 0.3 / (50 × 0.5²)) = sqrt(0.0168) = 0.1296148; 95% CI 0.40 ± 0.25404
        Assert.Equal(0.12961, result.StandardError, 5);
        Assert.Equal(0.14596, result.Lower, 5);
        Assert.Equal(0.65404, result.Upper, 5);
    }

    [Fact]
    public void Kappa_SecondWorkedExample_FromPairs()
    {
        // Both yes 45, A only 15, B only 25, both no 15 (n = 100): po 0.60, pe 0.54, κ = 0.06/0.46 = 0.130435.
        var pairs = Enumerable.Repeat((true, true), 45)
            .Concat(Enumerable.Repeat((true, false), 15))
            .Concat(Enumerable.Repeat((false, true), 25))
            .Concat(Enumerable.Repeat((false, false), 15));

        var result = AgreementMath.Kappa(pairs);

        Assert.Equal(0.54, result.Expected, 10);
        Assert.Equal(0.13043, result.Kappa, 5);
    }

    [Fact]
    public void Kappa_PerfectAndChanceFreeCases()
    {
        Assert.Equal(1.0, AgreementMath.Kappa(10, 0, 0, 10).Kappa, 10);
        Assert.False(AgreementMath.Kappa(12, 0, 0, 0).Defined);
        Assert.False(AgreementMath.Kappa(0, 0, 0, 0).Defined);
        Assert.True(AgreementMath.Kappa(0, 5, 5, 0).Kappa < 0);
    }

    [Fact]
    public void Wilson_WorkedExample_EightOfTen()
    {
        // 8 of 10 at 95%: (0.4902, 0.9433) — the textbook Wilson score interval.
        var interval = WilsonInterval.Of(8, 10);

        Assert.Equal(0.8, interval.Estimate, 10);
        Assert.Equal(0.4902, interval.Lower, 4);
        Assert.Equal(0.9433, interval.Upper, 4);
    }

    [Fact]
    public void Wilson_ZeroSuccesses_StaysInsideZeroToOne()
    {
        var interval = WilsonInterval.Of(0, 20);

        Assert.Equal(0, interval.Lower);
        Assert.Equal(0.1611, interval.Upper, 4);
    }
}
