using System.Text;
using System.Text.Json.Nodes;
using ReviewConsole.Data.Policies;
using ReviewConsole.Features.Flags.Ingestion;

namespace ReviewConsole.Tests.Flags.Ingestion;

public sealed class FlagRecordParserTests
{
    private const int MaxChars = 32_000;
    private static readonly IReadOnlySet<string> Known = PolicyCategorySeed.Categories.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>The bad-input corpus: each malformed record and the reason it must be refused with.</summary>
    public static TheoryData<string, string, string, string> BadRecords()
    {
        static string Edit(Action<JsonObject> edit)
        {
            var record = FlagJson.Record();
            edit(record);
            return record.ToJsonString();
        }

        static string Mod(Action<JsonObject> edit)
        {
            var result = FlagJson.ModerationResult();
            edit(result);
            return FlagJson.WithModeration(FlagJson.Record(), result).ToJsonString();
        }

        var valid = FlagJson.Record().ToJsonString();
        var data = new TheoryData<string, string, string, string>
        {
            // Broken JSON lines.
            { "empty line", "", "invalid_json", "" },
            { "truncated line", valid[..(valid.Length / 2)], "invalid_json", "" },
            { "trailing garbage", valid + " x", "invalid_json", "" },
            { "single quotes", "{'id':'a'}", "invalid_json", "" },
            { "trailing comma", valid[..^1] + ",}", "invalid_json", "" },
            { "raw control character", valid.Replace("Write something", "Write\u0001something", StringComparison.Ordinal), "invalid_json", "" },
            { "not an object (array)", "[" + valid + "]", "not_object", "array" },
            { "not an object (string)", "\"flag\"", "not_object", "string" },
            { "not an object (null)", "null", "not_object", "null" },

            // Duplicate property names, anywhere in the record.
            { "duplicate id", valid.Replace("\"id\":\"flg_1\"", "\"id\":\"flg_1\",\"id\":\"flg_2\"", StringComparison.Ordinal), "duplicate_property", "id" },
            { "duplicate prompt", valid.Replace("\"prompt\":", "\"prompt\":\"a\",\"prompt\":", StringComparison.Ordinal), "duplicate_property", "prompt" },
            { "duplicate score name", valid.Replace("\"category_scores\":{", "\"category_scores\":{\"hate\":0.2,", StringComparison.Ordinal), "duplicate_property", "category_scores.hate" },
            { "duplicate classifier version", valid.Replace("\"version\":\"v1\"", "\"version\":\"v1\",\"version\":\"v2\"", StringComparison.Ordinal), "duplicate_property", "classifier.version" },

            // Missing fields.
            { "missing id", Edit(r => r.Remove("id")), "missing_field", "id is required" },
            { "missing created_at", Edit(r => r.Remove("created_at")), "missing_field", "created_at" },
            { "missing org_id", Edit(r => r.Remove("org_id")), "missing_field", "org_id" },
            { "missing app_id", Edit(r => r.Remove("app_id")), "missing_field", "app_id" },
            { "missing api_key_id", Edit(r => r.Remove("api_key_id")), "missing_field", "api_key_id" },
            { "missing model", Edit(r => r.Remove("model")), "missing_field", "model" },
            { "missing prompt", Edit(r => r.Remove("prompt")), "missing_field", "prompt" },
            { "missing completion", Edit(r => r.Remove("completion")), "missing_field", "completion" },
            { "missing classifier", Edit(r => r.Remove("classifier")), "missing_field", "classifier" },
            { "missing classifier name", Edit(r => r["classifier"]!.AsObject().Remove("name")), "missing_field", "classifier.name" },
            { "missing scores entirely", Edit(r => { r.Remove("categories"); r.Remove("category_scores"); }), "missing_field", "category_scores" },
            { "categories without scores", Edit(r => r.Remove("category_scores")), "missing_field", "category_scores" },
            { "scores without categories", Edit(r => r.Remove("categories")), "missing_field", "categories" },
            { "null org_id", Edit(r => r["org_id"] = null), "missing_field", "org_id" },

            // Wrong types.
            { "numeric id", Edit(r => r["id"] = 42), "wrong_type", "id must be a string" },
            { "boolean created_at", Edit(r => r["created_at"] = true), "wrong_type", "created_at" },
            { "array prompt", Edit(r => r["prompt"] = new JsonArray("a")), "wrong_type", "prompt must be a string" },
            { "object completion", Edit(r => r["completion"] = new JsonObject()), "wrong_type", "completion" },
            { "classifier as string", Edit(r => r["classifier"] = "omni"), "wrong_type", "classifier must be an object" },
            { "numeric classifier version", Edit(r => r["classifier"]!["version"] = 3), "wrong_type", "classifier.version" },
            { "score as string", Edit(r => r["category_scores"]!["hate"] = "0.9"), "wrong_type", "category_scores.hate must be a number" },
            { "category flag as number", Edit(r => r["categories"]!["hate"] = 1), "wrong_type", "categories.hate must be a boolean" },
            { "categories as string", Edit(r => r["categories"] = "hate"), "wrong_type", "categories must be an object or an array" },
            { "moderation as array", FlagJson.WithModeration(FlagJson.Record(), new JsonArray(FlagJson.ModerationResult())).ToJsonString(), "wrong_type", "moderation must be an object" },
            { "moderation flagged as string", Mod(m => m["flagged"] = "true"), "wrong_type", "moderation.flagged must be a boolean" },

            // Empty and oversized fields.
            { "empty id", Edit(r => r["id"] = "  "), "empty_field", "id" },
            { "empty org_id", Edit(r => r["org_id"] = ""), "empty_field", "org_id" },
            { "id too long", Edit(r => r["id"] = new string('x', 201)), "field_too_long", "id has 201" },
            { "org_id too long", Edit(r => r["org_id"] = new string('o', 101)), "field_too_long", "org_id" },
            { "prompt too long", Edit(r => r["prompt"] = new string('p', MaxChars + 1)), "field_too_long", "prompt has 32001 characters" },
            { "completion too long", Edit(r => r["completion"] = new string('c', MaxChars + 5)), "field_too_long", "completion" },

            // Scores and categories.
            { "score above 1", Edit(r => r["category_scores"]!["hate"] = 1.5), "score_out_of_range", "hate is 1.5" },
            { "negative score", Edit(r => r["category_scores"]!["hate"] = -0.1), "score_out_of_range", "-0.1" },
            { "huge score", Edit(r => r["category_scores"]!["hate"] = 1e300), "score_out_of_range", "hate" },
            { "flag without score", Edit(r => { r["categories"]!["violence"] = true; }), "category_mismatch", "violence" },
            { "empty scores", Edit(r => { r["categories"] = new JsonObject(); r["category_scores"] = new JsonObject(); }), "no_scores", "empty" },
            { "both shapes", Edit(r => r["moderation"] = FlagJson.ModerationResult()), "ambiguous_scores", "not both" },
            { "array categories with a number", Edit(r => r["categories"] = new JsonArray(1)), "wrong_type", "category names" },
            { "array categories listing twice", Edit(r => r["categories"] = new JsonArray("hate", "hate")), "duplicate_property", "hate twice" },

            // Moderation shape.
            { "moderation missing flagged", Mod(m => m.Remove("flagged")), "missing_field", "moderation.flagged" },
            { "moderation missing scores", Mod(m => m.Remove("category_scores")), "missing_field", "moderation.category_scores" },
            { "moderation flagged but nothing flagged", Mod(m => m["categories"]!["self-harm/intent"] = false), "inconsistent_moderation", "flagged is true" },
            { "moderation score out of range", Mod(m => m["category_scores"]!["hate"] = 2), "score_out_of_range", "moderation.category_scores.hate" },
            { "full response with two results", FlagJson.WithModeration(FlagJson.Record(), new JsonObject { ["id"] = "modr-1", ["model"] = "omni", ["results"] = new JsonArray(FlagJson.ModerationResult(), FlagJson.ModerationResult()) }).ToJsonString(), "invalid_moderation", "exactly one" },
            { "full response with no results", FlagJson.WithModeration(FlagJson.Record(), new JsonObject { ["id"] = "modr-1", ["results"] = new JsonArray() }).ToJsonString(), "invalid_moderation", "found 0" },
            { "full response results not array", FlagJson.WithModeration(FlagJson.Record(), new JsonObject { ["results"] = "x" }).ToJsonString(), "wrong_type", "moderation.results" },
            { "category name that cannot be a key", Edit(r => r["category_scores"]!["gore <script>"] = 0.3), "invalid_category", "gore <script>" },
            { "category name too long", Edit(r => r["category_scores"]![new string('g', 101)] = 0.3), "invalid_category", "ggg" },
            { "category name with a space", Edit(r => r["categories"]!["hate speech"] = true), "invalid_category", "hate speech" },

            // Timestamps.
            { "unparseable date", Edit(r => r["created_at"] = "yesterday"), "invalid_timestamp", "yesterday" },
            { "date in the future", Edit(r => r["created_at"] = "2027-06-01T00:00:00Z"), "invalid_timestamp", "future" },
            { "date before 2000", Edit(r => r["created_at"] = "1999-12-31T00:00:00Z"), "invalid_timestamp", "before 2000" },
            { "fractional unix seconds", Edit(r => r["created_at"] = 1763895600.5), "invalid_timestamp", "whole Unix seconds" },

            // Text that is not text.
            { "lone surrogate escape", valid.Replace("Write something", "Write \\ud800 something", StringComparison.Ordinal), "invalid_unicode", "prompt" },
            { "NUL escape", valid.Replace("Write something", "Write \\u0000 something", StringComparison.Ordinal), "invalid_unicode", "NUL" },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(BadRecords))]
    public void Parse_MalformedRecord_IsRejectedWithItsReason(string name, string json, string code, string detail)
    {
        var result = FlagRecordParser.Parse(Encoding.UTF8.GetBytes(json), Known, MaxChars, FlagJson.Now);

        Assert.True(result.Record is null, $"'{name}' was accepted");
        Assert.Equal(code, result.Reason!.Code);
        Assert.Contains(detail, result.Reason.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void BadRecords_Corpus_HasAtLeastFortyCases() => Assert.True(BadRecords().Count >= 40);

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'"', 0xC3, (byte)'"', (byte)'}' })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    public void Parse_InvalidUtf8_IsRejected(byte[] bytes)
    {
        var result = FlagRecordParser.Parse(bytes, Known, MaxChars, FlagJson.Now);

        Assert.Equal("invalid_utf8", result.Reason!.Code);
    }

    [Fact]
    public void Parse_RejectedRecordWithReadableId_ReportsTheId()
    {
        var record = FlagJson.Record(id: "flg_bad");
        record["category_scores"]!["hate"] = 3;

        var result = FlagRecordParser.Parse(Encoding.UTF8.GetBytes(record.ToJsonString()), Known, MaxChars, FlagJson.Now);

        Assert.Equal("flg_bad", result.UpstreamId);
    }

    [Fact]
    public void Parse_UnknownCategory_IsKeptAndListedInsteadOfRejected()
    {
        var json = FlagJson.Record();
        json["category_scores"]!["Weapons/Acquisition"] = 0.81;
        json["categories"]!["Weapons/Acquisition"] = true;

        var record = FlagRecordParser.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), Known, MaxChars, FlagJson.Now).Record;

        Assert.NotNull(record);
        Assert.Equal(["weapons/acquisition"], record.UnknownCategories);
        var score = Assert.Single(record.Scores, s => s.Category == "weapons/acquisition");
        Assert.True(score.Flagged);
        var mapped = record.Translate(new Dictionary<string, string> { ["weapons/acquisition"] = "illicit/violent" });
        Assert.Empty(mapped.UnknownCategories);
        Assert.Contains(mapped.Scores, s => s.Category == "illicit/violent" && s.Flagged && s.Score == 0.81);
    }

    [Fact]
    public void Parse_CategoriesAndScores_MapsFlaggedAndKeepsSlashes()
    {
        var result = FlagRecordParser.Parse(Encoding.UTF8.GetBytes(FlagJson.Record().ToJsonString()), Known, MaxChars, FlagJson.Now);

        var record = Assert.IsType<FlagRecord>(result.Record);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), record.CreatedAt);
        Assert.Equal([new CategoryScore("hate", 0.91, true), new CategoryScore("self-harm/intent", 0.01, false)], record.Scores);
    }

    [Fact]
    public void Parse_CategoriesAsArray_FlagsListedNames()
    {
        var json = FlagJson.Record();
        json["categories"] = new JsonArray("hate");

        var record = FlagRecordParser.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), Known, MaxChars, FlagJson.Now).Record!;

        Assert.True(record.Scores.Single(s => s.Category == "hate").Flagged);
        Assert.False(record.Scores.Single(s => s.Category == "self-harm/intent").Flagged);
    }

    [Fact]
    public void Parse_ModerationResult_MapsCategoriesWithSlashes()
    {
        var json = FlagJson.WithModeration(FlagJson.Record(), FlagJson.ModerationResult());

        var record = FlagRecordParser.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), Known, MaxChars, FlagJson.Now).Record!;

        Assert.Equal(["hate", "self-harm/intent", "violence/graphic"], record.Scores.Select(s => s.Category));
        Assert.Equal(new CategoryScore("self-harm/intent", 0.93, true), record.Scores.Single(s => s.Flagged));
    }

    [Fact]
    public void Parse_FullModerationResponse_UsesItsSingleResult()
    {
        // The public moderation API's response, verbatim in shape (extra fields such as
        // category_applied_input_types are ignored).
        const string response = """
            {"id":"modr-970d409ef3bef3b70c73d8232df86e7d","model":"omni-moderation-latest","results":[{"flagged":true,
             "categories":{"sexual":false,"sexual/minors":false,"harassment":false,"harassment/threatening":false,"hate":false,
               "hate/threatening":false,"illicit":false,"illicit/violent":false,"self-harm":false,"self-harm/intent":false,
               "self-harm/instructions":false,"violence":true,"violence/graphic":false},
             "category_scores":{"sexual":2.34e-07,"sexual/minors":1.6e-07,"harassment":0.0011,"harassment/threatening":0.0022,"hate":3.1e-06,
               "hate/threatening":4.9e-07,"illicit":0.00083,"illicit/violent":0.00025,"self-harm":1.7e-05,"self-harm/intent":8.9e-06,
               "self-harm/instructions":6.2e-06,"violence":0.8599,"violence/graphic":0.0377},
             "category_applied_input_types":{"violence":["text"]}}]}
            """;
        var json = FlagJson.WithModeration(FlagJson.Record(), JsonNode.Parse(response)!);

        var record = FlagRecordParser.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), Known, MaxChars, FlagJson.Now).Record!;

        Assert.Equal(13, record.Scores.Count);
        Assert.Equal("violence", Assert.Single(record.Scores, s => s.Flagged).Category);
        Assert.Equal(0.8599, record.Scores.Single(s => s.Category == "violence").Score);
        Assert.Contains(record.Scores, s => s.Category == "illicit/violent");
    }

    [Fact]
    public void Parse_UnixSecondsAndExtraFields_AreAccepted()
    {
        var json = FlagJson.Record();
        json["created_at"] = 1763892000;
        json["pipeline_region"] = "eu-west";

        var record = FlagRecordParser.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), Known, MaxChars, FlagJson.Now).Record!;

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1763892000), record.CreatedAt);
    }

    [Fact]
    public void Parse_TextAtTheLimitAndEmptyCompletion_AreAccepted()
    {
        var json = FlagJson.Record(completion: "");
        json["prompt"] = new string('p', MaxChars);

        var result = FlagRecordParser.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), Known, MaxChars, FlagJson.Now);

        Assert.NotNull(result.Record);
    }
}
