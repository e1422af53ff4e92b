namespace ReviewConsole.Data.Actors;

public enum ActorStatus
{
    Active,
    Suspended,
}

public enum ApiKeyStatus
{
    Active,
    Revoked,
}

/// <summary>An organization on the API platform: the top of the actor tree (org → app → key).</summary>
public class Organization
{
    public long Id { get; set; }

    /// <summary>The platform's id, e.g. <c>org_7Hq2</c>; unique.</summary>
    public required string ExternalId { get; set; }

    public string Name { get; set; } = "";

    public ActorStatus Status { get; set; }

    /// <summary>Sanctions against a high-profile organization always need a Lead's approval.</summary>
    public bool IsHighProfile { get; set; }

    /// <summary>Where notices go (shown to staff; delivery is the platform's).</summary>
    public string? ContactEmail { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StatusChangedAt { get; set; }

    /// <summary>Violation decisions on this organization's flags, kept up to date by the decision
    /// that adds one (a counter on write, so the triage actor panel never counts decisions).</summary>
    public int ConfirmedViolations { get; set; }
    /// <summary>Limits set at this level (by an approval or a sanction); keys created later start
    /// from them (application first, then organization). Null = none set here.</summary>
    public int? LimitRpm { get; set; }

    public int? LimitTpm { get; set; }

    public long? LimitMonthlyTokenQuota { get; set; }

    public int? LimitMaxOutputTokens { get; set; }

    public string? LimitAllowedModels { get; set; }

    public int? LimitPilotEndUserCap { get; set; }

    public List<Application> Applications { get; set; } = [];
}

public class Application
{
    public long Id { get; set; }

    public required string ExternalId { get; set; }

    public long OrganizationId { get; set; }

    public Organization? Organization { get; set; }

    public string Name { get; set; } = "";

    public ActorStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StatusChangedAt { get; set; }

    /// <summary>Limits set at this level (by an approval or a sanction); keys created later start
    /// from them (application first, then organization). Null = none set here.</summary>
    public int? LimitRpm { get; set; }

    public int? LimitTpm { get; set; }

    public long? LimitMonthlyTokenQuota { get; set; }

    public int? LimitMaxOutputTokens { get; set; }

    public string? LimitAllowedModels { get; set; }

    public int? LimitPilotEndUserCap { get; set; }

    public List<ApiKey> Keys { get; set; } = [];
}

/// <summary>An API key: its id and display prefix only, never a secret.</summary>
public class ApiKey
{
    public long Id { get; set; }

    /// <summary>The platform's key id, e.g. <c>key_a81F</c>; unique.</summary>
    public required string ExternalId { get; set; }

    /// <summary>The first characters of the key as the platform shows them (e.g. <c>sk-live-ab12</c>).</summary>
    public string Prefix { get; set; } = "";

    public long ApplicationId { get; set; }

    public Application? Application { get; set; }

    /// <summary>Denormalized from the application so org-wide queries need no join.</summary>
    public long OrganizationId { get; set; }

    public ApiKeyStatus Status { get; set; }

    public int? RateLimitRpm { get; set; }

    public int? RateLimitTpm { get; set; }

    public long? MonthlyTokenQuota { get; set; }

    /// <summary>Usage as reported by the feed or an import.</summary>
    public long TokensUsedThisMonth { get; set; }

    /// <summary>Comma-separated model names the key may use; null = all.</summary>
    public string? AllowedModels { get; set; }

    /// <summary>Longest completion (in tokens) one request may ask for; null = the model's own limit.</summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>Staged access: the most distinct end users the key's app may serve; null = no cap.</summary>
    public int? PilotEndUserCap { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StatusChangedAt { get; set; }

    /// <summary>Bumped on every change the platform must see; the revocation feed and ETags use it.</summary>
    public long Version { get; set; }
}

/// <summary>
/// The registry's change counter (one row). Every change the platform must see takes the next
/// value under this row's lock, so versions commit in order and the revocation feed's
/// <c>since</c> cursor never skips a change committed late.
/// </summary>
public class KeyRegistryHead
{
    public const int SingletonId = 1;

    public int Id { get; set; }

    public long Version { get; set; }
}

/// <summary>One key's usage on one UTC day as the platform reported it (push API or CSV import).
/// Unique per (key, day): a repeated report replaces the day's figures, so re-sending is harmless.</summary>
public class KeyUsageDay
{
    public long Id { get; set; }

    public long ApiKeyId { get; set; }

    public long ApplicationId { get; set; }

    public long OrganizationId { get; set; }

    public DateOnly Day { get; set; }

    public long Tokens { get; set; }

    public long Requests { get; set; }

    /// <summary>Distinct end users the key served that day, when the platform reports it (pilot caps).</summary>
    public int? EndUsers { get; set; }

    public DateTimeOffset ReportedAt { get; set; }

    /// <summary>Who reported it: an API token name or the staff member who imported a file.</summary>
    public string ReportedBy { get; set; } = "";
}
