using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>One page of the detection pipeline's feed: each record's raw bytes (validated later, one
/// by one), the cursor of the next page, and whether there is more.</summary>
public sealed record FeedPage(IReadOnlyList<ReadOnlyMemory<byte>> Records, string? NextCursor, bool HasMore);

/// <summary>The page was not usable at all (HTTP error, not JSON, wrong shape): nothing is stored and
/// the cursor stays, so the same page is asked for again next run.</summary>
public sealed class FeedPageException(string message, Exception? inner = null, byte[]? payload = null) : Exception(message, inner)
{
    /// <summary>The body when one arrived but was unusable (recorded as an ingestion error); null for transport failures.</summary>
    public byte[]? Payload { get; } = payload;
}

/// <summary>The detection pipeline's pull feed (a real boundary: tests run a fake pipeline over HTTP).</summary>
public interface IFlagFeedClient
{
    Task<FeedPage> FetchAsync(string? cursor, int limit, CancellationToken cancellationToken);
}

/// <summary><c>GET {Feed:BaseUrl}/flags?cursor=C&amp;limit=N</c> → <c>{"data":[...],"next_cursor":"...","has_more":true}</c>.</summary>
public sealed class HttpFlagFeedClient(HttpClient http, IOptionsMonitor<FeedOptions> options) : IFlagFeedClient
{
    public async Task<FeedPage> FetchAsync(string? cursor, int limit, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var query = "flags?limit=" + limit.ToString(CultureInfo.InvariantCulture)
            + (string.IsNullOrEmpty(cursor) ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
        var url = new Uri(new Uri(settings.BaseUrl.TrimEnd('/') + "/"), query);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.RequestTimeout);
        byte[] body;
        try
        {
            using var response = await http.GetAsync(url, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new FeedPageException($"The feed answered {(int)response.StatusCode} {response.ReasonPhrase} for {url}.");
            }

            body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
        }
        catch (HttpRequestException ex)
        {
            throw new FeedPageException($"The feed at {url.GetLeftPart(UriPartial.Authority)} is unreachable: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FeedPageException($"The feed did not answer within {settings.RequestTimeout.TotalSeconds:0} s.", ex);
        }

        return ParsePage(body);
    }

    public static FeedPage ParsePage(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                throw new FeedPageException("The feed page has no \"data\" array.", null, body);
            }

            string? next = null;
            if (root.TryGetProperty("next_cursor", out var nextElement))
            {
                next = nextElement.ValueKind switch
                {
                    JsonValueKind.String => nextElement.GetString(),
                    JsonValueKind.Null => null,
                    _ => throw new FeedPageException("The feed page's next_cursor is not a string.", null, body),
                };
            }

            var hasMore = root.TryGetProperty("has_more", out var more) && more.ValueKind == JsonValueKind.True;
            // The records as slices of the page's bytes (no UTF-16 copy and re-encoding of each).
            var records = new List<ReadOnlyMemory<byte>>(data.GetArrayLength());
            JsonBatch.Split(body, "data", 64, records, out _);
            return new FeedPage(records, next, hasMore);
        }
        catch (JsonException ex)
        {
            throw new FeedPageException("The feed page is not valid JSON: " + ex.Message.Split(" Path:")[0], ex, body);
        }
    }
}
