using Bunit;
using MudBlazor.Services;
using ReviewConsole.Features.Flags.Triage;

namespace ReviewConsole.Tests.Flags.Triage;

public sealed class KeyboardHelpOverlayTests
{
    // MudBlazor registers services that only dispose asynchronously, so each test disposes its
    // context with await using rather than through xUnit's synchronous Dispose.
    private static BunitContext NewContext()
    {
        var context = new BunitContext();
        context.Services.AddMudServices();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        return context;
    }

    [Fact]
    public async Task Render_Visible_ListsEveryShortcutWithItsDescription()
    {
        await using var ctx = NewContext();
        var cut = ctx.Render<KeyboardHelpOverlay>(p => p.Add(c => c.Visible, true));

        var rows = cut.FindAll("[data-shortcut]");
        Assert.Equal(TriageShortcuts.All.Count, rows.Count);
        foreach (var shortcut in TriageShortcuts.All)
        {
            var row = cut.Find($"[data-shortcut='{shortcut.Label}']");
            Assert.Contains(shortcut.Description, row.TextContent, StringComparison.Ordinal);
        }

        // The loop the issue names: next, reveal, categories, verdict, action, submit, skip, help.
        Assert.Superset(
            new HashSet<string> { "n", "r", "1", "v", "o", "e", "a", "Ctrl+Enter", "s", "?", "Escape" },
            TriageShortcuts.Keys.ToHashSet());
    }

    [Fact]
    public async Task Render_Hidden_ListsNothing()
    {
        await using var ctx = NewContext();
        var cut = ctx.Render<KeyboardHelpOverlay>(p => p.Add(c => c.Visible, false));

        Assert.Empty(cut.FindAll("[data-shortcut]"));
    }
}
