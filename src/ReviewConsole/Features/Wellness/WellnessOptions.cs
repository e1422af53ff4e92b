using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ReviewConsole.Features.Wellness;

public sealed class WellnessOptions
{
    public const string SectionName = "Wellness";

    /// <summary>How many flags of one category a reviewer may be shown per UTC day through Next.</summary>
    [Range(1, 100_000)]
    public int DailyCapPerCategory { get; set; } = 200;

    /// <summary>Per-category caps overriding <see cref="DailyCapPerCategory"/> (key = category key).</summary>
    public Dictionary<string, int> CategoryCaps { get; set; } = [];

    /// <summary>Remind the reviewer to take a break after this much continuous reviewing.</summary>
    [Range(5, 600)]
    public int BreakReminderMinutes { get; set; } = 50;

    /// <summary>A pause at least this long ends a continuous reviewing stretch.</summary>
    [Range(1, 120)]
    public int ContinuousGapMinutes { get; set; } = 10;

    public int CapFor(string category) =>
        CategoryCaps.TryGetValue(category, out var cap) ? cap : DailyCapPerCategory;
}

[OptionsValidator]
public sealed partial class WellnessOptionsValidator : IValidateOptions<WellnessOptions>;
