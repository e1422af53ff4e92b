using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Actors;

/// <summary>One row of <c>POST /api/v1/usage</c>.</summary>
public sealed record UsageRowBody(
    [property: JsonPropertyName("key_id")] string? KeyId,
    [property: JsonPropertyName("date")] string? Date,
    [property: JsonPropertyName("tokens")] long? Tokens,
    [property: JsonPropertyName("requests")] long? Requests,
    [property: JsonPropertyName("end_users")] int? EndUsers);

public sealed record UsageBody([property: JsonPropertyName("data")] IReadOnlyList<UsageRowBody>? Data);

/// <summary>
/// <c>POST /api/v1/usage</c> (scope usage:write): the platform reports usage per key per UTC day.
/// 200 with counts when stored; 422 with every bad row's reasons (and nothing stored) otherwise.
/// A token bound to an organization reports only that organization's keys.
/// </summary>
public static class UsageApi
{
    public static RouteGroupBuilder MapUsageApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapPost("/usage", PostAsync).RequireAuthorization(ApiScopes.Policy(ApiScopes.UsageWrite));
        return api;
    }

    private static async Task<IResult> PostAsync(UsageBody? body, ClaimsPrincipal user, UsageService usage, CancellationToken cancellationToken)
    {
        if (body?.Data is not { } data)
        {
            return Results.Json(new { error = "invalid", message = "The body is {\"data\":[{\"key_id\",\"date\":\"yyyy-MM-dd\",\"tokens\",\"requests\",\"end_users\"?}, ...]}." }, statusCode: StatusCodes.Status400BadRequest);
        }

        if (data.Count > UsageService.MaxRows)
        {
            return Results.Json(new { error = "too_large", message = $"At most {UsageService.MaxRows} rows per request." }, statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        long? organization = long.TryParse(user.FindFirstValue(ApiTokenAuthenticationHandler.OrganizationClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var org) ? org : null;
        var rows = data.Select(r => r is null ? new UsageReport(null, null, null, null) : new UsageReport(r.KeyId, r.Date, r.Tokens, r.Requests, r.EndUsers)).ToList();
        var result = await usage.RecordAsync(rows, StaffUser.From(user), organization, cancellationToken);
        if (!result.Accepted)
        {
            return Results.Json(
                new
                {
                    error = "invalid_rows",
                    message = result.Message,
                    rows = result.Errors.Select(e => new { index = e.Row, key_id = e.KeyId, errors = e.Errors }),
                },
                statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        return Results.Json(new { inserted = result.Inserted, replaced = result.Replaced, unchanged = result.Unchanged });
    }
}
