using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using MudBlazor;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Wellness;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Flags.Triage;

/// <summary>The triage view: read the flag, decide it, move on — all of it by keyboard too.</summary>
public sealed partial class FlagTriagePage
{
    private readonly CancellationTokenSource cts = new();
    private readonly HashSet<string> confirmed = new(StringComparer.Ordinal);
    private KeyboardShortcutBinding<FlagTriagePage>? keyboard;
    private StaffUser user = StaffUser.System;
    private TriageRights rights = TriageRights.ReadOnly;
    private WellnessSettings settings = WellnessSettings.Default;
    private IReadOnlyList<ReviewerOption> reviewers = [];
    private FlagDetails? details;

    // The flag on screen. Next loads the claimed flag into this page and then updates the address,
    // so when the router hands the page the new Id it is already loaded: no round trip through the
    // browser's location change before the reviewer sees the next flag.
    private long loadedId;

    // The flag this page's own Next just claimed: the claim's transaction already counted its
    // exposure (and refused it past the cap), so opening it does not count it a second time.
    private long claimedByNext;
    private bool notFound;
    private string? withheldBy;
    private bool revealed;
    private bool busy;
    private bool showHelp;
    private bool breakDue;
    private TimeSpan continuous;
    private string? message;
    private Severity messageSeverity = Severity.Info;
    private string? validation;
    private Verdict? verdict;
    private DecisionAction action;
    private string clause = "";
    private string reason = "";
    private bool withholdNotice;
    private string withholdReason = "";
    private ClusterPreview? clusterPreview;
    private List<(string Key, string Name, bool Flagged)> categoryChoices = [];
    private MudTextField<string>? reasonField;

    // Counts loads: the reason field is keyed by it, so every load starts with an empty field.
    private int loads;
    private readonly EventCallback<string> reasonChanged;
    private DateTimeOffset lastRenewal;

    public FlagTriagePage()
    {
        // No receiver: setting the reason does not re-render the page (the field shows what was typed).
        reasonChanged = new EventCallback<string>(null, (Action<string>)(value => reason = value ?? ""));
    }

    [Parameter]
    public long Id { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject]
    private FlagTriageService Triage { get; set; } = default!;

    [Inject]
    private FlagClaimService Claims { get; set; } = default!;

    [Inject]
    private FlagDecisionService Decisions { get; set; } = default!;

    [Inject]
    private WellnessService Wellness { get; set; } = default!;

    [Inject]
    private ReviewSession Session { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    [Inject]
    private IOptions<FlagsTriageOptions> Options { get; set; } = default!;

    private int LeaseMinutes => Options.Value.LeaseMinutes;

    private IReadOnlySet<string> BlurByDefault =>
        details is null ? new HashSet<string>() : details.Policies.Where(p => p.BlurByDefault).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);

    private List<string> SensitiveCategories =>
        details is null ? [] : FlagCategoriesForWellness().Where(BlurByDefault.Contains).ToList();

    private bool Blurred => details is not null && !revealed && settings.ShouldBlur(FlagCategoriesForWellness(), BlurByDefault);

    private bool Grayscale => settings.Grayscale && (SensitiveCategories.Count > 0 || settings.BlurAll);

    /// <summary>Policies for the flag's scored categories and whatever the reviewer confirmed.</summary>
    private IEnumerable<PolicyView> RelevantPolicies =>
        details is null ? [] : details.Policies.Where(p => confirmed.Contains(p.Key) || details.Scores.Any(s => s.Category == p.Key && (s.Flagged || s.Score >= 0.2)));

    protected override async Task OnParametersSetAsync()
    {
        if (user == StaffUser.System)
        {
            var principal = (await AuthenticationState).User;
            user = StaffUser.From(principal);
            rights = TriageRights.From(principal);
            settings = await Wellness.GetSettingsAsync(user.Id, cts.Token);
            if (!Session.Restored)
            {
                var (start, last, snoozed) = await Wellness.LoadStretchAsync(user.Id, cts.Token);
                Session.Restore(start, last, snoozed);
            }
            if (rights.CanDecide)
            {
                reviewers = await Triage.AssignableReviewersAsync(cts.Token);
            }
        }

        if (loadedId != Id)
        {
            await LoadAsync(Id);
            UpdateBreakState();
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            keyboard = new KeyboardShortcutBinding<FlagTriagePage>(JS);
            await keyboard.AttachAsync(this, TriageShortcuts.Keys, TriageShortcuts.FocusTargets);
            _ = TickAsync();
        }
    }

    [JSInvokable]
    public async Task OnShortcut(string key)
    {
        Session.RecordActivity(TimeSpan.FromMinutes(Wellness.Options.ContinuousGapMinutes));
        switch (key)
        {
            case "?":
                showHelp = !showHelp;
                break;
            case "Escape":
                showHelp = false;
                break;
            case "n":
                await NextAsync();
                break;
            case "c":
                await ClaimAsync();
                break;
            case "r":
                await RevealAsync();
                break;
            case "v":
                SetVerdict(Verdict.Violation);
                break;
            case "o":
                SetVerdict(Verdict.NoViolation);
                break;
            case "e":
                SetVerdict(Verdict.Escalate);
                break;
            case "a":
                CycleAction(1);
                break;
            case "A":
                CycleAction(-1);
                break;
            case "f":
                if (reasonField is not null)
                {
                    await reasonField.FocusAsync();
                }

                break;
            case "Ctrl+Enter":
                await SubmitAsync();
                break;
            case "s":
                await SkipAsync();
                break;
            case "q":
                Navigation.NavigateTo("/flags");
                break;
            case [var digit] when char.IsAsciiDigit(digit) && digit != '0':
                var index = digit - '1';
                if (index < categoryChoices.Count && CanEditDecision)
                {
                    if (verdict != Verdict.Violation)
                    {
                        SetVerdict(Verdict.Violation);
                        confirmed.Clear();
                    }

                    ToggleCategory(categoryChoices[index].Key);
                }

                break;
        }

        UpdateBreakState();
        // Render first: the stretch save is a write the reviewer need not wait for.
        StateHasChanged();
        await SaveStretchAsync();
    }

    /// <summary>Keeps the break reminder's stretch in the database (throttled), so it survives a reload.</summary>
    private async Task SaveStretchAsync()
    {
        if (RendererInfo.IsInteractive && user != StaffUser.System && Session.ToSave() is { } stretch)
        {
            await Wellness.SaveStretchAsync(user.Id, stretch.Start, stretch.Last, stretch.Snoozed, cts.Token);
        }
    }

    private bool CanEditDecision => details is { Lease.HeldByMe: true } && details.Status != FlagStatus.Decided && rights.CanDecide;

    private async Task LoadAsync(long id)
    {
        details = await Triage.GetAsync(id, user, cts.Token);
        loadedId = id;
        withheldBy = null;
        var counted = claimedByNext == id;
        claimedByNext = 0;
        if (details is not null && RendererInfo.IsInteractive && !counted)
        {
            // Opening counts against today's exposure cap (once per open, not per prerender); past
            // the cap the content is withheld. The open itself is audited by FlagContentView, where
            // the text is rendered.
            withheldBy = await Triage.CountOpenExposureAsync(details.Id, user, cts.Token);
        }

        // Opening a flag counts as reviewing, whether it came by keyboard or by mouse.
        Session.RecordActivity(TimeSpan.FromMinutes(Wellness.Options.ContinuousGapMinutes));
        notFound = details is null;
        revealed = false;
        verdict = null;
        action = DecisionAction.None;
        clause = "";
        reason = "";
        loads++;
        withholdNotice = false;
        withholdReason = "";
        validation = null;
        clusterPreview = null;
        confirmed.Clear();
        lastRenewal = Clock.GetUtcNow();
        categoryChoices = details is null ? [] : CategoryChoices(details);
    }

    /// <summary>Scored categories first (flagged, by score), then every other active category.</summary>
    private static List<(string Key, string Name, bool Flagged)> CategoryChoices(FlagDetails flag)
    {
        var choices = flag.Scores
            .OrderByDescending(s => s.Flagged).ThenByDescending(s => s.Score)
            .Select(s => (s.Category, s.Name, s.Flagged))
            .ToList();
        choices.AddRange(flag.Policies.Where(p => choices.All(c => c.Category != p.Key)).Select(p => (p.Key, p.Name, false)));
        return choices;
    }

    private IEnumerable<string> FlagCategoriesForWellness() =>
        details is null ? [] : details.FlaggedCategories.DefaultIfEmpty(details.Scores.Count > 0 ? details.Scores[0].Category : "").Where(c => c.Length > 0);

    private void SetVerdict(Verdict value)
    {
        if (!CanEditDecision)
        {
            return;
        }

        verdict = value;
        validation = null;
        if (value == Verdict.Violation)
        {
            if (confirmed.Count == 0 && details is not null)
            {
                confirmed.UnionWith(details.FlaggedCategories);
            }

            DefaultClause();
        }
        else
        {
            confirmed.Clear();
            action = DecisionAction.None;
            clause = "";
        }
    }

    private void ToggleCategory(string key)
    {
        if (verdict != Verdict.Violation)
        {
            return;
        }

        if (!confirmed.Remove(key))
        {
            confirmed.Add(key);
        }

        DefaultClause();
    }

    private void DefaultClause()
    {
        if (clause.Length == 0 && details is not null)
        {
            clause = details.Policies.FirstOrDefault(p => confirmed.Contains(p.Key) && p.Clause.Length > 0)?.Clause ?? "";
        }
    }

    private void CycleAction(int step)
    {
        if (verdict != Verdict.Violation || !CanEditDecision)
        {
            return;
        }

        var all = Enum.GetValues<DecisionAction>();
        action = all[(Array.IndexOf(all, action) + step + all.Length) % all.Length];
    }

    private DecideFlagRequest Request() => new(
        verdict ?? Verdict.Violation,
        categoryChoices.Select(c => c.Key).Where(confirmed.Contains).ToList(),
        action,
        clause,
        reason,
        withholdNotice && verdict == Verdict.Violation && DecideFlagRequest.SendsNotice(action) ? withholdReason : null);

    private async Task SubmitAsync()
    {
        if (busy || details is null || !CanEditDecision)
        {
            return;
        }

        if (verdict is null)
        {
            validation = "Choose a verdict (V, O or E).";
            return;
        }

        validation = FlagDecisionService.Validate(Request());
        if (validation is not null)
        {
            return;
        }

        busy = true;
        try
        {
            var outcome = await Decisions.DecideAsync(user, rights, details.Id, Request(), cts.Token);
            if (!outcome.Succeeded)
            {
                await LoadAsync(loadedId);
                Show(outcome.Message, Severity.Error);
                return;
            }

            Snackbar.Add($"Flag #{details.Id}: {outcome.Message}", Severity.Success);
            Session.RecordActivity(TimeSpan.FromMinutes(Wellness.Options.ContinuousGapMinutes));
            await ClaimNextAndGoAsync();
        }
        finally
        {
            busy = false;
        }
    }

    private async Task NextAsync()
    {
        if (busy)
        {
            return;
        }

        busy = true;
        try
        {
            await ClaimNextAndGoAsync();
        }
        finally
        {
            busy = false;
        }
    }

    private async Task ClaimNextAndGoAsync()
    {
        var next = await Claims.ClaimNextAsync(user, rights, Session.Skipped, cts.Token);
        if (next.FlagId is { } nextId)
        {
            claimedByNext = next.ExposureCounted ? nextId : 0;
            // Loaded before the address changes: the router's update then finds it on screen.
            await LoadAsync(nextId);
            UpdateBreakState();
            if (nextId != Id)
            {
                Navigation.NavigateTo($"/flags/{nextId}");
            }

            return;
        }

        await LoadAsync(loadedId);
        Show(next.Message, Severity.Info);
    }

    private async Task SkipAsync()
    {
        if (busy || details is null)
        {
            return;
        }

        busy = true;
        try
        {
            Session.Skip(details.Id);
            if (details.Lease.HeldByMe)
            {
                await Claims.ReleaseAsync(user, details.Id, "skipped", cts.Token);
            }

            await ClaimNextAndGoAsync();
        }
        finally
        {
            busy = false;
        }
    }

    private async Task ClaimAsync()
    {
        if (busy || details is null || details.Lease.HeldByMe || !rights.CanDecide)
        {
            return;
        }

        busy = true;
        try
        {
            var outcome = await Claims.ClaimAsync(user, rights, details.Id, cts.Token);
            await LoadAsync(loadedId);
            Show(outcome.Succeeded ? $"Flag #{loadedId} is yours for {LeaseMinutes} minutes (renewed while you work)." : outcome.Message, outcome.Succeeded ? Severity.Success : Severity.Warning);
        }
        finally
        {
            busy = false;
        }
    }

    private Task RevealAsync()
    {
        // FlagContentView audits the reveal before it sends the text.
        if (details is not null && Blurred)
        {
            revealed = true;
        }

        return Task.CompletedTask;
    }

    private async Task AssignAsync(ReviewerOption reviewer)
    {
        if (busy || details is null)
        {
            return;
        }

        busy = true;
        try
        {
            var outcome = await Claims.AssignAsync(user, rights, details.Id, reviewer.Id, cts.Token);
            await LoadAsync(loadedId);
            Show(outcome.Message, outcome.Succeeded ? Severity.Success : Severity.Warning);
        }
        finally
        {
            busy = false;
        }
    }

    private async Task PreviewClusterAsync()
    {
        if (details?.Cluster is null)
        {
            return;
        }

        clusterPreview = await Decisions.PreviewClusterAsync(user, rights, details.Cluster.Id, cts.Token);
    }

    private async Task DecideClusterAsync()
    {
        if (busy || details?.Cluster is null || clusterPreview is null)
        {
            return;
        }

        validation = verdict is null ? "Choose a verdict (V, O or E)." : FlagDecisionService.Validate(Request());
        if (validation is not null)
        {
            return;
        }

        busy = true;
        try
        {
            var outcome = await Decisions.DecideClusterAsync(user, rights, clusterPreview, Request(), cts.Token);
            await LoadAsync(loadedId);
            Show(outcome.Message, outcome.Succeeded ? Severity.Success : Severity.Error);
        }
        finally
        {
            busy = false;
        }
    }

    private async Task TakeBreak()
    {
        Session.TakeBreak();
        breakDue = false;
        await SaveStretchAsync();
    }

    private async Task SnoozeBreak()
    {
        Session.Snooze(TimeSpan.FromMinutes(10));
        breakDue = false;
        await SaveStretchAsync();
    }

    private void UpdateBreakState()
    {
        var gap = TimeSpan.FromMinutes(Wellness.Options.ContinuousGapMinutes);
        continuous = Session.ContinuousReviewing(gap);
        breakDue = Session.BreakDue(TimeSpan.FromMinutes(Wellness.BreakReminderMinutesFor(settings)), gap);
    }

    private void Show(string text, Severity severity)
    {
        message = text;
        messageSeverity = severity;
    }

    // While the page is open: renew the lease (a third of its length before it runs out) and check
    // whether a break is due.
    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(cts.Token))
            {
                var changed = false;
                if (details is { Lease.HeldByMe: true } && Clock.GetUtcNow() - lastRenewal >= TimeSpan.FromMinutes(LeaseMinutes / 3.0))
                {
                    lastRenewal = Clock.GetUtcNow();
                    if (!await Claims.RenewAsync(user, details.Id, cts.Token))
                    {
                        await LoadAsync(loadedId);
                        Show("Your lease on this flag ran out and could not be renewed. Claim it again to decide it.", Severity.Warning);
                    }

                    changed = true;
                }

                var wasDue = breakDue;
                UpdateBreakState();
                await SaveStretchAsync();
                if (changed || wasDue != breakDue)
                {
                    await InvokeAsync(StateHasChanged);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string ActionLabel(DecisionAction value) => value switch
    {
        DecisionAction.None => "None",
        DecisionAction.Warn => "Warn the organization",
        DecisionAction.RateLimit => "Rate-limit the key",
        DecisionAction.RevokeKey => "Revoke the key",
        DecisionAction.SuspendApp => "Suspend the application",
        DecisionAction.SuspendOrg => "Suspend the organization (Lead approval)",
        DecisionAction.OpenIncident => "Open an incident",
        _ => value.ToString(),
    };

    public async ValueTask DisposeAsync()
    {
        await cts.CancelAsync();
        cts.Dispose();
        if (keyboard is not null)
        {
            await keyboard.DisposeAsync();
        }
    }
}
