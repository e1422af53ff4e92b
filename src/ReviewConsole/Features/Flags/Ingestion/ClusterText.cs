namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>
/// Chooses the text a flag is clustered by, and refuses texts that cannot say anything about a
/// campaign. A near-duplicate cluster means "the same actor (or a coordinated group) produced this
/// text again"; a text of a few words, or a model's stock refusal ("I can't help with that."), is
/// produced by everyone, and clustering it would tie thousands of unrelated organizations into one
/// mega-cluster whose size then inflates every member's priority.
/// <list type="bullet">
/// <item>The completion is the clustering text, unless it is a refusal or safe completion; then the
/// prompt is (what the actor sent is the campaign signal when the model refused).</item>
/// <item>A text with fewer than <c>minWords</c> distinct normalized words does not cluster.</item>
/// <item>A zero SimHash (empty text, or a degenerate vote) never clusters.</item>
/// </list>
/// </summary>
public static class ClusterText
{
    /// <summary>Characters of the first member's text kept as a cluster's excerpt.</summary>
    public const int ExcerptChars = 280;

    /// <summary>Refusals and safe completions longer than this many words are treated as content.</summary>
    public const int MaxRefusalWords = 80;

    /// <summary>How stock refusals open, normalized as <see cref="SimHash.Normalize"/> does (apostrophes
    /// split words, digits become 0).</summary>
    private static readonly string[] RefusalOpeners =
    [
        "i can t help with",
        "i cannot help with",
        "i can t assist with",
        "i cannot assist with",
        "i can t do that",
        "i can t provide",
        "i cannot provide",
        "i can t create",
        "i can t write",
        "i can t comply",
        "i won t be able to",
        "i m not able to",
        "i am not able to",
        "i m unable to",
        "i am unable to",
        "i m sorry but i can",
        "i m sorry but i cannot",
        "i am sorry but i can",
        "i am sorry but i cannot",
        "sorry but i can",
        "sorry i can t",
        "i m really sorry you re feeling",
        "i m sorry you re feeling",
        "as an ai language model",
        "i must decline",
        "i have to decline",
    ];

    /// <summary>The clustering text and its SimHash, or <c>Clusterable = false</c> when the flag must
    /// stay out of every cluster.</summary>
    public static ClusterKey For(string prompt, string completion, int minWords)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(completion);
        var normalizedCompletion = SimHash.Normalize(completion);
        var useCompletion = normalizedCompletion.Length > 0 && !IsRefusal(normalizedCompletion);
        var text = useCompletion ? completion : prompt;
        var normalized = useCompletion ? normalizedCompletion : SimHash.Normalize(prompt);
        var words = normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var hash = SimHash.FromWords(words);
        var clusterable = hash != 0 && words.Distinct(StringComparer.Ordinal).Count() >= minWords;
        return new ClusterKey(text, hash, clusterable);
    }

    /// <summary>Whether a normalized text is a stock refusal or safe completion (starts like one and is short).</summary>
    public static bool IsRefusal(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        foreach (var opener in RefusalOpeners)
        {
            if (normalized.StartsWith(opener, StringComparison.Ordinal)
                && (normalized.Length == opener.Length || normalized[opener.Length] == ' '))
            {
                return normalized.Count(c => c == ' ') + 1 <= MaxRefusalWords;
            }
        }

        return false;
    }
}

/// <summary>The text a flag is clustered by, its SimHash, and whether it may join or form a cluster.</summary>
public readonly record struct ClusterKey(string Text, long SimHash, bool Clusterable);
