namespace ReviewConsole.Features.Flags.Triage;

/// <summary>One keyboard shortcut: the key names keyboard.js reports, and what it does.</summary>
public sealed record Shortcut(string Label, string Description, params string[] Keys);

/// <summary>The triage loop's shortcuts. The help overlay lists this table and keyboard.js is
/// told exactly these keys, so the two cannot drift apart.</summary>
public static class TriageShortcuts
{
    public static readonly IReadOnlyList<Shortcut> All =
    [
        new("N", "Claim the next flag", "n"),
        new("C", "Claim this flag", "c"),
        new("R", "Reveal blurred content (audited)", "r"),
        new("1 – 9", "Toggle confirmed category by its number", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
        new("V", "Verdict: violation", "v"),
        new("O", "Verdict: no violation", "o"),
        new("E", "Verdict: escalate to Leads", "e"),
        new("A / Shift+A", "Next / previous action", "a", "A"),
        new("F", "Write the reason (focus the reason field)", "f"),
        new("Ctrl+Enter", "Submit and go to the next flag", "Ctrl+Enter"),
        new("S", "Skip: release this flag and go to the next", "s"),
        new("Q", "Back to the queue", "q"),
        new("?", "Show or hide this help", "?"),
        new("Esc", "Close help, or leave the reason field", "Escape"),
    ];

    public static IReadOnlyList<string> Keys { get; } = All.SelectMany(s => s.Keys).Distinct().ToList();

    /// <summary>Keys keyboard.js handles in the browser by focusing a field (no server round trip).</summary>
    public static IReadOnlyDictionary<string, string> FocusTargets { get; } = new Dictionary<string, string>
    {
        ["f"] = "[data-testid=decision-form] textarea",
    };
}
