using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Enforcement;

public sealed partial class EnforcementPage
{
    private const int ProposalsTab = 4;

    private static readonly EnforcementState[][] TabStates =
    [
        [EnforcementState.PendingApproval],
        [EnforcementState.Pending, EnforcementState.InProgress, EnforcementState.Retrying],
        [EnforcementState.DeadLettered],
        [EnforcementState.Succeeded, EnforcementState.Cancelled],
    ];

    private IReadOnlyList<EnforcementListItem>? actions;
    private IReadOnlyList<ProposalSummary> proposals = [];
    private OutboxCounts? counts;
    private EnforcementPreview? preview;
    private long? expanded;
    private int activeTab;
    private bool busy;
    private bool isLead;
    private bool isAdmin;
    private bool canRequest;
    private StaffUser? user;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>Opens the tab holding this action, expanded (links from actor pages and the audit log).</summary>
    [SupplyParameterFromQuery(Name = "action")]
    public long? FocusActionId { get; set; }

    private int tab
    {
        get => activeTab;
        set
        {
            if (activeTab != value)
            {
                activeTab = value;
                expanded = null;
                _ = InvokeAsync(LoadAsync);
            }
        }
    }

    private string EmptyText => activeTab switch
    {
        0 => "Nothing waits for approval.",
        1 => "The queue is empty: every requested action has run.",
        2 => "No dead letters.",
        _ => "No completed actions yet.",
    };

    protected override async Task OnInitializedAsync()
    {
        var principal = (await AuthenticationState).User;
        user = StaffUser.From(principal);
        isLead = principal.IsInRole(Roles.Lead);
        isAdmin = principal.IsInRole(Roles.Admin);
        canRequest = EnforcementOutboxService.RequesterRoles.Any(principal.IsInRole);
        if (FocusActionId is { } focus && await Outbox.GetAsync(focus, CancellationToken.None) is { } item)
        {
            activeTab = Array.FindIndex(TabStates, states => states.Contains(item.State));
            expanded = item.Id;
            preview = await Outbox.PreviewAsync(item.Id, CancellationToken.None);
        }

        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        counts = await Outbox.CountsAsync(CancellationToken.None);
        proposals = await Strikes.OpenProposalsAsync(CancellationToken.None);
        if (activeTab < TabStates.Length)
        {
            actions = await Outbox.ListAsync(new EnforcementFilter(TabStates[activeTab]), CancellationToken.None);
        }

        StateHasChanged();
    }

    private async Task ToggleAsync(EnforcementListItem item)
    {
        if (expanded == item.Id)
        {
            expanded = null;
            return;
        }

        expanded = item.Id;
        preview = null;
        preview = await Outbox.PreviewAsync(item.Id, CancellationToken.None);
    }

    private bool CanCancel(EnforcementListItem item) =>
        EnforcementStateMachine.CanMove(item.State, EnforcementState.Cancelled) && (isLead || isAdmin || item.RequestedBy == user?.Name);

    private static string ActorHref(EnforcementListItem item) => item.TargetType switch
    {
        EnforcementTargetType.Organization => $"/actors/org/{item.TargetId}",
        EnforcementTargetType.Application => $"/actors/app/{item.TargetId}",
        _ => $"/actors/key/{item.TargetId}",
    };

    private Task DismissAsync(long proposalId) =>
        RunAsync(() => Strikes.DismissProposalAsync(proposalId, "Dismissed from the outbox", user!, CancellationToken.None));

    private static string Describe(EnforcementKind kind) => NoticeService.Describe(kind, null);

    // One operation at a time: a double click or a second button while the first runs is ignored.
    private async Task RunAsync(Func<Task<ServiceResult>> operation)
    {
        if (busy)
        {
            return;
        }

        busy = true;
        try
        {
            var result = await operation();
            Snackbar.Add(result.Message, result.Succeeded ? MudBlazor.Severity.Success : MudBlazor.Severity.Error);
            expanded = null;
            await LoadAsync();
        }
        finally
        {
            busy = false;
        }
    }
}
