using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;

namespace ReviewConsole.Features.Enforcement;

/// <summary>
/// The parameter contract of an action kind: one record type per kind (see
/// <see cref="EnforcementContract"/>), written by the feature that requests the action and read by
/// the executor and the gateway. Null limits mean "no limit".
/// </summary>
public abstract record EnforcementParameters
{
    /// <summary>What is wrong with the values (empty when they are acceptable).</summary>
    public virtual IEnumerable<string> Problems() => [];
}

/// <summary>Warn, RevokeKey, ReinstateKey, SuspendApplication, SuspendOrganization, Reinstate: the
/// kind and the target say everything; the stored parameters are empty.</summary>
public sealed record NoParameters : EnforcementParameters
{
    public static readonly NoParameters Instance = new();
}

/// <summary>SetRateLimit: requests and tokens per minute.</summary>
public sealed record RateLimitParameters(int? Rpm, int? Tpm) : EnforcementParameters
{
    public override IEnumerable<string> Problems()
    {
        if (Rpm is <= 0)
        {
            yield return "rpm must be positive (or absent for no limit).";
        }

        if (Tpm is <= 0)
        {
            yield return "tpm must be positive (or absent for no limit).";
        }
    }
}

/// <summary>SetQuota: tokens per calendar month.</summary>
public sealed record QuotaParameters(long? MonthlyTokens) : EnforcementParameters
{
    public override IEnumerable<string> Problems()
    {
        if (MonthlyTokens is <= 0)
        {
            yield return "monthlyTokens must be positive (or absent for no quota).";
        }
    }
}

/// <summary>RestrictModelAccess: the models the keys may use (null = all).</summary>
public sealed record ModelAccessParameters(IReadOnlyList<string>? Models) : EnforcementParameters
{
    public override IEnumerable<string> Problems()
    {
        if (Models is not null && (Models.Count == 0 || Models.Any(m => string.IsNullOrWhiteSpace(m) || m.Contains(',', StringComparison.Ordinal))))
        {
            yield return "models must list at least one model name (names cannot contain commas).";
        }
    }
}

/// <summary>Every limit the key registry holds, as one set. Null = no limit of that kind.</summary>
public sealed record LimitSet(
    long? MonthlyTokenQuota = null,
    int? Rpm = null,
    int? Tpm = null,
    int? MaxOutputTokens = null,
    IReadOnlyList<string>? AllowedModels = null,
    int? PilotEndUserCap = null)
{
    public static readonly LimitSet None = new();

    public IEnumerable<string> Problems()
    {
        if (MonthlyTokenQuota is <= 0)
        {
            yield return "monthlyTokenQuota must be positive.";
        }

        if (Rpm is <= 0 || Tpm is <= 0)
        {
            yield return "rpm and tpm must be positive.";
        }

        if (MaxOutputTokens is <= 0 or > 1_000_000)
        {
            yield return "maxOutputTokens must be between 1 and 1,000,000.";
        }

        if (PilotEndUserCap is <= 0)
        {
            yield return "pilotEndUserCap must be positive.";
        }

        if (AllowedModels is not null && (AllowedModels.Count == 0 || AllowedModels.Any(m => string.IsNullOrWhiteSpace(m) || m.Contains(',', StringComparison.Ordinal))))
        {
            yield return "allowedModels must list at least one model name (names cannot contain commas).";
        }
    }

    /// <summary>The registry column form of <see cref="AllowedModels"/>.</summary>
    public string? ModelsColumn => AllowedModels is null ? null : string.Join(',', AllowedModels);

    public static IReadOnlyList<string>? ModelsOf(string? column) =>
        column is null ? null : column.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>SetLimits: the whole limit set at once (use-case approvals, staged-access tiers and halts).
/// On an application or organization the set also becomes the default of keys created later.</summary>
public sealed record LimitParameters(string? Tier, LimitSet Limits) : EnforcementParameters
{
    public override IEnumerable<string> Problems() => Limits is null ? ["limits are required."] : Limits.Problems();
}

/// <summary>One key's registry state, as captured before an effect.</summary>
public sealed record KeySnapshot(long KeyId, ApiKeyStatus Status, LimitSet Limits);

/// <summary>RestoreLimits: put each key's limits (and the target's defaults) back as captured.</summary>
public sealed record RestoreParameters(IReadOnlyList<KeySnapshot> Keys, LimitSet? Defaults) : EnforcementParameters;

/// <summary>GrantResearchCredits: subsidized credits for a research access approval.</summary>
public sealed record ResearchCreditParameters(decimal CreditsUsd, long SubmissionId) : EnforcementParameters
{
    public override IEnumerable<string> Problems()
    {
        if (CreditsUsd is <= 0 or > 10_000_000)
        {
            yield return "creditsUsd must be between 0 and 10,000,000.";
        }

        if (SubmissionId <= 0)
        {
            yield return "submissionId is required.";
        }
    }
}

/// <summary>SendNotice: a rendered notice (placeholders were checked and filled before the action was
/// requested), the template version it came from and the sanction or decision it is about.</summary>
public sealed record NoticeParameters(string Template, int? TemplateVersion, string Subject, string Body, long? RelatedActionId = null) : EnforcementParameters
{
    public override IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Subject) || Subject.Length > 300)
        {
            yield return "subject is required (at most 300 characters).";
        }

        if (string.IsNullOrWhiteSpace(Body) || Body.Length > 8000)
        {
            yield return "body is required (at most 8000 characters).";
        }
    }
}

/// <summary>The target as it was before an effect (<c>EnforcementAction.PreviousStateJson</c>).</summary>
public sealed record TargetSnapshot(ActorStatus? OrganizationStatus, ActorStatus? ApplicationStatus, IReadOnlyList<KeySnapshot> Keys, LimitSet? Defaults = null);

/// <summary>
/// Which record each kind takes, and the one place parameters are serialized and parsed. Parsing
/// is strict (unknown or misspelt members are refused), so a writer and the executor cannot
/// disagree about a name: the request fails with a clear error instead of the effect silently
/// dropping a value.
/// </summary>
public static class EnforcementContract
{
    private static readonly Dictionary<EnforcementKind, Type> Types = new()
    {
        [EnforcementKind.Warn] = typeof(NoParameters),
        [EnforcementKind.RevokeKey] = typeof(NoParameters),
        [EnforcementKind.ReinstateKey] = typeof(NoParameters),
        [EnforcementKind.SuspendApplication] = typeof(NoParameters),
        [EnforcementKind.SuspendOrganization] = typeof(NoParameters),
        [EnforcementKind.Reinstate] = typeof(NoParameters),
        [EnforcementKind.SetRateLimit] = typeof(RateLimitParameters),
        [EnforcementKind.SetQuota] = typeof(QuotaParameters),
        [EnforcementKind.RestrictModelAccess] = typeof(ModelAccessParameters),
        [EnforcementKind.SendNotice] = typeof(NoticeParameters),
        [EnforcementKind.SetLimits] = typeof(LimitParameters),
        [EnforcementKind.RestoreLimits] = typeof(RestoreParameters),
        [EnforcementKind.GrantResearchCredits] = typeof(ResearchCreditParameters),
    };

    private static readonly JsonSerializerOptions Strict = new(EnforcementJson.Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
    };

    public static Type ParametersOf(EnforcementKind kind) =>
        Types.TryGetValue(kind, out var type) ? type : throw new ArgumentOutOfRangeException(nameof(kind), kind, "No parameter contract for this kind.");

    /// <summary>The stored form of <paramref name="parameters"/> for <paramref name="kind"/> (null when the kind takes none).</summary>
    public static string? Write(EnforcementKind kind, EnforcementParameters? parameters)
    {
        var type = ParametersOf(kind);
        parameters ??= type == typeof(NoParameters) ? NoParameters.Instance : throw new ArgumentException($"{kind} needs {type.Name}.", nameof(parameters));
        if (parameters.GetType() != type)
        {
            throw new ArgumentException($"{kind} takes {type.Name}, not {parameters.GetType().Name}.", nameof(parameters));
        }

        var problems = parameters.Problems().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid {kind} parameters: {string.Join(" ", problems)}", nameof(parameters));
        }

        return type == typeof(NoParameters) ? null : JsonSerializer.Serialize(parameters, type, EnforcementJson.Options);
    }

    /// <summary>Parses stored (or requested) parameters; throws <see cref="ArgumentException"/> naming the problem.</summary>
    public static EnforcementParameters Read(EnforcementKind kind, string? json)
    {
        var type = ParametersOf(kind);
        if (type == typeof(NoParameters))
        {
            return string.IsNullOrWhiteSpace(json) || json.Trim() is "{}" or "null"
                ? NoParameters.Instance
                : throw new ArgumentException($"{kind} takes no parameters.", nameof(json));
        }

        if (string.IsNullOrWhiteSpace(json))
        {
            throw new ArgumentException($"{kind} needs parameters ({Describe(type)}).", nameof(json));
        }

        EnforcementParameters? parsed;
        try
        {
            parsed = (EnforcementParameters?)JsonSerializer.Deserialize(json, type, Strict);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{kind} parameters do not match {type.Name} ({Describe(type)}): {e.Message}", nameof(json), e);
        }

        if (parsed is null)
        {
            throw new ArgumentException($"{kind} needs parameters ({Describe(type)}).", nameof(json));
        }

        var problems = parsed.Problems().ToList();
        return problems.Count == 0 ? parsed : throw new ArgumentException($"Invalid {kind} parameters: {string.Join(" ", problems)}", nameof(json));
    }

    public static T Read<T>(EnforcementAction action)
        where T : EnforcementParameters
    {
        ArgumentNullException.ThrowIfNull(action);
        return Read(action.Kind, action.ParametersJson) as T
            ?? throw new InvalidOperationException($"{action.Kind} carries {ParametersOf(action.Kind).Name}, not {typeof(T).Name}.");
    }

    /// <summary>The JSON member names of a contract, for error messages and the README.</summary>
    public static string Describe(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var names = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters()
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name!));
        return string.Join(", ", names);
    }

    /// <summary>The contract table: kind → record → JSON members.</summary>
    public static IReadOnlyList<(EnforcementKind Kind, string Record, string Members)> Table() =>
        Types.Select(t => (t.Key, t.Value.Name, Describe(t.Value))).ToList();

    public static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

public static class EnforcementJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },

        // Notice texts go to the platform's mailer, not into HTML: keep quotes and apostrophes readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T? Deserialize<T>(string? json) => string.IsNullOrEmpty(json) ? default : JsonSerializer.Deserialize<T>(json, Options);
}
