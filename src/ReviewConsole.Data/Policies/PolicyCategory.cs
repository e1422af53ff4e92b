namespace ReviewConsole.Data.Policies;

public enum PolicyCategoryKind
{
    /// <summary>A content-policy category a classifier scores (e.g. <c>hate/threatening</c>).</summary>
    Content,

    /// <summary>A misuse type (e.g. <c>influence-operation</c>).</summary>
    Misuse,
}

/// <summary>
/// A category of the content policy or a misuse type, as data that Admins edit. Every edit bumps
/// <see cref="Version"/> and leaves a <see cref="PolicyCategoryVersion"/> row, so a decision can
/// cite exactly the text it was made under.
/// </summary>
public class PolicyCategory
{
    public int Id { get; set; }

    /// <summary>The stable key, as classifiers name it (slashes included): <c>self-harm/intent</c>.</summary>
    public required string Key { get; set; }

    public required string Name { get; set; }

    public PolicyCategoryKind Kind { get; set; }

    /// <summary>0..1; how severe a confirmed violation is (drives priority).</summary>
    public double SeverityWeight { get; set; }

    /// <summary>How long a flag of this category may wait for a decision.</summary>
    public int ReviewSlaMinutes { get; set; }

    public bool BlurByDefault { get; set; }

    /// <summary>The policy text and clause reviewers cite.</summary>
    public string PolicyText { get; set; } = "";

    public string PolicyClause { get; set; } = "";

    public int Version { get; set; } = 1;

    public bool IsActive { get; set; } = true;

    public DateTimeOffset UpdatedAt { get; set; }

    public string UpdatedBy { get; set; } = "";
}

public class PolicyCategoryVersion
{
    public long Id { get; set; }

    public int PolicyCategoryId { get; set; }

    public int Version { get; set; }

    public double SeverityWeight { get; set; }

    public int ReviewSlaMinutes { get; set; }

    public bool BlurByDefault { get; set; }

    public string PolicyText { get; set; } = "";

    public string PolicyClause { get; set; } = "";

    public DateTimeOffset ChangedAt { get; set; }

    public string ChangedBy { get; set; } = "";
}
