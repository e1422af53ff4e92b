using System.Text.Json.Nodes;

namespace ReviewConsole.Testing.Flags;

/// <summary>One malformed flag record of the bad-input corpus and the reason it must be refused with.</summary>
public sealed record BadFlagRecord(string Name, string Json, string Code, string Detail);

/// <summary>
/// Flag records for intake tests: a valid record with the edits a test needs, and the bad-input
/// corpus, shared by the parser's unit tests and the end-to-end intake tests (push API, pull feed).
/// </summary>
public static class FlagRecords
{
    /// <summary>The clock intake tests run at; the corpus's timestamps are judged against it.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The longest prompt or completion the corpus assumes (the default of <c>Ingestion:MaxFieldChars</c>).</summary>
    public const int MaxFieldChars = 32_000;

    public static JsonObject Record(string id = "flg_1", string completion = "Buy the best earbuds today, limited offer for everyone.", string org = "org_a", string app = "app_a", string key = "key_a", double hate = 0.91, string classifierVersion = "v1") => new()
    {
        ["id"] = id,
        ["created_at"] = "2026-11-23T10:00:00Z",
        ["org_id"] = org,
        ["app_id"] = app,
        ["api_key_id"] = key,
        ["model"] = "lm-large",
        ["prompt"] = "Write something",
        ["completion"] = completion,
        ["classifier"] = new JsonObject { ["name"] = "omni-moderation", ["version"] = classifierVersion },
        ["categories"] = new JsonObject { ["hate"] = hate >= 0.5, ["self-harm/intent"] = false },
        ["category_scores"] = new JsonObject { ["hate"] = hate, ["self-harm/intent"] = 0.01 },
    };

    public static JsonObject ModerationResult(bool flagged = true) => new()
    {
        ["flagged"] = flagged,
        ["categories"] = new JsonObject { ["hate"] = false, ["self-harm/intent"] = flagged, ["violence/graphic"] = false },
        ["category_scores"] = new JsonObject { ["hate"] = 0.02, ["self-harm/intent"] = flagged ? 0.93 : 0.1, ["violence/graphic"] = 0.004 },
    };

    public static JsonObject WithModeration(JsonObject record, JsonNode moderation)
    {
        ArgumentNullException.ThrowIfNull(record);
        record.Remove("categories");
        record.Remove("category_scores");
        record["moderation"] = moderation;
        return record;
    }

    /// <summary>The bad-input corpus: each malformed record and the reason it must be refused with.</summary>
    public static IReadOnlyList<BadFlagRecord> BadRecords()
    {
        static string Edit(Action<JsonObject> edit)
        {
            var record = FlagRecords.Record();
            edit(record);
            return record.ToJsonString();
        }

        static string Mod(Action<JsonObject> edit)
        {
            var result = FlagRecords.ModerationResult();
            edit(result);
            return FlagRecords.WithModeration(FlagRecords.Record(), result).ToJsonString();
        }

        var valid = FlagRecords.Record().ToJsonString();
        var data = new List<BadFlagRecord>
        {
            // Broken JSON lines.
            new("empty line", "", "invalid_json", ""),
            new("truncated line", valid[..(valid.Length / 2)], "invalid_json", ""),
            new("trailing garbage", valid + " x", "invalid_json", ""),
            new("single quotes", "{'id':'a'}", "invalid_json", ""),
            new("trailing comma", valid[..^1] + ",}", "invalid_json", ""),
            new("raw control character", valid.Replace("Write something", "Write\u0001something", StringComparison.Ordinal), "invalid_json", ""),
            new("not an object (array)", "[" + valid + "]", "not_object", "array"),
            new("not an object (string)", "\"flag\"", "not_object", "string"),
            new("not an object (null)", "null", "not_object", "null"),

            // Duplicate property names, anywhere in the record.
            new("duplicate id", valid.Replace("\"id\":\"flg_1\"", "\"id\":\"flg_1\",\"id\":\"flg_2\"", StringComparison.Ordinal), "duplicate_property", "id"),
            new("duplicate prompt", valid.Replace("\"prompt\":", "\"prompt\":\"a\",\"prompt\":", StringComparison.Ordinal), "duplicate_property", "prompt"),
            new("duplicate score name", valid.Replace("\"category_scores\":{", "\"category_scores\":{\"hate\":0.2,", StringComparison.Ordinal), "duplicate_property", "category_scores.hate"),
            new("duplicate classifier version", valid.Replace("\"version\":\"v1\"", "\"version\":\"v1\",\"version\":\"v2\"", StringComparison.Ordinal), "duplicate_property", "classifier.version"),
            new("duplicate after sixteen other names", valid.Replace("\"category_scores\":{", "\"category_scores\":{" + string.Concat(Enumerable.Range(0, 20).Select(i => $"\"extra{i}\":0.01,")) + "\"extra3\":0.02,", StringComparison.Ordinal), "duplicate_property", "category_scores.extra3"),
            new("duplicate inside an array's object", valid[..^1] + ",\"metadata\":{\"tags\":[{\"k\":1},{\"k\":1,\"k\":2}]}}", "duplicate_property", "metadata.tags[1].k"),

            // Missing fields.
            new("missing id", Edit(r => r.Remove("id")), "missing_field", "id is required"),
            new("missing created_at", Edit(r => r.Remove("created_at")), "missing_field", "created_at"),
            new("missing org_id", Edit(r => r.Remove("org_id")), "missing_field", "org_id"),
            new("missing app_id", Edit(r => r.Remove("app_id")), "missing_field", "app_id"),
            new("missing api_key_id", Edit(r => r.Remove("api_key_id")), "missing_field", "api_key_id"),
            new("missing model", Edit(r => r.Remove("model")), "missing_field", "model"),
            new("missing prompt", Edit(r => r.Remove("prompt")), "missing_field", "prompt"),
            new("missing completion", Edit(r => r.Remove("completion")), "missing_field", "completion"),
            new("missing classifier", Edit(r => r.Remove("classifier")), "missing_field", "classifier"),
            new("missing classifier name", Edit(r => r["classifier"]!.AsObject().Remove("name")), "missing_field", "classifier.name"),
            new("missing scores entirely", Edit(r => { r.Remove("categories"); r.Remove("category_scores"); }), "missing_field", "category_scores"),
            new("categories without scores", Edit(r => r.Remove("category_scores")), "missing_field", "category_scores"),
            new("scores without categories", Edit(r => r.Remove("categories")), "missing_field", "categories"),
            new("null org_id", Edit(r => r["org_id"] = null), "missing_field", "org_id"),

            // Wrong types.
            new("numeric id", Edit(r => r["id"] = 42), "wrong_type", "id must be a string"),
            new("boolean created_at", Edit(r => r["created_at"] = true), "wrong_type", "created_at"),
            new("array prompt", Edit(r => r["prompt"] = new JsonArray("a")), "wrong_type", "prompt must be a string"),
            new("object completion", Edit(r => r["completion"] = new JsonObject()), "wrong_type", "completion"),
            new("classifier as string", Edit(r => r["classifier"] = "omni"), "wrong_type", "classifier must be an object"),
            new("numeric classifier version", Edit(r => r["classifier"]!["version"] = 3), "wrong_type", "classifier.version"),
            new("score as string", Edit(r => r["category_scores"]!["hate"] = "0.9"), "wrong_type", "category_scores.hate must be a number"),
            new("category flag as number", Edit(r => r["categories"]!["hate"] = 1), "wrong_type", "categories.hate must be a boolean"),
            new("categories as string", Edit(r => r["categories"] = "hate"), "wrong_type", "categories must be an object or an array"),
            new("moderation as array", FlagRecords.WithModeration(FlagRecords.Record(), new JsonArray(FlagRecords.ModerationResult())).ToJsonString(), "wrong_type", "moderation must be an object"),
            new("moderation flagged as string", Mod(m => m["flagged"] = "true"), "wrong_type", "moderation.flagged must be a boolean"),

            // Empty and oversized fields.
            new("empty id", Edit(r => r["id"] = "  "), "empty_field", "id"),
            new("empty org_id", Edit(r => r["org_id"] = ""), "empty_field", "org_id"),
            new("id too long", Edit(r => r["id"] = new string('x', 201)), "field_too_long", "id has 201"),
            new("org_id too long", Edit(r => r["org_id"] = new string('o', 101)), "field_too_long", "org_id"),
            new("prompt too long", Edit(r => r["prompt"] = new string('p', MaxFieldChars + 1)), "field_too_long", "prompt has 32001 characters"),
            new("completion too long", Edit(r => r["completion"] = new string('c', MaxFieldChars + 5)), "field_too_long", "completion"),

            // Scores and categories.
            new("score above 1", Edit(r => r["category_scores"]!["hate"] = 1.5), "score_out_of_range", "hate is 1.5"),
            new("negative score", Edit(r => r["category_scores"]!["hate"] = -0.1), "score_out_of_range", "-0.1"),
            new("huge score", Edit(r => r["category_scores"]!["hate"] = 1e300), "score_out_of_range", "hate"),
            new("flag without score", Edit(r => { r["categories"]!["violence"] = true; }), "category_mismatch", "violence"),
            new("empty scores", Edit(r => { r["categories"] = new JsonObject(); r["category_scores"] = new JsonObject(); }), "no_scores", "empty"),
            new("both shapes", Edit(r => r["moderation"] = FlagRecords.ModerationResult()), "ambiguous_scores", "not both"),
            new("array categories with a number", Edit(r => r["categories"] = new JsonArray(1)), "wrong_type", "category names"),
            new("array categories listing twice", Edit(r => r["categories"] = new JsonArray("hate", "hate")), "duplicate_property", "hate twice"),

            // Moderation shape.
            new("moderation missing flagged", Mod(m => m.Remove("flagged")), "missing_field", "moderation.flagged"),
            new("moderation missing scores", Mod(m => m.Remove("category_scores")), "missing_field", "moderation.category_scores"),
            new("moderation flagged but nothing flagged", Mod(m => m["categories"]!["self-harm/intent"] = false), "inconsistent_moderation", "flagged is true"),
            new("moderation score out of range", Mod(m => m["category_scores"]!["hate"] = 2), "score_out_of_range", "moderation.category_scores.hate"),
            new("full response with two results", FlagRecords.WithModeration(FlagRecords.Record(), new JsonObject { ["id"] = "modr-1", ["model"] = "omni", ["results"] = new JsonArray(FlagRecords.ModerationResult(), FlagRecords.ModerationResult()) }).ToJsonString(), "invalid_moderation", "exactly one"),
            new("full response with no results", FlagRecords.WithModeration(FlagRecords.Record(), new JsonObject { ["id"] = "modr-1", ["results"] = new JsonArray() }).ToJsonString(), "invalid_moderation", "found 0"),
            new("full response results not array", FlagRecords.WithModeration(FlagRecords.Record(), new JsonObject { ["results"] = "x" }).ToJsonString(), "wrong_type", "moderation.results"),

            // Timestamps.
            new("unparseable date", Edit(r => r["created_at"] = "yesterday"), "invalid_timestamp", "yesterday"),
            new("date in the future", Edit(r => r["created_at"] = "2027-06-01T00:00:00Z"), "invalid_timestamp", "future"),
            new("date before 2000", Edit(r => r["created_at"] = "1999-12-31T00:00:00Z"), "invalid_timestamp", "before 2000"),
            new("fractional unix seconds", Edit(r => r["created_at"] = 1763895600.5), "invalid_timestamp", "whole Unix seconds"),

            // Text that is not text.
            new("lone surrogate escape", valid.Replace("Write something", "Write \\ud800 something", StringComparison.Ordinal), "invalid_unicode", "prompt"),
            new("NUL escape", valid.Replace("Write something", "Write \\u0000 something", StringComparison.Ordinal), "invalid_unicode", "NUL"),
        };
        return data;
    }
}
