using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using MudBlazor;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.UseCases;

public sealed partial class UseCaseSubmissionPage
{
    private readonly CancellationTokenSource cts = new();
    private SubmissionDetails? details;
    private StaffUser? me;
    private bool canDecide;
    private bool loading = true;
    private bool busy;
    private int leaseMinutes;

    [Parameter]
    public long Id { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject]
    private UseCaseReviewService Review { get; set; } = default!;

    [Inject]
    private IOptions<UseCasesOptions> Options { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    private bool HeldByMe => details?.Lease is { } lease && me is not null && lease.Owner == me.Id;

    protected override async Task OnParametersSetAsync()
    {
        var user = (await AuthenticationState).User;
        me = StaffUser.From(user);
        canDecide = UseCaseAccess.CanDecide(user);
        leaseMinutes = Options.Value.LeaseMinutes;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        details = await Review.GetAsync(Id, me, cts.Token);
        loading = false;
    }

    private static string StateExplanation(SubmissionDetails d) => d.State switch
    {
        SubmissionState.ChangesRequested => "Waiting for the developer to answer the questions and resubmit.",
        SubmissionState.Approved => "Approved and live. It returns to the queue on drift.",
        SubmissionState.ApprovedWithConditions => d.ReReviewAt is { } at
            ? $"Approved with conditions; re-review on {at:yyyy-MM-dd}."
            : "Approved with conditions. It returns to the queue on drift or a staged-access step.",
        SubmissionState.Rejected => "Rejected. The decision is final; the developer can submit a new use case.",
        _ => "",
    };

    private Task ClaimAsync() => RunAsync(async () =>
    {
        var result = await Review.ClaimAsync(Id, me!, cts.Token);
        Snackbar.Add(result.Message, result.Succeeded ? Severity.Success : Severity.Warning);
    });

    private Task RenewAsync() => RunAsync(async () =>
    {
        var renewed = await Review.RenewAsync(Id, me!, cts.Token);
        Snackbar.Add(renewed ? $"Claim renewed for {leaseMinutes} minutes." : "Your claim had expired; claim it again.", renewed ? Severity.Success : Severity.Warning);
    });

    private Task ReleaseAsync() => RunAsync(async () =>
    {
        await Review.ReleaseAsync(Id, me!, cts.Token);
        Snackbar.Add("Released: others can pick it up.", Severity.Info);
    });

    private async Task DecidedAsync(DecisionResult result)
    {
        Snackbar.Add(result.Message, result.Succeeded ? Severity.Success : Severity.Error);
        await LoadAsync();
    }

    // One operation at a time; the page reloads after each so it always shows the database's state.
    private async Task RunAsync(Func<Task> operation)
    {
        if (busy)
        {
            return;
        }

        busy = true;
        try
        {
            await operation();
            await LoadAsync();
        }
        finally
        {
            busy = false;
        }
    }

    public void Dispose()
    {
        cts.Cancel();
        cts.Dispose();
    }
}
