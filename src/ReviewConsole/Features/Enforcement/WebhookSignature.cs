using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ReviewConsole.Features.Enforcement;

/// <summary>
/// HMAC-SHA256 signatures in the Standard Webhooks header style: <c>webhook-id</c>,
/// <c>webhook-timestamp</c> (Unix seconds) and <c>webhook-signature</c> = <c>v1,&lt;base64 HMAC of
/// "{id}.{timestamp}.{body}"&gt;</c> (several space-separated signatures are accepted when
/// verifying, for secret rotation). A secret starting with <c>whsec_</c> is base64 after the
/// prefix, as Standard Webhooks issues them; any other secret is used as its UTF-8 bytes.
/// </summary>
public static class WebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    public const string SecretPrefix = "whsec_";

    /// <summary>How far a timestamp may be from now before the message is refused as a replay.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, string id, long timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(body);
        var content = Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(KeyOf(secret), content));
    }

    public static SignatureCheck Verify(string secret, string? id, string? timestamp, string? signatures, string body, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
        {
            return SignatureCheck.MissingHeaders;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SignatureCheck.StaleTimestamp;
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253_402_300_799));
        if ((now - sentAt).Duration() > (tolerance ?? DefaultTolerance))
        {
            return SignatureCheck.StaleTimestamp;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, id, seconds, body ?? ""));
        foreach (var candidate in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(candidate)))
            {
                return SignatureCheck.Valid;
            }
        }

        return SignatureCheck.BadSignature;
    }

    private static byte[] KeyOf(string secret) =>
        secret.StartsWith(SecretPrefix, StringComparison.Ordinal)
            ? Convert.FromBase64String(secret[SecretPrefix.Length..])
            : Encoding.UTF8.GetBytes(secret);
}

public enum SignatureCheck
{
    Valid,
    MissingHeaders,
    StaleTimestamp,
    BadSignature,
}
