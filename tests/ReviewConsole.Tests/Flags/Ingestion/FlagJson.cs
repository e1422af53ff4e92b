using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Testing;
using ReviewConsole.Testing.Flags;

namespace ReviewConsole.Tests.Flags.Ingestion;

/// <summary>Valid flag records as JSON, with the edits a test needs.</summary>
internal static class FlagJson
{
    public static readonly DateTimeOffset Now = FlagRecords.Now;

    public static JsonObject Record(string id = "flg_1", string completion = "Buy the best earbuds today, limited offer for everyone.", string org = "org_a", string app = "app_a", string key = "key_a", double hate = 0.91, string classifierVersion = "v1") =>
        FlagRecords.Record(id, completion, org, app, key, hate, classifierVersion);

    public static JsonObject ModerationResult(bool flagged = true) => FlagRecords.ModerationResult(flagged);

    public static JsonObject WithModeration(JsonObject record, JsonNode moderation) => FlagRecords.WithModeration(record, moderation);

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
