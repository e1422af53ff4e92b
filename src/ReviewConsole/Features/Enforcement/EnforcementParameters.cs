using System.Text.Json;
using System.Text.Json.Serialization;
using ReviewConsole.Data.Actors;

namespace ReviewConsole.Features.Enforcement;

/// <summary>Kind-specific parameters, stored as JSON in <c>EnforcementAction.ParametersJson</c>. Null limits mean unlimited.</summary>
public sealed record RateLimitParameters(int? Rpm, int? Tpm);

public sealed record QuotaParameters(long? MonthlyTokens);

public sealed record ModelAccessParameters(IReadOnlyList<string>? Models);

/// <summary>A rendered notice: placeholders were checked and filled before the action was requested.</summary>
public sealed record NoticeParameters(string Template, string Subject, string Body);

/// <summary>A limit reversal: put each key's limits back as they were.</summary>
public sealed record RestoreParameters(IReadOnlyList<KeySnapshot> Restore);

public sealed record KeySnapshot(long KeyId, ApiKeyStatus Status, int? Rpm, int? Tpm, long? Quota, string? Models);

/// <summary>The target as it was before an effect (<c>EnforcementAction.PreviousStateJson</c>).</summary>
public sealed record TargetSnapshot(ActorStatus? OrganizationStatus, ActorStatus? ApplicationStatus, IReadOnlyList<KeySnapshot> Keys);

public static class EnforcementJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T? Deserialize<T>(string? json) => string.IsNullOrEmpty(json) ? default : JsonSerializer.Deserialize<T>(json, Options);
}
