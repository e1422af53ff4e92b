using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Flags.Ingestion;

/// <summary>Valid flag records as JSON, with the edits a test needs.</summary>
internal static class FlagJson
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

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
        record.Remove("categories");
        record.Remove("category_scores");
        record["moderation"] = moderation;
        return record;
    }

    public static RawFlagRecord Raw(JsonObject record, string origin = "test") => new(System.Text.Encoding.UTF8.GetBytes(record.ToJsonString()), origin);

    public static RawFlagRecord Raw(string json, string origin = "test") => new(System.Text.Encoding.UTF8.GetBytes(json), origin);

    public static FlagIngestionService Service(TestDatabase database, TimeProvider clock, IngestionOptions? options = null) =>
        new(database.Factory, new ActorRegistry(clock), new AuditLog(clock), clock, new StaticOptionsMonitor<IngestionOptions>(options ?? new IngestionOptions()));
}

/// <summary>An options monitor over a fixed value (tests do not reload configuration).</summary>
internal sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
