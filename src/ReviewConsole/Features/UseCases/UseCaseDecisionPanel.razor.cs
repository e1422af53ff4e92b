using Microsoft.AspNetCore.Components;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.UseCases;

/// <summary>The reviewer's decision form: the kind, the note and clause, and for an approval with
/// conditions the limits (prefilled from the tier or the proposed next tier).</summary>
public sealed partial class UseCaseDecisionPanel
{
    private static readonly UseCaseDecisionKind[] Kinds =
    [
        UseCaseDecisionKind.Approve,
        UseCaseDecisionKind.ApproveWithConditions,
        UseCaseDecisionKind.RequestChanges,
        UseCaseDecisionKind.Reject,
    ];

    private DecisionForm form = new();
    private ValidationErrors errors = new();
    private string? refusal;
    private string? blockedReason;
    private bool busy;
    private long formFor = -1;

    [Parameter, EditorRequired]
    public SubmissionDetails Details { get; set; } = default!;

    [Parameter, EditorRequired]
    public StaffUser Reviewer { get; set; } = default!;

    [Parameter]
    public EventCallback<DecisionResult> OnDecided { get; set; }

    [Inject]
    private UseCaseReviewService Review { get; set; } = default!;

    private string ReasonLabel => form.Kind switch
    {
        UseCaseDecisionKind.Reject => "Why it is rejected (sent to the developer)",
        UseCaseDecisionKind.RequestChanges => "Note to the developer (optional)",
        _ => "Note to the developer (optional)",
    };

    /// <summary>The models the submission asked for: the only ones an approval can allow.</summary>
    private IReadOnlyList<string> RequestedModels => UseCaseConditions.RestrictableModels(Details.Content.Models);

    private string MissingHint => Details.Checklist.Missing.Count == 0
        ? "The checklist is complete."
        : "Missing: " + string.Join(", ", Details.Checklist.Missing.Select(m => m.Name));

    protected override void OnParametersSet()
    {
        // Reset the form only when another submission (or a new state of it) is shown.
        var key = Details.Id * 1000 + Details.ConcurrencyVersion;
        if (key == formFor)
        {
            return;
        }

        formFor = key;
        errors = new();
        refusal = null;
        var risk = Details.Category.RiskLevel;
        blockedReason = risk switch
        {
            RiskLevel.Disallowed => $"{Details.Category.Name} is disallowed ({Details.Category.Clause}): it can only be rejected or sent back.",
            RiskLevel.HighRisk => "High-risk category: approval needs conditions.",
            _ => null,
        };
        form = DecisionForm.From(Details.SuggestedConditions, Details.Category.Clause);
        form.Kind = risk == RiskLevel.Disallowed
            ? UseCaseDecisionKind.Reject
            : Details.Checklist.Complete ? (risk == RiskLevel.Allowed ? UseCaseDecisionKind.Approve : UseCaseDecisionKind.ApproveWithConditions) : UseCaseDecisionKind.RequestChanges;
        if (form.Kind == UseCaseDecisionKind.RequestChanges)
        {
            form.Questions = string.Join('\n', Details.Checklist.Missing.Select(m => $"How does the application provide: {m.Name.ToLowerInvariant()}?"));
        }
    }

    private bool Allowed(UseCaseDecisionKind kind) => Details.Category.RiskLevel switch
    {
        RiskLevel.Disallowed => kind is UseCaseDecisionKind.Reject or UseCaseDecisionKind.RequestChanges,
        RiskLevel.HighRisk => kind != UseCaseDecisionKind.Approve,
        _ => true,
    };

    private void KindChanged(UseCaseDecisionKind kind)
    {
        form.Kind = kind;
        errors = new();
        refusal = null;
    }

    private void TierChanged(string name)
    {
        if (QuotaTiers.Find(name) is { } tier)
        {
            form.Tier = tier.Name;
            form.MonthlyTokenQuota = tier.MonthlyTokens;
            form.Rpm = tier.Rpm;
            form.Tpm = tier.Tpm;
            form.PilotEndUserCap = tier.PilotEndUserCap;
            form.StagedAccess = form.StagedAccess || tier.Rank == 0;
        }
    }

    private void RestrictModelsChanged(bool on)
    {
        form.RestrictModels = on;
        if (on && form.Models.Count == 0)
        {
            form.Models.UnionWith(RequestedModels);
        }
    }

    private void ToggleModel(string model, bool on)
    {
        form.Models.Remove(model);
        if (on)
        {
            form.Models.Add(model);
        }
    }

    private async Task SubmitAsync()
    {
        if (busy)
        {
            return;
        }

        busy = true;
        try
        {
            var request = new DecideUseCaseRequest(
                Details.Id,
                Details.ConcurrencyVersion,
                form.Kind,
                form.Reason ?? "",
                form.Kind == UseCaseDecisionKind.RequestChanges ? form.Questions ?? "" : "",
                form.Clause,
                form.Kind == UseCaseDecisionKind.ApproveWithConditions ? form.ToConditions() : null);
            var result = await Review.DecideAsync(request, Reviewer, CancellationToken.None);
            errors = result.Errors;
            refusal = result.Succeeded || !errors.IsEmpty ? null : result.Message;
            if (result.Succeeded || errors.IsEmpty)
            {
                await OnDecided.InvokeAsync(result);
            }
        }
        finally
        {
            busy = false;
        }
    }

    /// <summary>The mutable form behind the panel.</summary>
    private sealed class DecisionForm
    {
        public UseCaseDecisionKind Kind { get; set; }

        public string? Reason { get; set; }

        public string? Questions { get; set; }

        public string? Clause { get; set; }

        public string Tier { get; set; } = "";

        public long? MonthlyTokenQuota { get; set; }

        public int? Rpm { get; set; }

        public int? Tpm { get; set; }

        public int? MaxOutputTokens { get; set; }

        public int? PilotEndUserCap { get; set; }

        public DateTime? ReReviewOn { get; set; }

        public bool StagedAccess { get; set; }

        public bool RestrictModels { get; set; }

        public HashSet<string> Models { get; } = new(StringComparer.OrdinalIgnoreCase);

        public static DecisionForm From(UseCaseConditions c, string clause)
        {
            var form = new DecisionForm
            {
                Clause = clause,
                Tier = c.Tier,
                MonthlyTokenQuota = c.MonthlyTokenQuota,
                Rpm = c.Rpm,
                Tpm = c.Tpm,
                MaxOutputTokens = c.MaxOutputTokens,
                PilotEndUserCap = c.PilotEndUserCap,
                ReReviewOn = c.ReReviewAt?.UtcDateTime.Date,
                StagedAccess = c.StagedAccess,
                RestrictModels = c.AllowedModels is not null,
            };
            form.Models.UnionWith(c.AllowedModels ?? []);
            return form;
        }

        public UseCaseConditions ToConditions() => new()
        {
            Tier = Tier,
            MonthlyTokenQuota = MonthlyTokenQuota,
            Rpm = Rpm,
            Tpm = Tpm,
            MaxOutputTokens = MaxOutputTokens,
            PilotEndUserCap = PilotEndUserCap,
            ReReviewAt = ReReviewOn is { } day ? new DateTimeOffset(DateTime.SpecifyKind(day.Date, DateTimeKind.Utc)).AddHours(9) : null,
            StagedAccess = StagedAccess,
            AllowedModels = RestrictModels ? [.. Models.Order(StringComparer.Ordinal)] : null,
        };
    }
}
