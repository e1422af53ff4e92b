using ReviewConsole.Data.UseCases;

namespace ReviewConsole.Features.UseCases;

public sealed record ChecklistItem(Safeguards Safeguard, string Name, bool Required, bool Present)
{
    public bool Missing => Required && !Present;
}

/// <summary>A submission scored against its category's checklist: what is met, what is missing,
/// and other concerns the answers raise, shown before the reviewer decides.</summary>
public sealed record ChecklistScore(RiskLevel RiskLevel, IReadOnlyList<ChecklistItem> Items, IReadOnlyList<string> Concerns)
{
    public int RequiredCount => Items.Count(i => i.Required);

    public int MetCount => Items.Count(i => i.Required && i.Present);

    public IReadOnlyList<ChecklistItem> Missing => Items.Where(i => i.Missing).ToList();

    public bool Complete => MetCount == RequiredCount;

    /// <summary>0..100; a category with no required safeguard scores 100.</summary>
    public int Percent => RequiredCount == 0 ? 100 : MetCount * 100 / RequiredCount;

    public string Summary => $"{MetCount}/{RequiredCount}";
}

public static class ChecklistScorer
{
    public static ChecklistScore Score(UseCaseContent content, RiskLevel riskLevel, Safeguards required)
    {
        ArgumentNullException.ThrowIfNull(content);
        var items = SafeguardCatalog.All
            .Select(s => new ChecklistItem(s, SafeguardCatalog.Name(s), required.HasFlag(s), content.Safeguards.HasFlag(s)))
            .ToList();

        var concerns = new List<string>();
        if (riskLevel == RiskLevel.Disallowed)
        {
            concerns.Add("The category is disallowed by the guidelines: it cannot be approved.");
        }

        if (riskLevel == RiskLevel.HighRisk)
        {
            concerns.Add("High-risk category: approval needs conditions (tier, limits or a pilot cap).");
        }

        if (content.MinorsPossible && !content.Safeguards.HasFlag(Safeguards.ContentFilter))
        {
            concerns.Add("Minors may use the application but it has no content filter.");
        }

        if (content.OutputsPublishedAutomatically && required.HasFlag(Safeguards.HumanInTheLoop))
        {
            concerns.Add("Outputs are published automatically, but this category needs a human in the loop.");
        }

        if (content.EndUsers == EndUserAudience.Public && !content.Safeguards.HasFlag(Safeguards.ReportingChannel))
        {
            concerns.Add("Public end users but no reporting channel for harmful outputs.");
        }

        if (content.EndUsers == EndUserAudience.Public && !content.Safeguards.HasFlag(Safeguards.EndUserRateLimits))
        {
            concerns.Add("Public end users without per-user rate limits.");
        }

        return new ChecklistScore(riskLevel, items, concerns);
    }
}
