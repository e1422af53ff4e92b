using System.Globalization;
using System.Text.Json;
using ReviewConsole.Features.Enforcement;

namespace ReviewConsole.Features.UseCases;

/// <summary>A quota tier of the platform: the limits an approval at that tier starts from.</summary>
public sealed record QuotaTier(string Name, int Rank, long MonthlyTokens, int Rpm, int Tpm, int? PilotEndUserCap);

/// <summary>The platform's tiers in order; staged access climbs them one at a time.</summary>
public static class QuotaTiers
{
    public static readonly IReadOnlyList<QuotaTier> All =
    [
        new("Pilot", 0, 2_000_000, 60, 20_000, 100),
        new("Tier 1", 1, 20_000_000, 500, 150_000, null),
        new("Tier 2", 2, 100_000_000, 3_000, 1_000_000, null),
        new("Tier 3", 3, 500_000_000, 10_000, 5_000_000, null),
        new("Tier 4", 4, 2_000_000_000, 30_000, 20_000_000, null),
    ];

    public static QuotaTier? Find(string? name) => All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    public static QuotaTier? Next(string? name) => Find(name) is { } tier ? All.FirstOrDefault(t => t.Rank == tier.Rank + 1) : null;
}

/// <summary>What an approval with conditions allows; every limit becomes an enforcement action.</summary>
public sealed record UseCaseConditions
{
    public string Tier { get; init; } = "";

    public long? MonthlyTokenQuota { get; init; }

    public int? Rpm { get; init; }

    public int? Tpm { get; init; }

    public int? MaxOutputTokens { get; init; }

    /// <summary>The models the app's keys may call, picked from the models the submission asked for
    /// (null = every model). Checked against the submission when the decision is taken.</summary>
    public IReadOnlyList<string>? AllowedModels { get; init; }

    /// <summary>Staged access: the most distinct end users the app may serve during the pilot.</summary>
    public int? PilotEndUserCap { get; init; }

    /// <summary>Staged access: climb one tier at a time after clean periods (pilots start this way).</summary>
    public bool StagedAccess { get; init; }

    /// <summary>The approval comes back to the queue on this date.</summary>
    public DateTimeOffset? ReReviewAt { get; init; }

    public static UseCaseConditions FromTier(QuotaTier tier)
    {
        ArgumentNullException.ThrowIfNull(tier);
        return new UseCaseConditions
        {
            Tier = tier.Name,
            MonthlyTokenQuota = tier.MonthlyTokens,
            Rpm = tier.Rpm,
            Tpm = tier.Tpm,
            PilotEndUserCap = tier.PilotEndUserCap,
            StagedAccess = tier.Rank == 0,
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, UseCaseContent.Json);

    /// <summary>The registry limits these conditions mean (the tier's where a condition leaves one open).</summary>
    public LimitSet ToLimits(QuotaTier tier)
    {
        ArgumentNullException.ThrowIfNull(tier);
        return new LimitSet(MonthlyTokenQuota ?? tier.MonthlyTokens, Rpm ?? tier.Rpm, Tpm ?? tier.Tpm, MaxOutputTokens, AllowedModels, PilotEndUserCap);
    }

    /// <summary>Checks <see cref="AllowedModels"/> against the models the submission requested (the
    /// only model ids the reviewer saw justified), and returns them in the submission's spelling.</summary>
    public static IReadOnlyList<string>? MatchModels(IReadOnlyList<string>? chosen, IReadOnlyList<string> requested, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(errors);
        if (chosen is null)
        {
            return null;
        }

        var matched = new List<string>();
        var unknown = new List<string>();
        foreach (var name in chosen.Select(m => m?.Trim() ?? "").Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var known = requested.FirstOrDefault(r => string.Equals(r.Trim(), name, StringComparison.OrdinalIgnoreCase));
            if (known is null || name.Length == 0)
            {
                unknown.Add(name.Length == 0 ? "(blank)" : name);
            }
            else if (known.Contains(',', StringComparison.Ordinal))
            {
                errors.Add("allowedModels", $"'{known}' is not a model id the platform can restrict to (it contains a comma).");
            }
            else
            {
                matched.Add(known.Trim());
            }
        }

        if (unknown.Count > 0)
        {
            errors.Add("allowedModels", $"Only models the submission requested can be allowed ({string.Join(", ", requested)}); not requested: {string.Join(", ", unknown)}.");
        }
        else if (matched.Count == 0 && errors.For("allowedModels") is null)
        {
            errors.Add("allowedModels", "Choose at least one model, or lift the model restriction.");
        }

        return matched;
    }

    /// <summary>The requested models a restriction can name (the registry keeps the list comma-separated).</summary>
    public static IReadOnlyList<string> RestrictableModels(IReadOnlyList<string> requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        return requested.Select(m => m.Trim()).Where(m => m.Length > 0 && !m.Contains(',', StringComparison.Ordinal)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    public static UseCaseConditions? FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<UseCaseConditions>(json, UseCaseContent.Json);

    public ValidationErrors Validate(DateTimeOffset now)
    {
        var errors = new ValidationErrors();
        if (QuotaTiers.Find(Tier) is null)
        {
            errors.Add("tier", $"Choose a quota tier ({string.Join(", ", QuotaTiers.All.Select(t => t.Name))}).");
        }

        if (MonthlyTokenQuota is <= 0)
        {
            errors.Add("monthlyTokenQuota", "The monthly token quota must be positive.");
        }

        if (Rpm is <= 0)
        {
            errors.Add("rpm", "Requests per minute must be positive.");
        }

        if (Tpm is <= 0)
        {
            errors.Add("tpm", "Tokens per minute must be positive.");
        }

        if (MaxOutputTokens is <= 0 or > 1_000_000)
        {
            errors.Add("maxOutputTokens", "Max output tokens must be between 1 and 1,000,000.");
        }

        if (PilotEndUserCap is <= 0)
        {
            errors.Add("pilotEndUserCap", "The pilot end-user cap must be positive.");
        }

        if (AllowedModels is { Count: 0 })
        {
            errors.Add("allowedModels", "Choose at least one model, or lift the model restriction.");
        }

        if (ReReviewAt is { } at && at <= now)
        {
            errors.Add("reReviewAt", "The re-review date must be in the future.");
        }

        return errors;
    }

    /// <summary>The conditions in words, for the notice and the submission view.</summary>
    public IReadOnlyList<string> Describe()
    {
        var lines = new List<string> { $"Quota tier: {Tier}" };
        if (MonthlyTokenQuota is { } quota)
        {
            lines.Add($"Monthly token quota: {quota.ToString("N0", CultureInfo.InvariantCulture)}");
        }

        if (Rpm is { } rpm)
        {
            lines.Add($"Rate limit: {rpm.ToString("N0", CultureInfo.InvariantCulture)} requests/minute");
        }

        if (Tpm is { } tpm)
        {
            lines.Add($"Rate limit: {tpm.ToString("N0", CultureInfo.InvariantCulture)} tokens/minute");
        }

        if (MaxOutputTokens is { } max)
        {
            lines.Add($"Max output tokens per request: {max.ToString("N0", CultureInfo.InvariantCulture)}");
        }

        if (AllowedModels is { } models)
        {
            lines.Add($"Models allowed: {string.Join(", ", models)}");
        }

        if (PilotEndUserCap is { } cap)
        {
            lines.Add($"Pilot: at most {cap.ToString("N0", CultureInfo.InvariantCulture)} end users");
        }

        if (StagedAccess && QuotaTiers.Next(Tier) is { } next)
        {
            lines.Add($"Staged access: {next.Name} is considered after a clean flag history");
        }

        if (ReReviewAt is { } at)
        {
            lines.Add($"Re-review on {at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");
        }

        return lines;
    }
}
