using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Incidents;

public partial class IncidentDetailPage
{
    private IncidentDetails? details;
    private bool notFound;
    private bool canEdit;
    private bool isLead;
    private bool busy;
    private int tab;
    private string? note;
    private string? transitionAt;
    private string? transitionNote;
    private string? reopenReason;

    /// <summary>Closed incidents are read-only until reopened (action items excepted).</summary>
    private bool Editable => canEdit && details?.Incident.Status != IncidentStatus.Closed;

    [Parameter]
    public long Id { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        var user = (await AuthenticationState).User;
        canEdit = IncidentService.CanEdit(user.IsInRole);
        isLead = user.IsInRole(Roles.Lead);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        details = await Incidents.GetAsync(Id, CancellationToken.None);
        notFound = details is null;
    }

    private Task TransitionAsync(IncidentStatus next) => RunAsync(async by =>
    {
        if (!UtcInput.TryParse(transitionAt, "When", out var at, out var error))
        {
            throw new IncidentRuleException(error!);
        }

        await Incidents.TransitionAsync(Id, next, at, transitionNote, by, CancellationToken.None);
        transitionAt = null;
        transitionNote = null;
    }, $"Incident {next.ToString().ToLowerInvariant()}.");

    private Task ReopenAsync() => RunAsync(async by =>
    {
        await Incidents.ReopenAsync(Id, reopenReason ?? "", by, CancellationToken.None);
        reopenReason = null;
    }, "Incident reopened.");

    private Task AddNoteAsync() => RunAsync(async by =>
    {
        await Incidents.AddNoteAsync(Id, note ?? "", by, CancellationToken.None);
        note = null;
    }, "Note added.");

    /// <summary>Runs one change with a double-submit guard, shows refusals as messages, and reloads.</summary>
    private async Task RunAsync(Func<StaffUser, Task> change, string done)
    {
        if (busy)
        {
            return;
        }

        busy = true;
        try
        {
            await change(StaffUser.From((await AuthenticationState).User));
            Snackbar.Add(done, MudBlazor.Severity.Success);
            await LoadAsync();
        }
        catch (Exception ex) when (ex is IncidentRuleException or UnauthorizedAccessException)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Error);
        }
        finally
        {
            busy = false;
        }
    }

    private static string Show(DateTimeOffset? at) => at is { } value ? IncidentRules.Format(value) : "—";

    private static string VerbOf(IncidentStatus next) => next switch
    {
        IncidentStatus.Acknowledged => "Acknowledge",
        IncidentStatus.Mitigated => "Mark mitigated",
        IncidentStatus.Resolved => "Resolve",
        IncidentStatus.Closed => "Close",
        _ => next.ToString(),
    };

    internal static string KindLabel(TimelineEntryKind kind) => kind switch
    {
        TimelineEntryKind.StatusChange => "Status",
        TimelineEntryKind.RoleChange => "Roles",
        TimelineEntryKind.FlagLinked => "Flag",
        TimelineEntryKind.ClusterLinked => "Cluster",
        TimelineEntryKind.ActorLinked => "Actor",
        TimelineEntryKind.EnforcementRequested => "Enforcement",
        TimelineEntryKind.EnforcementOutcome => "Enforcement outcome",
        TimelineEntryKind.ActionItem => "Action item",
        _ => kind.ToString(),
    };
}
