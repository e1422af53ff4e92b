using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using ReviewConsole.Components.Shared;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Quality;

/// <summary>The Lead's view of review quality: adjudication, kappa, golden accuracy, overturns, trends.</summary>
public sealed partial class QualityPage
{
    private readonly Dictionary<long, AdjudicationForm> forms = [];
    private AgreementReport? report;
    private IReadOnlyList<AdjudicationItem> adjudications = [];
    private int days = 30;
    private bool busy;
    private (string Key, bool IsCategory)? selected;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject]
    private AgreementService Agreement { get; set; } = default!;

    [Inject]
    private DoubleReviewService DoubleReview { get; set; } = default!;

    [Inject]
    private FlagDecisionService Decisions { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    /// <summary>A Lead's draft answer for one disagreement.</summary>
    private sealed class AdjudicationForm
    {
        public Verdict Verdict { get; set; }

        public string Categories { get; set; } = "";

        public DecisionAction Action { get; set; }

        public string Clause { get; set; } = "";

        public string Reason { get; set; } = "";

        public bool AddToGolden { get; set; }
    }

    private IEnumerable<AgreementPair> FilteredPairs =>
        report is null ? [] : selected is not { } filter ? report.Pairs : report.Pairs.Where(p => filter.IsCategory
            ? p.First.Categories.Contains(filter.Key) || p.Second.Categories.Contains(filter.Key)
            : string.Equals(p.First.Clause, filter.Key, StringComparison.OrdinalIgnoreCase) || string.Equals(p.Second.Clause, filter.Key, StringComparison.OrdinalIgnoreCase));

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private async Task LoadAsync()
    {
        report = await Agreement.ReportAsync(days, CancellationToken.None);
        adjudications = await DoubleReview.AwaitingAdjudicationAsync(CancellationToken.None);
    }

    private async Task SetDaysAsync(int value)
    {
        days = value;
        await LoadAsync();
    }

    private AdjudicationForm FormFor(AdjudicationItem item)
    {
        if (!forms.TryGetValue(item.Id, out var form))
        {
            // Start from the first answer; the Lead changes what they disagree with.
            form = new AdjudicationForm
            {
                Verdict = item.First.Verdict == Verdict.Escalate ? Verdict.Violation : item.First.Verdict,
                Categories = string.Join(' ', item.First.Categories),
                Action = item.First.Action,
                Clause = item.First.Clause,
            };
            forms[item.Id] = form;
        }

        return form;
    }

    private async Task AdjudicateAsync(AdjudicationItem item)
    {
        if (busy)
        {
            return;
        }

        busy = true;
        try
        {
            var principal = (await AuthenticationState).User;
            var form = FormFor(item);
            var violation = form.Verdict == Verdict.Violation;
            var request = new DecideFlagRequest(
                form.Verdict,
                violation ? form.Categories.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [],
                violation ? form.Action : DecisionAction.None,
                violation ? form.Clause : "",
                form.Reason);
            var outcome = await Decisions.AdjudicateAsync(StaffUser.From(principal), TriageRights.From(principal), item.Id, request, form.AddToGolden, CancellationToken.None);
            Snackbar.Add(outcome.Message, outcome.Succeeded ? Severity.Success : Severity.Error);
            if (outcome.Succeeded)
            {
                forms.Remove(item.Id);
                await LoadAsync();
            }
        }
        finally
        {
            busy = false;
        }
    }

    private List<ChartSeries<double>> WeekSeries() =>
    [
        new() { Name = "Verdict kappa", Data = new ChartData<double>(report!.Weeks.Select(w => w.VerdictKappa.Defined ? Math.Round(w.VerdictKappa.Kappa, 3) : 0).ToList()) },
        new() { Name = "Golden accuracy", Data = new ChartData<double>(report.Weeks.Select(w => double.IsNaN(w.GoldenAccuracy.Estimate) ? 0 : Math.Round(w.GoldenAccuracy.Estimate, 3)).ToList()) },
        new() { Name = "Overturn rate", Data = new ChartData<double>(report.Weeks.Select(w => double.IsNaN(w.OverturnRate.Estimate) ? 0 : Math.Round(w.OverturnRate.Estimate, 3)).ToList()) },
    ];

    private static List<HorizontalBars.Bar> KappaBars(IReadOnlyList<KappaRow> rows) =>
        rows.Select(r => new HorizontalBars.Bar(r.Key, r.Kappa.Defined ? r.Kappa.Kappa : double.NaN, KappaText(r.Kappa), r.Kappa.Defined ? r.Kappa.Lower : null, r.Kappa.Defined ? r.Kappa.Upper : null)).ToList();

    internal static string KappaText(KappaResult kappa) =>
        kappa.Defined ? kappa.Kappa.ToString("0.00", CultureInfo.InvariantCulture) + $" (n={kappa.Pairs})" : $"— (n={kappa.Pairs})";

    internal static string Percent(double value) => double.IsNaN(value) ? "—" : (value * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string Describe(ReviewAnswer answer) =>
        answer.Verdict == Verdict.Violation ? $"Violation [{string.Join(' ', answer.Categories)}] {answer.Action} {answer.Clause}".TrimEnd() : answer.Verdict.ToString();
}
