using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using ReviewConsole.Data.Enforcement;

namespace ReviewConsole.Features.Enforcement;

/// <summary>What a gateway needs to carry out one action at the platform (platform ids, not ours).</summary>
public sealed record EnforcementDelivery(
    long ActionId,
    string IdempotencyKey,
    EnforcementKind Kind,
    EnforcementTargetType TargetType,
    string TargetExternalId,
    string OrganizationExternalId,
    string? ParametersJson,
    EnforcementReason Reason,
    string? PolicyClause,
    DateTimeOffset? ExpiresAt,
    int Attempt);

public enum DeliveryStatus
{
    Delivered,
    Transient,
    Permanent,
}

/// <summary>The gateway's answer: delivered (confirmed by the platform, or applied to the local
/// registry), or a failure worth retrying (timeouts, 5xx, 408, 409, 425, 429, an open circuit) or
/// not (other 4xx: retrying cannot help). <see cref="RetryAfter"/> is the platform's own
/// <c>Retry-After</c> (or the circuit's remaining break), which the outbox honours.</summary>
public sealed record DeliveryOutcome(DeliveryStatus Status, string Detail, bool ConfirmedAtPlatform, TimeSpan? RetryAfter = null)
{
    public static DeliveryOutcome Delivered(string detail, bool confirmed = true) => new(DeliveryStatus.Delivered, detail, confirmed);

    public static DeliveryOutcome Transient(string error, TimeSpan? retryAfter = null) => new(DeliveryStatus.Transient, error, false, retryAfter);

    public static DeliveryOutcome Permanent(string error) => new(DeliveryStatus.Permanent, error, false);
}

/// <summary>The boundary to the API platform (chosen by <c>Platform:Gateway</c>).</summary>
public interface IEnforcementGateway
{
    Task<DeliveryOutcome> DeliverAsync(EnforcementDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>
/// The console's own key registry is the platform's source of truth: the platform reads
/// <c>GET /api/v1/keys/{keyId}</c>, the revocation feed and <c>GET /api/v1/notices</c>. Delivery is
/// the registry update itself, which the executor applies in the transaction that marks the action
/// Succeeded; nothing at the platform confirms it, and the label says so.
/// </summary>
public sealed class LocalEnforcementGateway : IEnforcementGateway
{
    public const string Label = "Applied to the local registry";

    public Task<DeliveryOutcome> DeliverAsync(EnforcementDelivery delivery, CancellationToken cancellationToken) =>
        Task.FromResult(DeliveryOutcome.Delivered(Label, confirmed: false));
}

/// <summary>
/// Calls the platform's admin API: <c>POST {BaseUrl}v1/enforcement-actions</c> with an
/// <c>Idempotency-Key</c> (the same for every attempt of an action, so the platform applies it once)
/// and a Standard Webhooks HMAC signature over the exact body sent. The body is built from the
/// action's row only, so it is byte-identical on every attempt under one key (a platform that
/// fingerprints payloads sees the same request). Timeouts and the circuit breaker come from the
/// client's resilience pipeline; retries stay in the outbox.
/// </summary>
public sealed class HttpEnforcementGateway(IHttpClientFactory httpClients, IOptions<PlatformOptions> options, TimeProvider clock) : IEnforcementGateway
{
    public const string ClientName = "platform";
    public const string ActionsPath = "v1/enforcement-actions";
    public const string AttemptHeader = "X-Delivery-Attempt";

    /// <summary>The request body of <paramref name="delivery"/>: nothing that differs between attempts.</summary>
    public static string BodyOf(EnforcementDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return EnforcementJson.Serialize(new PlatformActionBody(
            delivery.IdempotencyKey,
            delivery.ActionId,
            delivery.Kind,
            new PlatformTarget(delivery.TargetType, delivery.TargetExternalId),
            delivery.OrganizationExternalId,
            delivery.ParametersJson is null ? null : System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(delivery.ParametersJson),
            delivery.Reason,
            delivery.PolicyClause,
            delivery.ExpiresAt));
    }

    public async Task<DeliveryOutcome> DeliverAsync(EnforcementDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var platform = options.Value;
        var body = BodyOf(delivery);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseOf(platform), ActionsPath))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", delivery.IdempotencyKey);
        request.Headers.Add(AttemptHeader, delivery.Attempt.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.IdHeader, delivery.IdempotencyKey);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(platform.SigningSecret!, delivery.IdempotencyKey, timestamp, body));

        try
        {
            using var response = await httpClients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var code = (int)response.StatusCode;
            var detail = $"HTTP {code} {response.ReasonPhrase}";
            if (response.IsSuccessStatusCode)
            {
                return DeliveryOutcome.Delivered($"Confirmed by the platform ({detail})");
            }

            var text = await ReadSnippetAsync(response, cancellationToken);
            var retryAfter = RetryAfterOf(response, clock.GetUtcNow());
            return IsTransient(response.StatusCode)
                ? DeliveryOutcome.Transient($"{detail}: {text}", retryAfter)
                : DeliveryOutcome.Permanent($"{detail}: {text}");
        }
        catch (TimeoutRejectedException)
        {
            return DeliveryOutcome.Transient($"No answer within {platform.TimeoutSeconds} s.");
        }
        catch (BrokenCircuitException e)
        {
            return DeliveryOutcome.Transient($"Circuit open after repeated platform failures: {e.Message}", TimeSpan.FromSeconds(platform.CircuitBreakSeconds));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryOutcome.Transient($"No answer within {platform.TimeoutSeconds} s.");
        }
        catch (HttpRequestException e)
        {
            return DeliveryOutcome.Transient($"Connection failed: {e.Message}");
        }
        catch (IOException e)
        {
            return DeliveryOutcome.Transient($"Connection dropped: {e.Message}");
        }
    }

    /// <summary>409 (the platform is still processing this idempotency key), 408, 425, 429 and 5xx are worth another attempt.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests or (HttpStatusCode)425;

    public static TimeSpan? RetryAfterOf(HttpResponseMessage response, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - now : null);
        return wait is { } w ? (w < TimeSpan.Zero ? TimeSpan.Zero : w) : null;
    }

    private static Uri BaseOf(PlatformOptions platform)
    {
        var baseUrl = platform.BaseUrl ?? throw new InvalidOperationException("Platform:BaseUrl is not set.");
        return new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/", UriKind.Absolute);
    }

    private static async Task<string> ReadSnippetAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return text.Length > 300 ? text[..300] : text;
        }
        catch (HttpRequestException)
        {
            return "";
        }
        catch (IOException)
        {
            return "";
        }
    }
}

/// <summary>The platform's request body (<c>POST v1/enforcement-actions</c>); <c>parameters</c> is the kind's contract record.</summary>
public sealed record PlatformActionBody(
    string Id,
    long ActionId,
    EnforcementKind Kind,
    PlatformTarget Target,
    string OrganizationId,
    System.Text.Json.JsonElement? Parameters,
    EnforcementReason Reason,
    string? PolicyClause,
    DateTimeOffset? ExpiresAt);

public sealed record PlatformTarget(EnforcementTargetType Type, string Id);
