using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
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

/// <summary>The gateway's answer: delivered (confirmed by the platform or not), or a failure worth
/// retrying (timeouts, 5xx, 429) or not (other 4xx: retrying cannot help).</summary>
public sealed record DeliveryOutcome(DeliveryStatus Status, string Detail, bool ConfirmedAtPlatform)
{
    public static DeliveryOutcome Delivered(string detail, bool confirmed = true) => new(DeliveryStatus.Delivered, detail, confirmed);

    public static DeliveryOutcome Transient(string error) => new(DeliveryStatus.Transient, error, false);

    public static DeliveryOutcome Permanent(string error) => new(DeliveryStatus.Permanent, error, false);
}

/// <summary>The boundary to the API platform (chosen by <c>Platform:Gateway</c>).</summary>
public interface IEnforcementGateway
{
    Task<DeliveryOutcome> DeliverAsync(EnforcementDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>
/// The console's own key registry is the platform's source of truth: the platform reads
/// <c>GET /api/v1/keys/{keyId}</c> and the revocation feed. Delivery is the registry update itself,
/// which the executor applies in the transaction that marks the action Succeeded.
/// </summary>
public sealed class LocalEnforcementGateway : IEnforcementGateway
{
    public Task<DeliveryOutcome> DeliverAsync(EnforcementDelivery delivery, CancellationToken cancellationToken) =>
        Task.FromResult(DeliveryOutcome.Delivered("Applied to the local key registry (read by the platform)."));
}

/// <summary>
/// Calls the platform's admin API: <c>POST {BaseUrl}v1/enforcement-actions</c> with an
/// <c>Idempotency-Key</c> (the same for every attempt of an action, so the platform applies it once)
/// and a Standard Webhooks HMAC signature over the exact body sent.
/// </summary>
public sealed class HttpEnforcementGateway(IHttpClientFactory httpClients, IOptions<PlatformOptions> options, TimeProvider clock) : IEnforcementGateway
{
    public const string ClientName = "platform";
    public const string ActionsPath = "v1/enforcement-actions";

    public async Task<DeliveryOutcome> DeliverAsync(EnforcementDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var platform = options.Value;
        var body = EnforcementJson.Serialize(new
        {
            id = delivery.IdempotencyKey,
            actionId = delivery.ActionId,
            kind = delivery.Kind,
            target = new { type = delivery.TargetType, id = delivery.TargetExternalId },
            organizationId = delivery.OrganizationExternalId,
            parameters = delivery.ParametersJson is null ? (System.Text.Json.JsonElement?)null : System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(delivery.ParametersJson),
            reason = delivery.Reason,
            policyClause = delivery.PolicyClause,
            expiresAt = delivery.ExpiresAt,
            attempt = delivery.Attempt,
        });
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseOf(platform), ActionsPath))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", delivery.IdempotencyKey);
        request.Headers.Add(WebhookSignature.IdHeader, delivery.IdempotencyKey);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(platform.SigningSecret!, delivery.IdempotencyKey, timestamp, body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(platform.TimeoutSeconds));
        try
        {
            using var response = await httpClients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            var detail = $"HTTP {code} {response.ReasonPhrase}";
            if (response.IsSuccessStatusCode)
            {
                return DeliveryOutcome.Delivered(detail);
            }

            var text = await ReadSnippetAsync(response, timeout.Token);
            return code >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or (HttpStatusCode)425
                ? DeliveryOutcome.Transient($"{detail}: {text}")
                : DeliveryOutcome.Permanent($"{detail}: {text}");
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
