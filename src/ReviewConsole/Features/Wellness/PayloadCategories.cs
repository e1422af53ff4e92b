using System.Text.Json;

namespace ReviewConsole.Features.Wellness;

/// <summary>
/// The categories a raw flag record names, read best-effort from text that intake refused (it may
/// be cut short, not JSON at all, or JSON of another shape). A category counts when the record
/// flags it or scores it at least <see cref="ScoreThreshold"/>. Null means the categories could not
/// be read, which callers treat as sensitive.
/// </summary>
public static class PayloadCategories
{
    public const double ScoreThreshold = 0.5;

    private const int MaxDepth = 16;

    public static IReadOnlySet<string>? Read(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(raw, new JsonDocumentOptions { MaxDepth = MaxDepth, AllowTrailingCommas = true });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            // The moderation API's result shape, or its full response {"results":[{...}]}.
            if (root.TryGetProperty("moderation", out var moderation) && moderation.ValueKind == JsonValueKind.Object)
            {
                if (moderation.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array)
                {
                    var found = new HashSet<string>(StringComparer.Ordinal);
                    var any = false;
                    foreach (var result in results.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object))
                    {
                        any |= Collect(result, found);
                    }

                    return any ? found : null;
                }

                var fromModeration = new HashSet<string>(StringComparer.Ordinal);
                return Collect(moderation, fromModeration) ? fromModeration : null;
            }

            var categories = new HashSet<string>(StringComparer.Ordinal);
            return Collect(root, categories) ? categories : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Adds what <paramref name="owner"/>'s <c>categories</c> and <c>category_scores</c> name;
    /// false when it has neither in a readable form.</summary>
    private static bool Collect(JsonElement owner, HashSet<string> into)
    {
        var readable = false;
        if (owner.TryGetProperty("categories", out var categories))
        {
            switch (categories.ValueKind)
            {
                case JsonValueKind.Object:
                    readable = true;
                    foreach (var property in categories.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.True))
                    {
                        into.Add(Key(property.Name));
                    }

                    break;
                case JsonValueKind.Array:
                    readable = true;
                    foreach (var item in categories.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.String)
                        {
                            return false;
                        }

                        into.Add(Key(item.GetString()!));
                    }

                    break;
                default:
                    return false;
            }
        }

        if (owner.TryGetProperty("category_scores", out var scores))
        {
            if (scores.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            readable = true;
            foreach (var property in scores.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDouble(out var score))
                {
                    // A score that is not a number may be a high one: the record cannot be judged safe.
                    return false;
                }

                if (score >= ScoreThreshold)
                {
                    into.Add(Key(property.Name));
                }
            }
        }

        return readable;
    }

    private static string Key(string name) => name.Trim().ToLowerInvariant();
}
