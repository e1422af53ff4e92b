using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using MudBlazor;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Actors;

/// <summary>The "act on this actor" form: pick a kind, its parameters, a reason; see what it affects; request it.</summary>
public sealed partial class ActOnActorPanel
{
    private EnforcementKind kind;
    private int? rpm = 60;
    private int? tpm = 20_000;
    private long? quota;
    private string models = "";
    private int durationHours;
    private string policyClause = "";
    private string note = "";
    private bool busy;
    private EnforcementPreview? preview;

    [Inject]
    private EnforcementOutboxService Outbox { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    [Parameter, EditorRequired]
    public EnforcementTargetType TargetType { get; set; }

    [Parameter, EditorRequired]
    public long TargetId { get; set; }

    [Parameter, EditorRequired]
    public StaffUser User { get; set; } = default!;

    [Parameter]
    public EventCallback OnClose { get; set; }

    /// <summary>Raised after a successful request, so the page reloads its timeline.</summary>
    [Parameter]
    public EventCallback OnRequested { get; set; }

    private string TargetName => TargetType switch
    {
        EnforcementTargetType.Organization => "organization",
        EnforcementTargetType.Application => "application",
        _ => "key",
    };

    private bool NeedsApproval => preview?.Radius.NeedsApproval == true;

    private bool notify = true;
    private string optOutReason = "";

    protected override async Task OnParametersSetAsync()
    {
        var kinds = EnforcementStateMachine.KindsFor(TargetType);
        if (!kinds.Contains(kind))
        {
            kind = kinds[0];
        }

        preview = await Outbox.PreviewAsync(kind, TargetType, [TargetId], CancellationToken.None);
    }

    private async Task KindChangedAsync(EnforcementKind value)
    {
        kind = value;
        preview = await Outbox.PreviewAsync(kind, TargetType, [TargetId], CancellationToken.None);
    }

    private EnforcementRequest Request()
    {
        EnforcementParameters? parameters = kind switch
        {
            EnforcementKind.SetRateLimit => new RateLimitParameters(rpm, tpm),
            EnforcementKind.SetQuota => new QuotaParameters(quota),
            EnforcementKind.RestrictModelAccess => new ModelAccessParameters(
                string.IsNullOrWhiteSpace(models) ? null : models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
            _ => null,
        };
        DateTimeOffset? expires = durationHours > 0 && EnforcementStateMachine.IsSanction(kind) ? Clock.GetUtcNow().AddHours(durationHours) : null;
        return EnforcementRequest.With(kind, TargetType, [TargetId], EnforcementReason.Manual, null,
            string.IsNullOrWhiteSpace(policyClause) ? null : policyClause.Trim(), note.Trim(), parameters, expires) with
        {
            NoticeOptOutReason = notify || !(EnforcementStateMachine.IsSanction(kind) || kind == EnforcementKind.Warn) ? null : optOutReason,
        };
    }

    // Guarded against double submits: one request at a time, the button disabled meanwhile.
    private async Task SubmitAsync()
    {
        if (busy)
        {
            return;
        }

        busy = true;
        try
        {
            EnforcementRequest request;
            try
            {
                request = Request();
            }
            catch (ArgumentException e)
            {
                Snackbar.Add(e.Message.Split(" (Parameter", StringSplitOptions.None)[0], Severity.Error);
                return;
            }

            var result = await Outbox.RequestAsync(request, User, CancellationToken.None);
            Snackbar.Add(result.Message, result.Succeeded ? Severity.Success : Severity.Error);
            if (result.Succeeded)
            {
                note = "";
                await OnRequested.InvokeAsync();
            }
        }
        finally
        {
            busy = false;
        }
    }
}
