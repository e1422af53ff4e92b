using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Features.UseCases;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Actors;

public sealed partial class ActorPage
{
    private ActorDetails? actor;
    private OrganizationStanding? standing;
    private List<BreadcrumbItem> breadcrumbs = [];
    private bool loading = true;
    private bool busy;
    private bool canAct;
    private bool canMarkHighProfile;
    private StaffUser? user;
    private Panel panel;
    private int timelineShown = 50;
    private string strikeCategory = "";
    private string strikeClause = "";
    private string strikeNote = "";

    private enum Panel
    {
        None,
        Act,
        Notice,
        Appeal,
        Strike,
    }

    [Inject]
    private ActorService Actors { get; set; } = default!;

    [Inject]
    private StrikeService Strikes { get; set; } = default!;

    [Inject]
    private UseCaseMonitorService UseCases { get; set; } = default!;

    private IReadOnlyList<ResearchCreditAccount> credits = [];

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Parameter]
    public long Id { get; set; }

    private ActorKind Kind
    {
        get
        {
            var path = Navigation.ToBaseRelativePath(Navigation.Uri);
            return path.StartsWith("actors/org/", StringComparison.OrdinalIgnoreCase) ? ActorKind.Organization
                : path.StartsWith("actors/app/", StringComparison.OrdinalIgnoreCase) ? ActorKind.Application
                : ActorKind.ApiKey;
        }
    }

    private EnforcementTargetType TargetType => Kind switch
    {
        ActorKind.Organization => EnforcementTargetType.Organization,
        ActorKind.Application => EnforcementTargetType.Application,
        _ => EnforcementTargetType.ApiKey,
    };

    private string KindLabel => Kind switch
    {
        ActorKind.Organization => "organization",
        ActorKind.Application => "application",
        _ => "API key",
    };

    private string KindIcon => Kind switch
    {
        ActorKind.Organization => Icons.Material.Filled.Business,
        ActorKind.Application => Icons.Material.Filled.Apps,
        _ => Icons.Material.Filled.Key,
    };

    protected override async Task OnInitializedAsync()
    {
        var principal = (await AuthenticationState).User;
        user = StaffUser.From(principal);
        canAct = EnforcementOutboxService.RequesterRoles.Any(principal.IsInRole);
        canMarkHighProfile = principal.IsInRole(Roles.Lead) || principal.IsInRole(Roles.Admin);
    }

    protected override async Task OnParametersSetAsync()
    {
        panel = Panel.None;
        timelineShown = 50;

        // The actor is read once, when the circuit starts, not also for the prerendered HTML that the
        // interactive render replaces at once (the prerender shows a progress bar): the busiest
        // organization's page is one read of its sanctions, timeline, standing and credits, not two.
        if (RendererInfo.IsInteractive)
        {
            await ReloadAsync();
        }
    }

    private async Task ReloadAsync()
    {
        loading = actor is null;
        actor = await Actors.GetAsync(Kind, Id, CancellationToken.None);
        standing = actor is not null && Kind == ActorKind.Organization ? await Strikes.StandingAsync(actor.OrganizationId, CancellationToken.None) : null;
        credits = actor is null ? []
            : Kind == ActorKind.Organization ? await UseCases.CreditsForOrganizationAsync(actor.OrganizationId, CancellationToken.None)
            : actor.ApplicationId is { } app ? await UseCases.CreditsForApplicationAsync(app, CancellationToken.None)
            : [];
        breadcrumbs = actor is null ? [] : Crumbs(actor);
        loading = false;
    }

    private List<BreadcrumbItem> Crumbs(ActorDetails details)
    {
        var items = new List<BreadcrumbItem> { new("Actors", "/actors") };
        items.Add(new(details.OrganizationName, $"/actors/org/{details.OrganizationId}", disabled: Kind == ActorKind.Organization));
        if (Kind != ActorKind.Organization && details.ApplicationId is { } app)
        {
            items.Add(new(details.ApplicationName ?? "Application", $"/actors/app/{app}", disabled: Kind == ActorKind.Application));
        }

        if (Kind == ActorKind.ApiKey)
        {
            items.Add(new(details.Name, null, disabled: true));
        }

        return items;
    }

    private void Open(Panel which) => panel = panel == which ? Panel.None : which;

    private void Close() => panel = Panel.None;

    private static string Limit(int? value) => value is { } v ? v.ToString("N0", System.Globalization.CultureInfo.CurrentCulture) : "∞";

    private static Color ColorOf(string kind) => kind switch
    {
        "Flag" => Color.Warning,
        "Decision" => Color.Info,
        "Enforcement" => Color.Error,
        "Strike" => Color.Secondary,
        "Appeal" => Color.Success,
        "Use case" => Color.Primary,
        "Incident" => Color.Dark,
        _ => Color.Default,
    };

    private Task SetHighProfileAsync(bool value) => RunAsync(() => Actors.SetHighProfileAsync(actor!.OrganizationId, value, user!, CancellationToken.None));

    private Task ConfirmProposalAsync(long id) => RunAsync(() => Strikes.ConfirmProposalAsync(id, user!, CancellationToken.None));

    private Task DismissProposalAsync(long id) => RunAsync(() => Strikes.DismissProposalAsync(id, "Dismissed on the actor page", user!, CancellationToken.None));

    private async Task AddStrikeAsync()
    {
        await RunAsync(() => Strikes.AddManualAsync(actor!.OrganizationId, strikeCategory, string.IsNullOrWhiteSpace(strikeClause) ? null : strikeClause.Trim(), strikeNote, user!, CancellationToken.None));
        (strikeCategory, strikeClause, strikeNote) = ("", "", "");
        panel = Panel.None;
    }

    // One change at a time; repeated clicks while one runs are ignored.
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
            Snackbar.Add(result.Message, result.Succeeded ? Severity.Success : Severity.Error);
            await ReloadAsync();
        }
        finally
        {
            busy = false;
        }
    }

    /// <summary>" (N)" for a complete list, " (newest 50 of N)" when the page lists only the newest.</summary>
    private static string CountSuffix(int shown, int total) =>
        total == 0 ? "" : shown == total
            ? string.Create(CultureInfo.InvariantCulture, $" ({total:N0})")
            : string.Create(CultureInfo.InvariantCulture, $" (newest {shown:N0} of {total:N0})");
}
