using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.UseCases;

public sealed partial class GuidelinesPage
{
    private IReadOnlyList<GuidelineSummary>? categories;
    private IReadOnlyList<GuidelineVersionRow>? history;
    private GuidelineSummary? historyOf;
    private GuidelineEdit? editing;
    private StaffUser? me;
    private bool busy;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject]
    private GuidelineService Guidelines { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        me = StaffUser.From((await AuthenticationState).User);
        categories = await Guidelines.ListAsync(true, CancellationToken.None);
    }

    private void New() => editing = new GuidelineEdit { Clause = "UC-", RiskLevel = RiskLevel.NeedsReview };

    private void Edit(GuidelineSummary c) => editing = new GuidelineEdit
    {
        Id = c.Id,
        Key = c.Key,
        Name = c.Name,
        RiskLevel = c.RiskLevel,
        RequiredSafeguards = c.RequiredSafeguards,
        Guidance = c.Guidance,
        Clause = c.Clause,
        IsResearch = c.IsResearch,
        IsActive = c.IsActive,
        ExpectedVersion = c.Version,
    };

    private void Toggle(Safeguards safeguard, bool on)
    {
        if (editing is not null)
        {
            editing.RequiredSafeguards = on ? editing.RequiredSafeguards | safeguard : editing.RequiredSafeguards & ~safeguard;
        }
    }

    private async Task ShowVersionsAsync(GuidelineSummary c)
    {
        historyOf = c;
        history = await Guidelines.VersionsAsync(c.Id, CancellationToken.None);
    }

    private async Task SaveAsync()
    {
        if (busy || editing is null || me is null)
        {
            return;
        }

        busy = true;
        try
        {
            var result = await Guidelines.SaveAsync(editing, me, CancellationToken.None);
            Snackbar.Add(result.Message, result.Succeeded ? Severity.Success : Severity.Error);
            if (result.Succeeded)
            {
                editing = null;
                categories = await Guidelines.ListAsync(true, CancellationToken.None);
                if (historyOf is not null && categories.FirstOrDefault(c => c.Id == historyOf.Id) is { } refreshed)
                {
                    await ShowVersionsAsync(refreshed);
                }
            }
        }
        finally
        {
            busy = false;
        }
    }
}
