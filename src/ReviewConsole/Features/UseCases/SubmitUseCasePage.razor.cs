using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.UseCases;

/// <summary>Staff submit (or resubmit) a use case on a developer's behalf, through the same
/// validation as the intake API; errors show on their fields and nothing is saved until all pass.</summary>
public sealed partial class SubmitUseCasePage
{
    private UseCaseSubmissionRequest request = Empty();
    private ContactRequest contact = new();
    private ResearchRequest research = new();
    private HashSet<Safeguards> safeguards = [];
    private string? models;
    private bool minors;
    private bool published;
    private bool humanFirst;
    private IReadOnlyList<GuidelineSummary> categories = [];
    private ValidationErrors errors = new();
    private StaffUser? me;
    private bool canSubmit;
    private bool loading = true;
    private bool busy;
    private string? loadError;

    [SupplyParameterFromQuery(Name = "resubmit")]
    public long? ResubmitId { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject]
    private UseCaseIntakeService Intake { get; set; } = default!;

    [Inject]
    private UseCaseReviewService Review { get; set; } = default!;

    [Inject]
    private GuidelineService Guidelines { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    private string? ModelsError => errors.For("models") ?? string.Join(" ", errors.Fields.Where(f => f.StartsWith("models[", StringComparison.Ordinal)).Select(errors.For));

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        me = StaffUser.From(user);
        canSubmit = UseCaseAccess.CanDecide(user);
        categories = await Guidelines.ListAsync(false, CancellationToken.None);
        if (ResubmitId is { } id)
        {
            var details = await Review.GetAsync(id, CancellationToken.None);
            if (details is null)
            {
                loadError = $"Use case {id} does not exist.";
            }
            else if (details.State != SubmissionState.ChangesRequested)
            {
                loadError = $"Use case {id} is '{UseCaseStateMachine.Describe(details.State)}'; only a use case with changes requested can be resubmitted.";
            }
            else
            {
                Load(UseCaseRequestValidator.ToRequest(details.Content));
            }
        }

        loading = false;
    }

    private void Load(UseCaseSubmissionRequest from)
    {
        request = from;
        request.ResponseNote = "";
        contact = from.Contact ?? new();
        research = from.Research ?? new();
        safeguards = (from.Safeguards ?? []).Select(SafeguardCatalog.FromCode).OfType<Safeguards>().ToHashSet();
        models = string.Join(", ", from.Models ?? []);
        minors = from.MinorsPossible ?? false;
        published = from.OutputsPublishedAutomatically ?? false;
        humanFirst = from.HumanReviewsOutputsFirst ?? false;
    }

    private static UseCaseSubmissionRequest Empty() => new()
    {
        Kind = "application",
        Samples = [new SampleRequest()],
    };

    private bool Has(string field) => errors.For(field) is not null;

    private void Toggle(Safeguards safeguard, bool on)
    {
        if (on)
        {
            safeguards.Add(safeguard);
        }
        else
        {
            safeguards.Remove(safeguard);
        }
    }

    private void AddSample() => request.Samples!.Add(new SampleRequest());

    private async Task SubmitAsync()
    {
        if (busy || me is null)
        {
            return;
        }

        busy = true;
        try
        {
            request.Contact = contact;
            request.Research = request.Kind == "research_access" ? research : null;
            request.Safeguards = safeguards.Select(SafeguardCatalog.Code).ToList();
            request.Models = (models ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            request.MinorsPossible = minors;
            request.OutputsPublishedAutomatically = published;
            request.HumanReviewsOutputsFirst = humanFirst;
            var result = ResubmitId is { } id
                ? await Intake.ResubmitAsync(id, request, Submitter.Staff(me), CancellationToken.None)
                : await Intake.SubmitAsync(request, Submitter.Staff(me), CancellationToken.None);
            errors = result.Errors;
            if (result.Succeeded)
            {
                Snackbar.Add(result.Message, Severity.Success);
                Navigation.NavigateTo($"/use-cases/{result.SubmissionId}");
            }
            else if (errors.IsEmpty)
            {
                Snackbar.Add(result.Message, Severity.Error);
            }
        }
        finally
        {
            busy = false;
        }
    }
}
