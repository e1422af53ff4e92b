using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;
using ReviewConsole.Features.Enforcement;

namespace ReviewConsole.Features.Flags.Triage;

public sealed class FlagsTriageOptions : IValidatableObject
{
    public const string SectionName = "FlagsTriage";

    /// <summary>How long a claim lasts without renewal; the triage page renews it while open.</summary>
    [Range(1, 240)]
    public int LeaseMinutes { get; set; } = 10;

    /// <summary>Open flags due within this many minutes show as "due soon".</summary>
    [Range(1, 10_080)]
    public int SlaDueSoonMinutes { get; set; } = 60;

    [Range(10, 500)]
    public int QueuePageSize { get; set; } = 50;

    /// <summary>The limits a "rate-limit" decision sets on the flag's key
    /// (<c>FlagsTriage:RateLimit:Rpm</c> and <c>:Tpm</c>).</summary>
    [Required]
    public DecisionRateLimitOptions RateLimit { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Checked here rather than by attributes on the nested class, so the message names the key.
        if (RateLimit is { Rpm: < 1 or > DecisionRateLimitOptions.MaxRpm })
        {
            yield return new ValidationResult(string.Create(CultureInfo.InvariantCulture, $"FlagsTriage:RateLimit:Rpm must be a whole number of requests per minute from 1 to {DecisionRateLimitOptions.MaxRpm:N0} (got {RateLimit.Rpm})."), [nameof(RateLimit)]);
        }

        if (RateLimit is { Tpm: < 1 or > DecisionRateLimitOptions.MaxTpm })
        {
            yield return new ValidationResult(string.Create(CultureInfo.InvariantCulture, $"FlagsTriage:RateLimit:Tpm must be a whole number of tokens per minute from 1 to {DecisionRateLimitOptions.MaxTpm:N0} (got {RateLimit.Tpm})."), [nameof(RateLimit)]);
        }
    }
}

/// <summary>The rate limit of a flag decision, as the <see cref="RateLimitParameters"/> of the
/// SetRateLimit contract it becomes.</summary>
public sealed class DecisionRateLimitOptions
{
    public const int MaxRpm = 1_000_000;
    public const int MaxTpm = 100_000_000;

    public int Rpm { get; set; } = 60;

    public int Tpm { get; set; } = 40_000;

    public RateLimitParameters ToParameters() => new(Rpm, Tpm);
}

[OptionsValidator]
public sealed partial class FlagsTriageOptionsValidator : IValidateOptions<FlagsTriageOptions>;
