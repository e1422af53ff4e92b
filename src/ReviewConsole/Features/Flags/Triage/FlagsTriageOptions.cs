using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ReviewConsole.Features.Flags.Triage;

public sealed class FlagsTriageOptions
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

    /// <summary>Parameters of the rate limit a "rate-limit" decision requests.</summary>
    [Required]
    [MinLength(2)]
    public string RateLimitParametersJson { get; set; } = """{"rpm":60,"tpm":40000}""";
}

[OptionsValidator]
public sealed partial class FlagsTriageOptionsValidator : IValidateOptions<FlagsTriageOptions>;
