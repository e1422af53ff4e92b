using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.UseCases;

namespace ReviewConsole.Tests.UseCases;

public sealed class ChecklistScorerTests
{
    private static UseCaseContent Content(Safeguards safeguards, EndUserAudience audience = EndUserAudience.Businesses, bool minors = false, bool published = false) => new()
    {
        Name = "App",
        Safeguards = safeguards,
        EndUsers = audience,
        MinorsPossible = minors,
        OutputsPublishedAutomatically = published,
    };

    [Fact]
    public void Score_MedicalWithoutHumanInTheLoop_ShowsItMissing()
    {
        var required = Safeguards.HumanInTheLoop | Safeguards.ContentFilter | Safeguards.ReportingChannel;

        var score = ChecklistScorer.Score(Content(Safeguards.ContentFilter | Safeguards.ReportingChannel), RiskLevel.HighRisk, required);

        Assert.Equal("2/3", score.Summary);
        Assert.Equal(66, score.Percent);
        Assert.False(score.Complete);
        Assert.Equal(Safeguards.HumanInTheLoop, Assert.Single(score.Missing).Safeguard);
    }

    [Fact]
    public void Score_AllRequiredPresent_IsComplete()
    {
        var required = Safeguards.EndUserRateLimits | Safeguards.EndUserIdentification;

        var score = ChecklistScorer.Score(Content(required | Safeguards.ContentFilter), RiskLevel.NeedsReview, required);

        Assert.True(score.Complete);
        Assert.Equal(100, score.Percent);
        Assert.Empty(score.Missing);
        Assert.True(score.Items.Single(i => i.Safeguard == Safeguards.ContentFilter).Present);
        Assert.False(score.Items.Single(i => i.Safeguard == Safeguards.ContentFilter).Required);
    }

    [Fact]
    public void Score_NothingRequired_ScoresFull()
    {
        var score = ChecklistScorer.Score(Content(Safeguards.None), RiskLevel.Allowed, Safeguards.None);

        Assert.Equal("0/0", score.Summary);
        Assert.Equal(100, score.Percent);
    }

    [Fact]
    public void Score_PublicAppForMinorsPublishingAutomatically_RaisesConcerns()
    {
        var score = ChecklistScorer.Score(Content(Safeguards.None, EndUserAudience.Public, minors: true, published: true), RiskLevel.HighRisk, Safeguards.HumanInTheLoop);

        Assert.Contains(score.Concerns, c => c.Contains("Minors", StringComparison.Ordinal));
        Assert.Contains(score.Concerns, c => c.Contains("published automatically", StringComparison.Ordinal));
        Assert.Contains(score.Concerns, c => c.Contains("reporting channel", StringComparison.Ordinal));
        Assert.Contains(score.Concerns, c => c.Contains("High-risk", StringComparison.Ordinal));
    }

    [Fact]
    public void Score_DisallowedCategory_SaysItCannotBeApproved()
    {
        var score = ChecklistScorer.Score(Content(Safeguards.ContentFilter), RiskLevel.Disallowed, Safeguards.None);

        Assert.Contains(score.Concerns, c => c.Contains("disallowed", StringComparison.Ordinal));
    }
}
