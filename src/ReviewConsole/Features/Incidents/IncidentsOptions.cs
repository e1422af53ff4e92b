using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ReviewConsole.Features.Incidents;

public sealed class IncidentsOptions
{
    public const string SectionName = "Incidents";

    /// <summary>A SEV1 without an update for this many minutes is marked overdue for an update.</summary>
    [Range(1, 10_080)]
    public int Sev1UpdateMinutes { get; set; } = 30;

    /// <summary>The same for a SEV2.</summary>
    [Range(1, 10_080)]
    public int Sev2UpdateMinutes { get; set; } = 60;

    /// <summary>How often the monitor job checks for stale incidents and enforcement outcomes.</summary>
    [Required]
    public string MonitorCron { get; set; } = "*/5 * * * *";
}

[OptionsValidator]
public sealed partial class IncidentsOptionsValidator : IValidateOptions<IncidentsOptions>;
