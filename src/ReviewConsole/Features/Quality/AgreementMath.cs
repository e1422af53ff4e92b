namespace ReviewConsole.Features.Quality;

/// <summary>Cohen's kappa for two raters' yes/no judgements over the same items, with its 95%
/// confidence interval (large-sample standard error, Cohen 1960) and the counts behind it.</summary>
/// <param name="BothYes">Pairs where both raters said yes (a).</param>
/// <param name="FirstOnly">Pairs where only the first said yes (b).</param>
/// <param name="SecondOnly">Pairs where only the second said yes (c).</param>
/// <param name="BothNo">Pairs where both said no (d).</param>
public sealed record KappaResult(int BothYes, int FirstOnly, int SecondOnly, int BothNo, double Observed, double Expected, double Kappa, double StandardError, double Lower, double Upper)
{
    public int Pairs => BothYes + FirstOnly + SecondOnly + BothNo;

    /// <summary>False when there are no pairs or chance agreement is total (every rating identical): kappa is undefined.</summary>
    public bool Defined => !double.IsNaN(Kappa);
}

public static class AgreementMath
{
    public const double Z95 = 1.959963984540054;

    public static KappaResult Kappa(int bothYes, int firstOnly, int secondOnly, int bothNo)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bothYes);
        ArgumentOutOfRangeException.ThrowIfNegative(firstOnly);
        ArgumentOutOfRangeException.ThrowIfNegative(secondOnly);
        ArgumentOutOfRangeException.ThrowIfNegative(bothNo);
        double n = bothYes + firstOnly + secondOnly + bothNo;
        if (n == 0)
        {
            return new KappaResult(0, 0, 0, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var observed = (bothYes + bothNo) / n;
        var firstYes = (bothYes + firstOnly) / n;
        var secondYes = (bothYes + secondOnly) / n;
        var expected = (firstYes * secondYes) + ((1 - firstYes) * (1 - secondYes));
        if (expected >= 1)
        {
            return new KappaResult(bothYes, firstOnly, secondOnly, bothNo, observed, expected, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var kappa = (observed - expected) / (1 - expected);
        var se = Math.Sqrt(observed * (1 - observed) / (n * (1 - expected) * (1 - expected)));
        return new KappaResult(bothYes, firstOnly, secondOnly, bothNo, observed, expected, kappa, se, Math.Max(-1, kappa - (Z95 * se)), Math.Min(1, kappa + (Z95 * se)));
    }

    /// <summary>Kappa over paired yes/no ratings.</summary>
    public static KappaResult Kappa(IEnumerable<(bool First, bool Second)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        int a = 0, b = 0, c = 0, d = 0;
        foreach (var (first, second) in pairs)
        {
            switch ((first, second))
            {
                case (true, true): a++; break;
                case (true, false): b++; break;
                case (false, true): c++; break;
                default: d++; break;
            }
        }

        return Kappa(a, b, c, d);
    }
}
