using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

using ReviewConsole.Data;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>
/// Validates one flag record exactly as the contract describes it (DESIGN.md, "Flag record"): the
/// scores come either as <c>categories</c> + <c>category_scores</c> or as a <c>moderation</c> object
/// in the public moderation API's result shape (or its full response, <c>{"results":[...]}</c>),
/// taken unmodified. Anything the contract does not allow is refused with a reason; unknown extra
/// top-level fields are ignored so the pipeline can add fields without breaking intake.
/// </summary>
public static class FlagRecordParser
{
    public const int MaxIdChars = 100;
    public const int MaxUpstreamIdChars = 200;
    public const int MaxModelChars = 100;
    public const int MaxClassifierNameChars = 100;
    public const int MaxClassifierVersionChars = 50;
    public const int MaxCategoryKeyChars = 100;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    /// <param name="utf8">The record's bytes (one JSONL line, one element of a batch).</param>
    /// <param name="knownCategories">Policy category keys; a score for any other well-formed name is kept
    /// and the name listed in <see cref="FlagRecord.UnknownCategories"/>.</param>
    /// <param name="maxFieldChars">The longest prompt or completion accepted, in characters.</param>
    /// <param name="now">Records dated more than a day ahead of this are refused (clock skew allowed).</param>
    public static FlagParseResult Parse(ReadOnlyMemory<byte> utf8, IReadOnlySet<string> knownCategories, int maxFieldChars, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(knownCategories);
        if (!Utf8.IsValid(utf8.Span))
        {
            return FlagParseResult.Fail("invalid_utf8", "the record is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            // The document reads the caller's bytes in place (a slice of a batch body, a file line).
            document = JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException ex)
        {
            return FlagParseResult.Fail("invalid_json", FirstSentence(ex.Message));
        }

        using (document)
        {
            try
            {
                return ParseRecord(document.RootElement, knownCategories, maxFieldChars, now);
            }
            catch (RecordException ex)
            {
                return FlagParseResult.Fail(ex.Code, ex.Message, ex.UpstreamId);
            }
        }
    }

    private static FlagParseResult ParseRecord(JsonElement root, IReadOnlySet<string> known, int maxFieldChars, DateTimeOffset now)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new RecordException("not_object", $"a record must be a JSON object, not {Describe(root.ValueKind)}");
        }

        // Duplicate names are legal to most parsers (last one wins), which would let a record say
        // two things at once; the contract refuses them anywhere in the record.
        CheckDuplicateProperties(root, "");

        string? upstreamId = null;
        if (root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String)
        {
            upstreamId = Truncate(SafeString(idElement, "id"), MaxUpstreamIdChars);
        }

        try
        {
            var id = RequiredString(root, "id", MaxUpstreamIdChars);
            var createdAt = ParseTimestamp(root, now);
            var org = RequiredString(root, "org_id", MaxIdChars);
            var app = RequiredString(root, "app_id", MaxIdChars);
            var key = RequiredString(root, "api_key_id", MaxIdChars);
            var model = RequiredString(root, "model", MaxModelChars);
            var prompt = RequiredText(root, "prompt", maxFieldChars);
            var completion = RequiredText(root, "completion", maxFieldChars);
            var classifier = Required(root, "classifier", JsonValueKind.Object, "an object");
            var classifierName = RequiredString(classifier, "name", MaxClassifierNameChars, "classifier.");
            var classifierVersion = RequiredString(classifier, "version", MaxClassifierVersionChars, "classifier.");
            var scores = ParseScores(root, known);
            return FlagParseResult.Ok(new FlagRecord(id, createdAt, org, app, key, model, prompt, completion, classifierName, classifierVersion, scores)
            {
                UnknownCategories = scores.Select(s => s.Category).Where(c => !known.Contains(c)).ToList(),
            });
        }
        catch (RecordException ex) when (ex.UpstreamId is null && upstreamId is not null)
        {
            throw new RecordException(ex.Code, ex.Message, upstreamId);
        }
    }

    private static List<CategoryScore> ParseScores(JsonElement root, IReadOnlySet<string> known)
    {
        var hasScores = root.TryGetProperty("category_scores", out _) || root.TryGetProperty("categories", out _);
        var hasModeration = root.TryGetProperty("moderation", out var moderation);
        if (hasScores && hasModeration)
        {
            throw new RecordException("ambiguous_scores", "give either categories + category_scores or moderation, not both");
        }

        if (!hasScores && !hasModeration)
        {
            throw new RecordException("missing_field", "category_scores (or moderation) is required");
        }

        if (hasScores)
        {
            return ParseCategoryScores(root, known, "");
        }

        if (moderation.ValueKind != JsonValueKind.Object)
        {
            throw new RecordException("wrong_type", $"moderation must be an object, not {Describe(moderation.ValueKind)}");
        }

        // The full moderation API response wraps the result: {"id":..,"model":..,"results":[{...}]}.
        if (moderation.TryGetProperty("results", out var results))
        {
            if (results.ValueKind != JsonValueKind.Array)
            {
                throw new RecordException("wrong_type", "moderation.results must be an array");
            }

            if (results.GetArrayLength() != 1)
            {
                throw new RecordException("invalid_moderation", $"moderation.results must hold exactly one result (one input per flag), found {results.GetArrayLength()}");
            }

            moderation = results[0];
            if (moderation.ValueKind != JsonValueKind.Object)
            {
                throw new RecordException("wrong_type", "moderation.results[0] must be an object");
            }

            return ParseModerationResult(moderation, known, "moderation.results[0].");
        }

        return ParseModerationResult(moderation, known, "moderation.");
    }

    private static List<CategoryScore> ParseModerationResult(JsonElement result, IReadOnlySet<string> known, string path)
    {
        var flagged = Required(result, "flagged", null, "a boolean", path);
        if (flagged.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw new RecordException("wrong_type", $"{path}flagged must be a boolean, not {Describe(flagged.ValueKind)}");
        }

        var scores = ParseCategoryScores(result, known, path);
        if (flagged.GetBoolean() != scores.Any(s => s.Flagged))
        {
            throw new RecordException("inconsistent_moderation", $"{path}flagged is {(flagged.GetBoolean() ? "true" : "false")} but {(scores.Any(s => s.Flagged) ? "some" : "no")} category is flagged");
        }

        return scores;
    }

    private static List<CategoryScore> ParseCategoryScores(JsonElement owner, IReadOnlySet<string> known, string path)
    {
        var scoresElement = Required(owner, "category_scores", JsonValueKind.Object, "an object", path);
        var scores = new Dictionary<string, double>(16, StringComparer.Ordinal);
        var context = path + "category_scores";
        foreach (var property in scoresElement.EnumerateObject())
        {
            var name = CanonicalCategory(property.Name, known, context);
            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDouble(out var score))
            {
                throw new RecordException("wrong_type", $"{path}category_scores.{property.Name} must be a number, not {Describe(property.Value.ValueKind)}");
            }

            if (!(score >= 0 && score <= 1))
            {
                throw new RecordException("score_out_of_range", $"{path}category_scores.{property.Name} is {score.ToString(CultureInfo.InvariantCulture)}; scores must be within 0..1");
            }

            if (!scores.TryAdd(name, score))
            {
                throw new RecordException("duplicate_property", $"{path}category_scores names {name} twice");
            }
        }

        if (scores.Count == 0)
        {
            throw new RecordException("no_scores", $"{path}category_scores is empty");
        }

        var flagged = new HashSet<string>(StringComparer.Ordinal);
        if (owner.TryGetProperty("categories", out var categories))
        {
            switch (categories.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in categories.EnumerateObject())
                    {
                        var name = CanonicalCategory(property.Name, known, path + "categories");
                        if (property.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                        {
                            throw new RecordException("wrong_type", $"{path}categories.{property.Name} must be a boolean, not {Describe(property.Value.ValueKind)}");
                        }

                        if (!scores.ContainsKey(name))
                        {
                            throw new RecordException("category_mismatch", $"{path}categories names {name}, which has no score in category_scores");
                        }

                        if (property.Value.GetBoolean())
                        {
                            flagged.Add(name);
                        }
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in categories.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.String)
                        {
                            throw new RecordException("wrong_type", $"{path}categories must hold category names (strings), not {Describe(item.ValueKind)}");
                        }

                        var name = CanonicalCategory(SafeString(item, path + "categories"), known, path + "categories");
                        if (!scores.ContainsKey(name))
                        {
                            throw new RecordException("category_mismatch", $"{path}categories names {name}, which has no score in category_scores");
                        }

                        if (!flagged.Add(name))
                        {
                            throw new RecordException("duplicate_property", $"{path}categories lists {name} twice");
                        }
                    }

                    break;
                default:
                    throw new RecordException("wrong_type", $"{path}categories must be an object or an array, not {Describe(categories.ValueKind)}");
            }
        }
        else
        {
            throw new RecordException("missing_field", $"{path}categories is required with category_scores");
        }

        return scores
            .OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => new CategoryScore(s.Key, s.Value, flagged.Contains(s.Key)))
            .ToList();
    }

    private static string CanonicalCategory(string name, IReadOnlySet<string> known, string path)
    {
        if (known.Contains(name))
        {
            return name;
        }

        var lower = name.ToLowerInvariant();
        if (known.Contains(lower))
        {
            return lower;
        }

        // A category the taxonomy does not know yet (the pipeline added one) keeps the record: the
        // score is stored under its lower-cased key and an Admin maps the key or creates the category.
        // Only names that could never be a key are refused.
        if (lower.Length is 0 or > MaxCategoryKeyChars || !lower.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '/' or '-' or '_' or '.'))
        {
            throw new RecordException("invalid_category", $"{path} names '{Truncate(name, 100)}', which is not a category key (a-z, 0-9, / - _ . up to {MaxCategoryKeyChars} characters)");
        }

        return lower;
    }

    private static DateTimeOffset ParseTimestamp(JsonElement root, DateTimeOffset now)
    {
        var element = Required(root, "created_at", null, "a timestamp");
        DateTimeOffset value;
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                var text = SafeString(element, "created_at");
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out value))
                {
                    throw new RecordException("invalid_timestamp", $"created_at '{Truncate(text, 60)}' is not an ISO 8601 timestamp");
                }

                break;
            case JsonValueKind.Number:
                // Unix seconds, as the moderation API and most pipelines write them.
                if (!element.TryGetInt64(out var seconds) || seconds < 0 || seconds > 253_402_300_799)
                {
                    throw new RecordException("invalid_timestamp", "created_at as a number must be whole Unix seconds");
                }

                value = DateTimeOffset.FromUnixTimeSeconds(seconds);
                break;
            default:
                throw new RecordException("wrong_type", $"created_at must be a string or Unix seconds, not {Describe(element.ValueKind)}");
        }

        // UTC, to the microsecond: what every provider stores (PostgreSQL keeps microseconds), so a
        // record sent again compares equal to the stored one and is a duplicate, not a conflict.
        value = StorableTimeProvider.Truncate(value.ToUniversalTime());
        if (value.Year < 2000)
        {
            throw new RecordException("invalid_timestamp", $"created_at {value:O} is before 2000");
        }

        if (value > now.AddDays(1))
        {
            throw new RecordException("invalid_timestamp", $"created_at {value:O} is in the future");
        }

        return value;
    }

    private static string RequiredString(JsonElement owner, string name, int maxChars, string path = "")
    {
        var element = Required(owner, name, JsonValueKind.String, "a string", path);
        var value = SafeString(element, path + name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new RecordException("empty_field", $"{path}{name} must not be empty");
        }

        if (value.Length > maxChars)
        {
            throw new RecordException("field_too_long", $"{path}{name} has {value.Length} characters; the limit is {maxChars}");
        }

        return value;
    }

    /// <summary>Prompt and completion: may be empty (a refusal has no completion), bounded in size.</summary>
    private static string RequiredText(JsonElement owner, string name, int maxChars)
    {
        var element = Required(owner, name, JsonValueKind.String, "a string");
        var value = SafeString(element, name);
        if (value.Length > maxChars)
        {
            throw new RecordException("field_too_long", $"{name} has {value.Length} characters; the limit is {maxChars}");
        }

        return value;
    }

    private static JsonElement Required(JsonElement owner, string name, JsonValueKind? kind, string expected, string path = "")
    {
        if (!owner.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            throw new RecordException("missing_field", $"{path}{name} is required");
        }

        if (kind is { } k && element.ValueKind != k)
        {
            throw new RecordException("wrong_type", $"{path}{name} must be {expected}, not {Describe(element.ValueKind)}");
        }

        return element;
    }

    /// <summary>Reads a string and refuses escaped lone surrogates (<c>"\ud800"</c>): valid JSON,
    /// but not text, and they would fail later when stored or rendered.</summary>
    private static string SafeString(JsonElement element, string path)
    {
        string value;
        try
        {
            value = element.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            throw new RecordException("invalid_unicode", $"{path} holds an invalid Unicode escape");
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                throw new RecordException("invalid_unicode", $"{path} holds a lone UTF-16 surrogate");
            }
            else if (value[i] == '\0')
            {
                throw new RecordException("invalid_unicode", $"{path} holds a NUL character");
            }
        }

        return value;
    }

    /// <summary>Refuses a name that appears twice in one object, anywhere in the record. The path
    /// for the message is built only when a nested object or array is entered (a record holds dozens
    /// of scalar properties and this runs for every record), and a set only for objects large
    /// enough that comparing pairs would cost more.</summary>
    private const int SmallObjectNames = 16;

    private static void CheckDuplicateProperties(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                HashSet<string>? seen = null;
                var names = ArrayPool<string>.Shared.Rent(SmallObjectNames);
                var count = 0;
                try
                {
                    foreach (var property in element.EnumerateObject())
                    {
                        var name = property.Name;
                        bool repeated;
                        if (seen is not null)
                        {
                            repeated = !seen.Add(name);
                        }
                        else
                        {
                            repeated = Array.IndexOf(names, name, 0, count) >= 0;
                            names[count++] = name;
                            if (count == SmallObjectNames)
                            {
                                seen = new HashSet<string>(new ArraySegment<string>(names, 0, count), StringComparer.Ordinal);
                            }
                        }

                        if (repeated)
                        {
                            throw new RecordException("duplicate_property", $"{path}{Truncate(name, 100)} appears more than once");
                        }

                        if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                        {
                            CheckDuplicateProperties(property.Value, path + name + ".");
                        }
                    }
                }
                finally
                {
                    ArrayPool<string>.Shared.Return(names, clearArray: true);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        CheckDuplicateProperties(item, $"{path.TrimEnd('.')}[{index}].");
                    }

                    index++;
                }

                break;
            default:
                break;
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    internal static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    /// <summary>Decodes bytes for an error report, replacing what is not UTF-8.</summary>
    public static string ToDisplayText(ReadOnlySpan<byte> utf8, int maxChars)
    {
        var text = Encoding.UTF8.GetString(utf8[..Math.Min(utf8.Length, maxChars * 4)]);
        return Truncate(text, maxChars);
    }

    private sealed class RecordException(string code, string message, string? upstreamId = null) : Exception(message)
    {
        public string Code { get; } = code;

        public string? UpstreamId { get; } = upstreamId;
    }
}
