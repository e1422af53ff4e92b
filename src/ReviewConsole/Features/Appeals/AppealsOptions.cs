using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ReviewConsole.Features.Appeals;

public sealed class AppealsOptions
{
    public const string SectionName = "Appeals";

    /// <summary>A sanction can be appealed for this many days after it took effect.</summary>
    [Range(1, 365)]
    public int WindowDays { get; set; } = 30;

    /// <summary>Appeals are due for a decision this many hours after they arrive.</summary>
    [Range(1, 24 * 60)]
    public int SlaHours { get; set; } = 72;

    /// <summary>Longest appeal text accepted.</summary>
    [Range(100, 8000)]
    public int MaxTextLength { get; set; } = 8000;
}

[OptionsValidator]
public sealed partial class AppealsOptionsValidator : IValidateOptions<AppealsOptions>;
