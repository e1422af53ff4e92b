using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Flags.Queue;

public sealed partial class FlagQueuePage
{
    private static readonly string[] QueueKeys = ["n"];
    private readonly CancellationTokenSource cts = new();
    // Keyset paging goes forward only; earlier pages are revisited through the cursors that led to them.
    private readonly Stack<FlagQueueCursor?> cursors = new();
    private FlagQueueCursor? current;
    private FlagQueueFilter filter = new();
    private QueuePage? results;
    private IReadOnlyList<(string Key, string Name)> categories = [];
    private IReadOnlyList<string> classifiers = [];
    private List<SavedFilterView> saved = [];
    private StaffUser user = StaffUser.System;
    private bool canClaim;
    private bool busy;
    private string filterName = "";
    private KeyboardShortcutBinding<FlagQueuePage>? keyboard;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject]
    private FlagQueueService Queue { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var principal = (await AuthenticationState).User;
        user = StaffUser.From(principal);
        canClaim = TriageRights.From(principal).CanDecide;
        (categories, classifiers) = await Queue.FilterChoicesAsync(cts.Token);
        saved = [.. await Queue.SavedFiltersAsync(user.Id, cts.Token)];

        // The page of flags is read once, when the circuit starts, not also for the prerendered
        // HTML that the interactive render replaces at once (the prerender shows the filters and a
        // progress bar): one read and one render of the table instead of two per visit.
        if (RendererInfo.IsInteractive)
        {
            await LoadAsync();
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive && canClaim)
        {
            keyboard = new KeyboardShortcutBinding<FlagQueuePage>(JS);
            await keyboard.AttachAsync(this, QueueKeys);
        }
    }

    [JSInvokable]
    public Task OnShortcut(string key)
    {
        if (key == "n")
        {
            Navigation.NavigateTo("/flags/next");
        }

        return Task.CompletedTask;
    }

    private async Task LoadAsync()
    {
        busy = true;
        try
        {
            results = await Queue.GetPageAsync(filter, current, Queue.DefaultPageSize, user.Id, cts.Token);
        }
        finally
        {
            busy = false;
        }
    }

    private async Task ApplyAsync(FlagQueueFilter next)
    {
        filter = next;
        cursors.Clear();
        current = null;
        await LoadAsync();
    }

    private async Task NextPageAsync()
    {
        if (results?.Next is null)
        {
            return;
        }

        cursors.Push(current);
        current = results.Next;
        await LoadAsync();
    }

    private async Task PreviousPageAsync()
    {
        if (cursors.Count == 0)
        {
            return;
        }

        current = cursors.Pop();
        await LoadAsync();
    }

    private async Task FirstPageAsync()
    {
        cursors.Clear();
        current = null;
        await LoadAsync();
    }

    private async Task SaveFilterAsync()
    {
        if (busy || string.IsNullOrWhiteSpace(filterName))
        {
            return;
        }

        busy = true;
        try
        {
            var view = await Queue.SaveFilterAsync(user, filterName, filter, cts.Token);
            saved = [.. saved.Where(s => s.Id != view.Id), view];
            saved.Sort((a, b) => string.Compare(a.Name, b.Name, StringComparison.OrdinalIgnoreCase));
            Snackbar.Add($"Filter '{view.Name}' saved.", Severity.Success);
            filterName = "";
        }
        catch (ArgumentException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
        }
        finally
        {
            busy = false;
        }
    }

    private async Task DeleteFilterAsync(SavedFilterView view)
    {
        if (await Queue.DeleteFilterAsync(user, view.Id, cts.Token))
        {
            saved.Remove(view);
            Snackbar.Add($"Filter '{view.Name}' deleted.", Severity.Info);
        }
    }

    private void Open(FlagSummary? row)
    {
        if (row is not null)
        {
            Navigation.NavigateTo($"/flags/{row.Id}");
        }
    }

    private string Age(DateTimeOffset createdAt)
    {
        var age = Clock.GetUtcNow() - createdAt;
        return age.TotalMinutes < 60 ? $"{Math.Max(0, (int)age.TotalMinutes)} min"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours} h"
            : $"{(int)age.TotalDays} d";
    }

    private static string AgeLabel(AgeFilter age) => age switch
    {
        AgeFilter.LastHour => "Last hour",
        AgeFilter.LastDay => "Last 24 hours",
        AgeFilter.OlderThanDay => "Older than a day",
        AgeFilter.OlderThanWeek => "Older than a week",
        _ => "Any age",
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
