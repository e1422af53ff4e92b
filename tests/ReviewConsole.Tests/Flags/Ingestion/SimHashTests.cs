using ReviewConsole.Features.Flags.Ingestion;

namespace ReviewConsole.Tests.Flags.Ingestion;

public sealed class SimHashTests
{
    private const string Spam = "LIMITED TIME: get 70% off the premium air fryer today only! Thousands of happy customers can't be wrong. Tap the link in our bio before the deal disappears and use code SAVE42 at checkout. Free shipping on every order this week only!";

    [Theory]
    [InlineData("LIMITED TIME: get 55% off the premium air fryer today only! Thousands of happy customers can't be wrong. Tap the link in our bio before the deal disappears and use code SAVE17 at checkout. Free shipping on every order this week only!")]
    [InlineData("limited time - get 70% off the premium air fryer today only. Thousands of happy customers can't be wrong! Tap the link in our bio before the deal disappears and use code SAVE42 at checkout. Free shipping on every order this week only")]
    [InlineData("LIMITED TIME: get 70% off the premium air fryer today only! Thousands of happy customers can't be wrong. Tap the link in our profile before the deal disappears and use code SAVE42 at checkout. Free shipping on every order this week only!")]
    [InlineData("LIMITED TIME: get 70% off the premium robot vacuum today only! Thousands of happy customers can't be wrong. Tap the link in our bio before the deal disappears and use code SAVE42 at checkout. Free shipping on every order this week only!")]
    public void Distance_NearDuplicate_IsWithinTheClusterThreshold(string variant) =>
        Assert.InRange(SimHash.Distance(SimHash.Compute(Spam), SimHash.Compute(variant)), 0, new Features.Flags.Ingestion.IngestionOptions().ClusterHammingThreshold);

    [Theory]
    [InlineData("Find its id with ps aux, then send SIGTERM with kill; if it ignores that, kill -9 forces it to stop.")]
    [InlineData("Nobody in Little Hadley expected the baker to be found face-down in the sourdough, least of all Inspector Reyes.")]
    [InlineData("Doctors don't want you to know this: VitaCleanse Ultra melts away blood sugar problems in just 7 days, with no prescription.")]
    public void Distance_UnrelatedText_IsFarAboveTheThreshold(string other) =>
        Assert.True(SimHash.Distance(SimHash.Compute(Spam), SimHash.Compute(other)) > 16);

    [Fact]
    public void Compute_SameText_IsDeterministicAndNormalized()
    {
        Assert.Equal(SimHash.Compute(Spam), SimHash.Compute(Spam));
        Assert.Equal(SimHash.Compute("Café  déjà vu, 2024!"), SimHash.Compute("cafe deja VU 1999"));
        Assert.Equal(0, SimHash.Compute("  ... !!! "));
    }

    [Fact]
    public void Bands_HashesWithinSevenBits_ShareABand()
    {
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var a = random.NextInt64();
            var b = a;
            foreach (var bit in Enumerable.Range(0, 64).OrderBy(_ => random.Next()).Take(random.Next(0, 8)))
            {
                b ^= 1L << bit;
            }

            Assert.Contains(SimHash.Bands(a).Zip(SimHash.Bands(b)), pair => pair.First == pair.Second);
        }
    }
}
