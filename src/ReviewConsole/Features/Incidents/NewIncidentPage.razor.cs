using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Incidents;

public partial class NewIncidentPage
{
    private readonly IncidentForm form = new();
    private IncidentPrefill? prefill;
    private string? error;
    private bool busy;
    private bool canEdit;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>One flag id or several, comma-separated.</summary>
    [SupplyParameterFromQuery(Name = "flagId")]
    public string? FlagId { get; set; }

    [SupplyParameterFromQuery(Name = "clusterId")]
    public long? ClusterId { get; set; }

    [SupplyParameterFromQuery(Name = "orgId")]
    public long? OrgId { get; set; }

    [SupplyParameterFromQuery(Name = "appId")]
    public long? AppId { get; set; }

    [SupplyParameterFromQuery(Name = "keyId")]
    public long? KeyId { get; set; }

    /// <summary>One enforcement action id or several, comma-separated.</summary>
    [SupplyParameterFromQuery(Name = "actionId")]
    public string? ActionId { get; set; }

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        canEdit = IncidentService.CanEdit(user.IsInRole);
        if (!canEdit)
        {
            return;
        }

        prefill = await Incidents.PrefillAsync(Ids(FlagId), ClusterId, OrgId, AppId, KeyId, Ids(ActionId), CancellationToken.None);
        form.Title = prefill.SuggestedTitle;
        if (prefill.SuggestedMisuseType is { } type)
        {
            form.MisuseType = type;
        }

        if (prefill.FlagIds.Count > 0)
        {
            form.DetectionSource = DetectionSource.Reviewer;
            form.Generations = prefill.FlagIds.Count;
            form.Organizations = prefill.OrganizationId is null ? 0 : 1;
        }
    }

    private async Task SubmitAsync()
    {
        if (busy || prefill is null)
        {
            return;
        }

        busy = true;
        error = null;
        try
        {
            if (!UtcInput.TryParse(form.AbuseStarted, "Abuse started", out var started, out error)
                || !UtcInput.TryParse(form.Detected, "Detected", out var detected, out error)
                || !UtcInput.TryParse(form.Acknowledged, "Acknowledged", out var acknowledged, out error)
                || !UtcInput.TryParse(form.Mitigated, "Mitigated", out var mitigated, out error)
                || !UtcInput.TryParse(form.Resolved, "Resolved", out var resolved, out error))
            {
                return;
            }

            var by = StaffUser.From((await AuthenticationState).User);
            var id = await Incidents.OpenAsync(new OpenIncidentRequest
            {
                Title = form.Title ?? "",
                Summary = form.Summary ?? "",
                MisuseType = form.MisuseType,
                Severity = form.Severity,
                HarmLevel = form.HarmLevel,
                Reversibility = form.Reversibility,
                DetectionSource = form.DetectionSource,
                GenerationsAffected = form.Generations,
                EndUsersAffected = form.EndUsers,
                OrganizationsAffected = form.Organizations,
                AbuseStartedAt = started,
                DetectedAt = detected,
                AcknowledgedAt = acknowledged,
                MitigatedAt = mitigated,
                ResolvedAt = resolved,
                FlagIds = prefill.FlagIds,
                ClusterId = prefill.ClusterId,
                OrganizationId = prefill.OrganizationId,
                ApplicationId = prefill.ApplicationId,
                ApiKeyId = prefill.ApiKeyId,
                EnforcementActionIds = prefill.EnforcementActionIds,
            }, by, CancellationToken.None);
            Navigation.NavigateTo($"/incidents/{id}");
        }
        catch (Exception ex) when (ex is IncidentRuleException or UnauthorizedAccessException)
        {
            error = ex.Message;
        }
        finally
        {
            busy = false;
        }
    }

    private static List<long> Ids(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s, CultureInfo.InvariantCulture, out var id) ? id : 0)
            .Where(id => id > 0).Distinct().ToList();

    private sealed class IncidentForm
    {
        public string? Title { get; set; }

        public string? Summary { get; set; }

        public MisuseType MisuseType { get; set; } = MisuseType.Other;

        public Severity Severity { get; set; } = Severity.Sev3;

        public HarmLevel HarmLevel { get; set; } = HarmLevel.Event;

        public Reversibility Reversibility { get; set; } = Reversibility.Unknown;

        public DetectionSource DetectionSource { get; set; } = DetectionSource.Reviewer;

        public long Generations { get; set; }

        public long EndUsers { get; set; }

        public int Organizations { get; set; }

        public string? AbuseStarted { get; set; }

        public string? Detected { get; set; }

        public string? Acknowledged { get; set; }

        public string? Mitigated { get; set; }

        public string? Resolved { get; set; }
    }
}
