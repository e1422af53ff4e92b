using System.Text;
using System.Text.Json.Nodes;
using ReviewConsole.Data.Policies;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Testing.Flags;

namespace ReviewConsole.Tests.Flags.Ingestion;

public sealed class FlagRecordParserTests
{
    private const int MaxChars = 32_000;
    private static readonly IReadOnlySet<string> Known = PolicyCategorySeed.Categories.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>The bad-input corpus (shared with the end-to-end intake tests).</summary>
    public static TheoryData<string, string, string, string> BadRecords()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var bad in FlagRecords.BadRecords())
        {
            data.Add(bad.Name, bad.Json, bad.Code, bad.Detail);
        }

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
