using System.Globalization;
using MudBlazor;

namespace ReviewConsole.Features.Statistics;

public partial class StatisticsPage
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private SafetyStatistics? stats;
    private string? from;
    private string? to;
    private string? error;
    private bool busy;

    [Microsoft.AspNetCore.Components.Inject]
    private TimeProvider Clock { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        (from, to) = StatisticsFeature.DefaultPeriod(null, null, Clock);

        // The figures aggregate a whole period: computed once, when the circuit starts, not also for
        // the prerendered HTML that the interactive render replaces at once (which doubled the wait).
        if (RendererInfo.IsInteractive)
        {
            await LoadAsync();
        }
    }

    private async Task LoadAsync()
    {
        if (busy)
        {
            return;
        }

        busy = true;
        try
        {
            if (!StatisticsFeature.TryPeriod(from, to, out var start, out var end, out var problem))
            {
                error = problem;
                return;
            }

            error = null;
            stats = await Statistics.ComputeAsync(start, end, CancellationToken.None);
        }
        finally
        {
            busy = false;
        }
    }

    private string ExportHref(string format) => $"/statistics/export/{format}?from={Uri.EscapeDataString(from ?? "")}&to={Uri.EscapeDataString(to ?? "")}";

    private static List<ChartSeries<double>> Series(string name, IReadOnlyList<StatCount> counts) =>
        [new ChartSeries<double> { Name = name, Data = new ChartData<double>(counts.Select(c => (double)c.Count).ToList()) }];

    private static string[] Labels(IReadOnlyList<StatCount> counts) => counts.Select(c => c.Key).ToArray();

    private static string MedianLabel(string key) => key switch
    {
        StatisticsService.FlagToDecision => "Median flag → decision",
        StatisticsService.DecisionToEnforcement => "Median decision → enforcement in effect",
        StatisticsService.IncidentDetectToMitigate => "Median incident detect → mitigate",
        _ => key,
    };
}
