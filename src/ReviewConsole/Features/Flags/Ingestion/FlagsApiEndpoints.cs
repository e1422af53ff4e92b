using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>
/// <c>POST /api/v1/flags</c>: a batch of up to <see cref="IngestionOptions.MaxBatchSize"/> flag
/// records (a JSON array, or <c>{"flags":[...]}</c>), answered record by record. A body that is not
/// JSON at all is refused as a whole (400) and recorded as one ingestion error.
/// </summary>
public static class FlagsApiEndpoints
{
    /// <summary>1,000 records of a few KB each fit comfortably; records over the field limit are
    /// rejected one by one, so the body cap only stops abuse.</summary>
    public const long MaxBodyBytes = 64L * 1024 * 1024;

    public static RouteGroupBuilder MapFlagsApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapPost("/flags", PostAsync)
            .RequireAuthorization(ApiScopes.Policy(ApiScopes.FlagsWrite))
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithName("PostFlags");
        return api;
    }

    private static async Task<IResult> PostAsync(
        HttpContext context,
        FlagIngestionService ingestion,
        IDbContextFactory<AppDbContext> dbFactory,
        IOptionsMonitor<IngestionOptions> options,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var by = StaffUser.From(context.User);
        var requestId = context.TraceIdentifier;
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, cancellationToken);
        var bytes = body.GetBuffer().AsMemory(0, (int)body.Length);

        var slices = new List<ReadOnlyMemory<byte>>();
        switch (JsonBatch.Split(bytes, "flags", 20, slices, out var error))
        {
            case JsonBatchShape.InvalidJson:
                await RecordBodyErrorAsync(dbFactory, $"invalid_json: the request body is not JSON ({error})", requestId, bytes, clock, cancellationToken);
                return Problem("invalid_json", "The request body is not valid JSON; send an array of flag records or {\"flags\":[...]}.");
            case JsonBatchShape.NotABatch:
                await RecordBodyErrorAsync(dbFactory, "invalid_batch: the body must be an array of records or {\"flags\":[...]}", requestId, bytes, clock, cancellationToken);
                return Problem("invalid_batch", "Send an array of flag records or {\"flags\":[...]}.");
        }

        var max = options.CurrentValue.MaxBatchSize;
        if (slices.Count == 0)
        {
            return Problem("empty_batch", "The batch holds no records.");
        }

        if (slices.Count > max)
        {
            return Results.Json(
                new { error = "batch_too_large", message = $"A batch holds at most {max} records; this one holds {slices.Count}." },
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        // Each record is a slice of the request body's bytes (no copy); the body outlives the ingestion.
        var records = new List<RawFlagRecord>(slices.Count);
        for (var index = 0; index < slices.Count; index++)
        {
            records.Add(new RawFlagRecord(slices[index], string.Create(CultureInfo.InvariantCulture, $"api request {requestId} record {index}")));
        }

        var result = await ingestion.IngestAsync(FlagSource.Api, records, by, $"request {requestId}", cancellationToken);
        return Results.Ok(new PushFlagsResponse(
            result.Stored,
            result.Duplicates,
            result.Rejected,
            result.Records.Select(r => new PushFlagResult(r.Index, r.UpstreamId, Status(r.Outcome), r.FlagId, r.Reason)).ToList()));
    }

    private static string Status(IngestOutcome outcome) => outcome switch
    {
        IngestOutcome.Stored => "stored",
        IngestOutcome.Duplicate => "duplicate",
        _ => "rejected",
    };

    private static IResult Problem(string error, string message) =>
        Results.Json(new { error, message }, statusCode: StatusCodes.Status400BadRequest);

    private static async Task RecordBodyErrorAsync(IDbContextFactory<AppDbContext> dbFactory, string reason, string requestId, ReadOnlyMemory<byte> body, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await FlagIngestionService.RecordErrorAsync(db, FlagSource.Api, reason, null, $"api request {requestId}", body, clock.GetUtcNow(), cancellationToken);
    }
}

/// <summary>The push API's answer (snake_case on the wire).</summary>
public sealed record PushFlagsResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("stored")] int Stored,
    [property: System.Text.Json.Serialization.JsonPropertyName("duplicates")] int Duplicates,
    [property: System.Text.Json.Serialization.JsonPropertyName("rejected")] int Rejected,
    [property: System.Text.Json.Serialization.JsonPropertyName("results")] IReadOnlyList<PushFlagResult> Results);

public sealed record PushFlagResult(
    [property: System.Text.Json.Serialization.JsonPropertyName("index")] int Index,
    [property: System.Text.Json.Serialization.JsonPropertyName("id")] string? Id,
    [property: System.Text.Json.Serialization.JsonPropertyName("status")] string Status,
    [property: System.Text.Json.Serialization.JsonPropertyName("flag_id")] long? FlagId,
    [property: System.Text.Json.Serialization.JsonPropertyName("reason")] string? Reason);
