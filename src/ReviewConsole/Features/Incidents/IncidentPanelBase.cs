using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Incidents;

/// <summary>What the incident page's panels share: the incident, whether the user may change it,
/// and one guarded way to run a change (double submits ignored, refusals shown, page reloaded).</summary>
public abstract class IncidentPanelBase : ComponentBase
{
    [Parameter, EditorRequired]
    public IncidentDetails Details { get; set; } = default!;

    [Parameter]
    public bool CanEdit { get; set; }

    [Parameter]
    public EventCallback OnChanged { get; set; }

    [CascadingParameter]
    protected Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject]
    protected IncidentService Incidents { get; set; } = default!;

    [Inject]
    protected ISnackbar Snackbar { get; set; } = default!;

    protected bool Busy { get; private set; }

    protected long IncidentId => Details.Incident.Id;

    protected async Task<bool> RunAsync(Func<StaffUser, Task> change, string done)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (Busy)
        {
            return false;
        }

        Busy = true;
        try
        {
            await change(StaffUser.From((await AuthenticationState).User));
            Snackbar.Add(done, MudBlazor.Severity.Success);
            await OnChanged.InvokeAsync();
            return true;
        }
        catch (Exception ex) when (ex is IncidentRuleException or UnauthorizedAccessException)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Error);
            return false;
        }
        finally
        {
            Busy = false;
        }
    }
}
