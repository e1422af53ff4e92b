using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ReviewConsole.Features.Flags.Feedback;

public partial class ClassifierFeedbackPage
{
    private IReadOnlyList<ClassifierVersionRef> classifiers = [];
    private IReadOnlyList<CategoryPrecisionRow>? rows;
    private IReadOnlyList<string> categories = [];
    private const string AllVersions = "";
    private string classifierKey = AllVersions;
    private CategoryPrecisionRow? explored;
    private IReadOnlyList<LabeledScore>? labels;
    private IReadOnlyList<ThresholdPoint>? curve;
    private double threshold = 0.5;
    private DateTime? exportFrom;
    private DateTime? exportTo;
    private string? exportCategory;
    private string? exportClassifierKey;

    [Inject]
    private ClassifierFeedbackService Feedback { get; set; } = default!;

    [Inject]
    private ThresholdLoweringService Lowering { get; set; } = default!;

    private IReadOnlyList<LabeledScore>? belowThreshold;
    private double currentThreshold = 0.5;

    private LoweringEstimate? LoweringAt => belowThreshold is null || threshold >= currentThreshold ? null : Lowering.Estimate(belowThreshold, currentThreshold, threshold);

    private ClassifierVersionRef? ExportClassifier => Find(exportClassifierKey);

    private string ExportUrl => ClassifierExportEndpoint.Path + new LabelExportFilter(
        exportFrom is { } from ? DateOnly.FromDateTime(from) : null,
        exportTo is { } to ? DateOnly.FromDateTime(to) : null,
        exportCategory,
        ExportClassifier?.Name,
        ExportClassifier?.Version).ToQueryString();

    protected override async Task OnInitializedAsync()
    {
        classifiers = await Feedback.ClassifiersAsync(CancellationToken.None);
        await LoadRowsAsync();
        categories = rows!.Select(r => r.Category).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    private ClassifierVersionRef? Find(string? key) => classifiers.FirstOrDefault(c => c.ToString() == key);

    private async Task SelectClassifierAsync(string value)
    {
        classifierKey = value;
        explored = null;
        labels = null;
        await LoadRowsAsync();
    }

    private async Task LoadRowsAsync() => rows = await Feedback.PrecisionAsync(Find(classifierKey), CancellationToken.None);

    private async Task ExploreAsync(CategoryPrecisionRow row)
    {
        if (row.Flagged == 0)
        {
            return;
        }

        explored = row;
        labels = await Feedback.LabeledScoresAsync(new ClassifierVersionRef(row.ClassifierName, row.ClassifierVersion), row.Category, CancellationToken.None);
        curve = ClassifierFeedbackService.Curve(labels);
        currentThreshold = ThresholdLoweringService.CurrentThreshold(labels);
        belowThreshold = await Lowering.BelowThresholdSampleAsync(new ClassifierVersionRef(row.ClassifierName, row.ClassifierVersion), row.Category, CancellationToken.None);
    }

    private void SetThreshold(double value) => threshold = Math.Round(value, 2);

    private static string Percent(double value) => double.IsNaN(value) ? "—" : (value * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    /// <summary>Green when even the interval's low end is good, red when even its high end is poor.</summary>
    private static Color PrecisionColor(WilsonInterval precision) =>
        precision.Lower >= 0.8 ? Color.Success : precision.Upper < 0.5 ? Color.Error : Color.Warning;
}
