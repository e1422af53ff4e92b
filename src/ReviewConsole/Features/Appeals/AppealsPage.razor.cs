using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using ReviewConsole.Data.Appeals;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Appeals;

public sealed partial class AppealsPage
{
    private static readonly string[] DeciderRoles = [Roles.Reviewer, Roles.IncidentResponder, Roles.Lead, Roles.Admin];

    private IReadOnlyList<AppealSummary>? appeals;
    private string filter = "open";
    private int openCount;
    private long? expanded;
    private string note = "";
    private bool busy;
    private bool canDecide;
    private StaffUser? user;

    [Inject]
    private AppealService Appeals { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "appeal")]
    public long? FocusAppealId { get; set; }

    private string Filter
    {
        get => filter;
        set
        {
            if (value is not null && value != filter)
            {
                filter = value;
                _ = InvokeAsync(LoadAsync);
            }
        }
    }

    protected override async Task OnInitializedAsync()
    {
        var principal = (await AuthenticationState).User;
        user = StaffUser.From(principal);
        canDecide = DeciderRoles.Any(principal.IsInRole);
        if (FocusAppealId is { } focus)
        {
            filter = "all";
            expanded = focus;
        }

        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        IReadOnlyCollection<AppealState>? states = filter switch
        {
            "open" => [AppealState.Open],
            "decided" => [AppealState.Upheld, AppealState.Overturned],
            _ => null,
        };
        appeals = await Appeals.QueueAsync(states, null, CancellationToken.None);
        openCount = filter == "open" ? appeals.Count : (await Appeals.QueueAsync([AppealState.Open], null, CancellationToken.None)).Count;
        StateHasChanged();
    }

    private void Toggle(long id)
    {
        expanded = expanded == id ? null : id;
        note = "";
    }

    private Color SlaColor(AppealSummary appeal)
    {
        var left = appeal.DueAt - Clock.GetUtcNow();
        return left < TimeSpan.Zero ? Color.Error : left < TimeSpan.FromHours(12) ? Color.Warning : Color.Default;
    }

    private string SlaText(AppealSummary appeal)
    {
        var left = appeal.DueAt - Clock.GetUtcNow();
        return left < TimeSpan.Zero ? $"Overdue {Humanize(-left)}" : $"Due in {Humanize(left)}";
    }

    private static string Humanize(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{(int)span.TotalDays} d {span.Hours} h" : span.TotalHours >= 1 ? $"{(int)span.TotalHours} h" : $"{Math.Max(1, (int)span.TotalMinutes)} min";

    // Guarded against double submits: the buttons are disabled while busy and a second call is ignored.
    private async Task DecideAsync(AppealSummary appeal, bool overturn)
    {
        if (busy)
        {
            return;
        }

        busy = true;
        try
        {
            var result = await Appeals.DecideAsync(appeal.Id, overturn, note, user!, CancellationToken.None);
            Snackbar.Add(result.Message, result.Succeeded ? Severity.Success : Severity.Error);
            if (result.Succeeded)
            {
                expanded = null;
                note = "";
            }

            await LoadAsync();
        }
        finally
        {
            busy = false;
        }
    }
}
