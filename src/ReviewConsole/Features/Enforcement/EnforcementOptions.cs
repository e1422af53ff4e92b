using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ReviewConsole.Features.Enforcement;

public sealed class EnforcementOptions
{
    public const string SectionName = "Enforcement";

    /// <summary>Revoking more keys than this in one request needs a Lead's approval.</summary>
    [Range(1, 10_000)]
    public int MaxKeysWithoutApproval { get; set; } = 5;
}

[OptionsValidator]
public sealed partial class EnforcementOptionsValidator : IValidateOptions<EnforcementOptions>;
