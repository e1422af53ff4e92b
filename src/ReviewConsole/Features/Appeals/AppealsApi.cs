using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using ReviewConsole.Data.Appeals;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Appeals;

/// <summary>The body of <c>POST /api/v1/appeals</c>.</summary>
public sealed record AppealSubmission(
    [property: JsonPropertyName("sanction_id")] long? SanctionId,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("contact")] string? Contact);

public static class AppealsApi
{
    public static RouteGroupBuilder MapAppealsApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapPost("/appeals", SubmitAsync).RequireAuthorization(ApiScopes.Policy(ApiScopes.AppealsWrite));
        return api;
    }

    private static async Task<IResult> SubmitAsync(AppealSubmission? body, ClaimsPrincipal user, AppealService appeals, CancellationToken cancellationToken)
    {
        if (body?.SanctionId is not { } sanctionId)
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid", "The body needs sanction_id (the sanction's reference number) and text.");
        }

        long? organization = long.TryParse(user.FindFirstValue(Infrastructure.Api.ApiTokenAuthenticationHandler.OrganizationClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var org) ? org : null;
        var result = await appeals.FileAsync(new FileAppealRequest(sanctionId, body.Text ?? "", body.Contact), AppealSource.Api, StaffUser.From(user), organization, cancellationToken);
        return result.Status switch
        {
            AppealFileStatus.Created => Results.Json(
                new { id = result.Appeal!.Id, sanction_id = result.Appeal.EnforcementActionId, state = result.Appeal.State.ToString(), due_at = result.Appeal.DueAt },
                statusCode: StatusCodes.Status201Created),
            AppealFileStatus.Invalid => Problem(StatusCodes.Status400BadRequest, "invalid", result.Message),
            AppealFileStatus.NotFound => Problem(StatusCodes.Status404NotFound, "not_found", result.Message),
            AppealFileStatus.AlreadyAppealed => Problem(StatusCodes.Status409Conflict, "already_appealed", result.Message),
            AppealFileStatus.Forbidden => Problem(StatusCodes.Status403Forbidden, "forbidden", result.Message),
            _ => Problem(StatusCodes.Status422UnprocessableEntity, result.Status == AppealFileStatus.OutsideWindow ? "outside_window" : "not_appealable", result.Message),
        };
    }

    private static IResult Problem(int status, string error, string message) => Results.Json(new { error, message }, statusCode: status);
}
