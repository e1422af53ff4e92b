using System.Text.Json;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>What a batch body turned out to be.</summary>
public enum JsonBatchShape
{
    /// <summary>An array of records (at the root, or under the named property).</summary>
    Records,

    /// <summary>Not JSON at all (or more than one value).</summary>
    InvalidJson,

    /// <summary>Valid JSON, but neither an array nor an object whose named property is one.</summary>
    NotABatch,
}

/// <summary>
/// Finds the records of a batch body — an array, or an object whose <c>arrayProperty</c> is an array
/// — as slices of the body's own bytes, in one forward pass of <see cref="Utf8JsonReader"/> that also
/// validates the whole body. The record parser then reads each slice as it is: no UTF-16 copy of
/// each record, no second encoding, no document of the whole batch kept in memory.
/// </summary>
public static class JsonBatch
{
    public static JsonBatchShape Split(ReadOnlyMemory<byte> body, string? arrayProperty, int maxDepth, List<ReadOnlyMemory<byte>> records, out string? error)
    {
        ArgumentNullException.ThrowIfNull(records);
        records.Clear();
        error = null;
        var reader = new Utf8JsonReader(body.Span, new JsonReaderOptions { MaxDepth = maxDepth });
        try
        {
            if (!reader.Read())
            {
                error = "the body is empty";
                return JsonBatchShape.InvalidJson;
            }

            var found = false;
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                ReadArray(ref reader, body, records);
                found = true;
            }
            else if (reader.TokenType == JsonTokenType.StartObject && arrayProperty is not null)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var named = reader.ValueTextEquals(arrayProperty);
                    reader.Read();
                    if (named && reader.TokenType == JsonTokenType.StartArray)
                    {
                        // The last occurrence wins, as it does for JsonElement.TryGetProperty.
                        records.Clear();
                        ReadArray(ref reader, body, records);
                        found = true;
                    }
                    else
                    {
                        found &= !named;
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Skip();
            }

            // Anything after the root value is invalid JSON (the reader throws).
            while (reader.Read())
            {
            }

            if (!found)
            {
                records.Clear();
                return JsonBatchShape.NotABatch;
            }

            return JsonBatchShape.Records;
        }
        catch (JsonException ex)
        {
            records.Clear();
            error = ex.Message.Split(" Path:")[0].Split(" LineNumber:")[0];
            return JsonBatchShape.InvalidJson;
        }
    }

    private static void ReadArray(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body, List<ReadOnlyMemory<byte>> records)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = checked((int)reader.TokenStartIndex);
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }

            records.Add(body[start..checked((int)reader.BytesConsumed)]);
        }
    }
}
