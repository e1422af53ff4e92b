using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ReviewConsole.Features.Statistics;

public sealed class StatisticsOptions
{
    public const string SectionName = "Statistics";

    /// <summary>Counts from 1 up to this value minus one are published as "&lt;N" (and medians over
    /// fewer samples are withheld), so small groups cannot be singled out in a public report.</summary>
    [Range(1, 1000)]
    public int SuppressBelow { get; set; } = 10;
}

[OptionsValidator]
public sealed partial class StatisticsOptionsValidator : IValidateOptions<StatisticsOptions>;
