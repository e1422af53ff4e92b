namespace ReviewConsole.Data.UseCases;

/// <summary>How the guidelines treat a use-case category.</summary>
public enum RiskLevel
{
    Allowed,
    NeedsReview,
    HighRisk,
    Disallowed,
}

/// <summary>Safeguards an application can have; a category's checklist requires a subset.</summary>
[Flags]
public enum Safeguards
{
    None = 0,
    HumanInTheLoop = 1,
    EndUserRateLimits = 2,
    OutputLengthLimit = 4,
    ContentFilter = 8,
    EndUserIdentification = 16,
    ReportingChannel = 32,
}

/// <summary>
/// A use-case category of the review guidelines, as data that Admins edit. Every edit bumps
/// <see cref="Version"/> and leaves a <see cref="GuidelineCategoryVersion"/>, so a decision records
/// the exact guideline it was made under.
/// </summary>
public class GuidelineCategory
{
    public int Id { get; set; }

    /// <summary>Stable key, e.g. <c>medical-information</c>; unique.</summary>
    public required string Key { get; set; }

    public required string Name { get; set; }

    public RiskLevel RiskLevel { get; set; }

    /// <summary>The checklist: safeguards a submission of this category must have.</summary>
    public Safeguards RequiredSafeguards { get; set; }

    /// <summary>What reviewers look for, written by staff.</summary>
    public string Guidance { get; set; } = "";

    /// <summary>The clause a decision cites, e.g. <c>UC-3.1</c>.</summary>
    public string Clause { get; set; } = "";

    /// <summary>Research access applications use the research form and credit grants.</summary>
    public bool IsResearch { get; set; }

    public int Version { get; set; } = 1;

    public bool IsActive { get; set; } = true;

    public DateTimeOffset UpdatedAt { get; set; }

    public string UpdatedBy { get; set; } = "";
}

public class GuidelineCategoryVersion
{
    public long Id { get; set; }

    public int GuidelineCategoryId { get; set; }

    public int Version { get; set; }

    public string Name { get; set; } = "";

    public RiskLevel RiskLevel { get; set; }

    public Safeguards RequiredSafeguards { get; set; }

    public string Guidance { get; set; } = "";

    public string Clause { get; set; } = "";

    public bool IsActive { get; set; }

    public DateTimeOffset ChangedAt { get; set; }

    public string ChangedBy { get; set; } = "";
}
