using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using ReviewConsole.Data.Enforcement;

namespace ReviewConsole.Features.Enforcement;

public sealed class EnforcementOptions : IValidatableObject
{
    public const string SectionName = "Enforcement";

    /// <summary>An action that restricts more active keys than this (whatever its kind) needs a Lead's approval.</summary>
    [Range(1, 10_000)]
    public int MaxKeysWithoutApproval { get; set; } = 5;

    /// <summary>An action that restricts keys which used more tokens this month than this needs a Lead's approval.</summary>
    [Range(1, long.MaxValue)]
    public long MaxMonthlyTokensWithoutApproval { get; set; } = 500_000_000;

    /// <summary>How long a sanction confirmed from a strike proposal lasts before it is reversed.</summary>
    [Range(1, 3650)]
    public int StrikeSanctionDays { get; set; } = 30;

    /// <summary>Deliveries before an action is dead-lettered.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The first retry waits about this long; each further retry doubles it (with jitter).</summary>
    [Range(0.01, 3600)]
    public double BaseBackoffSeconds { get; set; } = 5;

    [Range(0.01, 86_400)]
    public double MaxBackoffSeconds { get; set; } = 600;

    /// <summary>How long a worker owns a picked-up action; after that another node may take it over.</summary>
    [Range(1, 3600)]
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>Seconds between outbox polls of this node (actions requested by other features are
    /// picked up within this delay).</summary>
    [Range(0.1, 3600)]
    public double PollSeconds { get; set; } = 3;

    /// <summary>Run the in-process outbox poller (web-only nodes may turn it off).</summary>
    public bool PollerEnabled { get; set; } = true;

    /// <summary>Cron of the Hangfire sweeper (actions and strikes left behind).</summary>
    [Required]
    public string SweepCron { get; set; } = "* * * * *";

    /// <summary>Strike weight per violated category; categories not listed weigh <see cref="DefaultStrikeWeight"/>.</summary>
    public Dictionary<string, int> StrikeWeights { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    [Range(1, 100)]
    public int DefaultStrikeWeight { get; set; } = 1;

    /// <summary>Strikes stop counting after this many days.</summary>
    [Range(1, 3650)]
    public int StrikeLifetimeDays { get; set; } = 180;

    /// <summary>Points at which the next sanction is proposed, ascending. Empty = the built-in ladder.</summary>
    public List<StrikeThreshold> StrikeThresholds { get; set; } = [];

    /// <summary>The limits a "rate limit" proposal suggests.</summary>
    [Range(1, 1_000_000)]
    public int ProposedRateLimitRpm { get; set; } = 60;

    [Range(1, 100_000_000)]
    public int ProposedRateLimitTpm { get; set; } = 20_000;

    public static readonly IReadOnlyList<StrikeThreshold> DefaultLadder =
    [
        new() { Points = 1, Sanction = EnforcementKind.Warn },
        new() { Points = 3, Sanction = EnforcementKind.SetRateLimit },
        new() { Points = 6, Sanction = EnforcementKind.RevokeKey },
        new() { Points = 10, Sanction = EnforcementKind.SuspendOrganization },
    ];

    public IReadOnlyList<StrikeThreshold> Ladder => StrikeThresholds.Count > 0 ? StrikeThresholds : DefaultLadder;

    public int WeightOf(string category) =>
        StrikeWeights.TryGetValue(category, out var weight) ? weight : DefaultStrikeWeight;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var points = StrikeThresholds.Select(t => t.Points).ToList();
        if (points.Any(p => p < 1) || !points.SequenceEqual(points.Order()) || points.Distinct().Count() != points.Count)
        {
            yield return new ValidationResult("Enforcement:StrikeThresholds must have strictly ascending positive Points.", [nameof(StrikeThresholds)]);
        }

        if (StrikeThresholds.Any(t => !StrikeService.ProposableKinds.Contains(t.Sanction)))
        {
            yield return new ValidationResult($"Enforcement:StrikeThresholds:Sanction must be one of {string.Join(", ", StrikeService.ProposableKinds)}.", [nameof(StrikeThresholds)]);
        }

        if (StrikeWeights.Values.Any(w => w is < 0 or > 100))
        {
            yield return new ValidationResult("Enforcement:StrikeWeights values must be between 0 and 100.", [nameof(StrikeWeights)]);
        }

        if (MaxBackoffSeconds < BaseBackoffSeconds)
        {
            yield return new ValidationResult("Enforcement:MaxBackoffSeconds must be at least BaseBackoffSeconds.", [nameof(MaxBackoffSeconds)]);
        }
    }
}

public sealed class StrikeThreshold
{
    public int Points { get; set; }

    public EnforcementKind Sanction { get; set; }
}

[OptionsValidator]
public sealed partial class EnforcementOptionsValidator : IValidateOptions<EnforcementOptions>;

public enum PlatformGateway
{
    Local,
    Http,
}

/// <summary>Where enforcement is carried out: the console's own key registry, or the platform's admin API.</summary>
public sealed class PlatformOptions : IValidatableObject
{
    public const string SectionName = "Platform";

    public PlatformGateway Gateway { get; set; } = PlatformGateway.Local;

    /// <summary>The platform's admin API (Http gateway), e.g. <c>https://platform.internal/admin/</c>.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The shared HMAC secret (Standard Webhooks style; a <c>whsec_</c> prefix means base64).</summary>
    public string? SigningSecret { get; set; }

    /// <summary>Per-attempt timeout of the platform call (the resilience pipeline's timeout).</summary>
    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>The circuit opens when at least this share of calls in the sampling window failed...</summary>
    [Range(0.01, 1.0)]
    public double CircuitFailureRatio { get; set; } = 0.5;

    /// <summary>...and at least this many calls were made in it.</summary>
    [Range(2, 10_000)]
    public int CircuitMinimumThroughput { get; set; } = 10;

    [Range(1, 3600)]
    public int CircuitSamplingSeconds { get; set; } = 30;

    /// <summary>How long an open circuit refuses calls (actions wait in the outbox meanwhile).</summary>
    [Range(1, 3600)]
    public int CircuitBreakSeconds { get; set; } = 30;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Gateway != PlatformGateway.Http)
        {
            yield break;
        }

        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult("Platform:BaseUrl must be an absolute URL when Platform:Gateway is Http.", [nameof(BaseUrl)]);
        }

        if (SecretProblem(SigningSecret) is { } problem)
        {
            yield return new ValidationResult(problem, [nameof(SigningSecret)]);
        }

        if (CircuitSamplingSeconds < TimeoutSeconds * 2)
        {
            yield return new ValidationResult("Platform:CircuitSamplingSeconds must be at least twice Platform:TimeoutSeconds.", [nameof(CircuitSamplingSeconds)]);
        }
    }

    /// <summary>Why a signing secret cannot sign (null when it can): checked at start, not at the first delivery.</summary>
    public static string? SecretProblem(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return "Platform:SigningSecret is required when Platform:Gateway is Http.";
        }

        if (!secret.StartsWith(WebhookSignature.SecretPrefix, StringComparison.Ordinal))
        {
            return secret.Length < 16 ? "Platform:SigningSecret must be 16+ characters (or a whsec_ secret)." : null;
        }

        var encoded = secret[WebhookSignature.SecretPrefix.Length..];
        var bytes = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, bytes, out var length))
        {
            return "Platform:SigningSecret starts with whsec_ but the rest is not valid base64.";
        }

        return length is < 24 or > 64 ? $"Platform:SigningSecret (whsec_) must decode to 24–64 bytes; it decodes to {length}." : null;
    }
}

[OptionsValidator]
public sealed partial class PlatformOptionsValidator : IValidateOptions<PlatformOptions>;
