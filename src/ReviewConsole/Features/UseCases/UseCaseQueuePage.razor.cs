using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.UseCases;

public sealed partial class UseCaseQueuePage
{
    [Inject]
    private UseCaseReviewService Review { get; set; } = default!;

    [Inject]
    private GuidelineService Guidelines { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    private IReadOnlyList<UseCaseQueueRow>? rows;
    private IReadOnlyList<GuidelineSummary> categories = [];
    private UseCaseQueueCounts? counts;
    private string view = "open";
    private string? search;
    private SubmissionKind? kind;
    private int? categoryId;
    private RiskLevel? risk;
    private QueueReason? reason;
    private bool overdueOnly;
    private bool unclaimedOnly;
    private bool canDecide;
    private bool isAdmin;
    private bool busy;
    private StaffUser? me;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        me = StaffUser.From(user);
        canDecide = UseCaseAccess.CanDecide(user);
        isAdmin = user.IsInRole(Roles.Admin);
        categories = await Guidelines.ListAsync(true, CancellationToken.None);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        SubmissionState? state = Enum.TryParse<SubmissionState>(view, out var s) ? s : null;
        var filter = new UseCaseQueueFilter(view == "open", state, kind, categoryId, risk, reason, overdueOnly, unclaimedOnly, search);
        rows = await Review.QueueAsync(filter, CancellationToken.None);
        counts = await Review.CountsAsync(CancellationToken.None);
    }

    private Task SearchChanged(string? value)
    {
        search = value;
        return LoadAsync();
    }

    private Task ViewChanged(string value)
    {
        view = value;
        return LoadAsync();
    }

    private Task KindChanged(SubmissionKind? value)
    {
        kind = value;
        return LoadAsync();
    }

    private Task CategoryChanged(int? value)
    {
        categoryId = value;
        return LoadAsync();
    }

    private Task RiskChanged(RiskLevel? value)
    {
        risk = value;
        return LoadAsync();
    }

    private Task ReasonChanged(QueueReason? value)
    {
        reason = value;
        return LoadAsync();
    }

    private Task OverdueChanged(bool value)
    {
        overdueOnly = value;
        return LoadAsync();
    }

    private Task UnclaimedChanged(bool value)
    {
        unclaimedOnly = value;
        return LoadAsync();
    }

    private void Open(UseCaseQueueRow? row)
    {
        if (row is not null)
        {
            Navigation.NavigateTo($"/use-cases/{row.Id}");
        }
    }

    private async Task NextAsync()
    {
        if (busy || me is null)
        {
            return;
        }

        busy = true;
        try
        {
            var claim = await Review.NextAsync(me, CancellationToken.None);
            if (claim.SubmissionId is { } id)
            {
                Navigation.NavigateTo($"/use-cases/{id}");
                return;
            }

            Snackbar.Add(claim.Message, Severity.Info);
            await LoadAsync();
        }
        finally
        {
            busy = false;
        }
    }
}
