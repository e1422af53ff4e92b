using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.UseCases;

/// <summary>The intake API: developers (through their organization's token) submit, resubmit and
/// read the status of their use cases.</summary>
public static class UseCasesApi
{
    public static RouteGroupBuilder MapUseCasesApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/use-cases").RequireAuthorization(ApiScopes.Policy(ApiScopes.UseCasesWrite));
        group.MapPost("/", SubmitAsync);
        group.MapGet("/{id:long}", GetAsync);
        group.MapPut("/{id:long}", ResubmitAsync);
        return group;
    }

    private static async Task<IResult> SubmitAsync(HttpRequest http, ClaimsPrincipal user, UseCaseIntakeService intake, CancellationToken cancellationToken)
    {
        var (request, problem) = await ReadAsync(http, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var submitter = SubmitterOf(user);
        var result = await intake.SubmitAsync(request, submitter, cancellationToken);
        if (!result.Succeeded)
        {
            return Problem(result);
        }

        var status = await intake.GetStatusAsync(result.SubmissionId!.Value, submitter, cancellationToken);
        return Results.Created($"/api/v1/use-cases/{result.SubmissionId.Value.ToString(CultureInfo.InvariantCulture)}", status);
    }

    private static async Task<IResult> ResubmitAsync(long id, HttpRequest http, ClaimsPrincipal user, UseCaseIntakeService intake, CancellationToken cancellationToken)
    {
        var (request, problem) = await ReadAsync(http, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var submitter = SubmitterOf(user);
        var result = await intake.ResubmitAsync(id, request, submitter, cancellationToken);
        return result.Succeeded
            ? Results.Ok(await intake.GetStatusAsync(id, submitter, cancellationToken))
            : Problem(result);
    }

    private static async Task<IResult> GetAsync(long id, ClaimsPrincipal user, UseCaseIntakeService intake, CancellationToken cancellationToken)
    {
        var status = await intake.GetStatusAsync(id, SubmitterOf(user), cancellationToken);
        return status is null
            ? Results.NotFound(new { error = "not_found", message = $"No use case {id} for this token's organization." })
            : Results.Ok(status);
    }

    private static IResult Problem(IntakeResult result) => result.Outcome switch
    {
        IntakeOutcome.Invalid => Results.ValidationProblem(result.Errors.ToDictionary(), detail: "The submission was not saved; fix the fields listed in 'errors'.", title: "Invalid use-case submission"),
        IntakeOutcome.NotFound => Results.NotFound(new { error = "not_found", message = result.Message }),
        _ => Results.Conflict(new { error = "conflict", message = result.Message }),
    };

    private static async Task<(UseCaseSubmissionRequest? Request, IResult? Problem)> ReadAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        if (!http.HasJsonContentType())
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send the submission as application/json."));
        }

        try
        {
            var request = await JsonSerializer.DeserializeAsync<UseCaseSubmissionRequest>(http.Body, UseCaseContent.Json, cancellationToken);
            return (request, null);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            var errors = new Dictionary<string, string[]>
            {
                [field] = [field == "body" ? "The body is not valid JSON." : $"The value of '{field}' has the wrong type."],
            };
            return (null, Results.ValidationProblem(errors, detail: "The submission was not saved.", title: "Invalid use-case submission"));
        }
    }

    private static Submitter SubmitterOf(ClaimsPrincipal user)
    {
        var tokenId = long.Parse(user.FindFirstValue(ApiTokenAuthenticationHandler.TokenIdClaim)!, CultureInfo.InvariantCulture);
        long? org = long.TryParse(user.FindFirstValue(ApiTokenAuthenticationHandler.OrganizationClaim), NumberStyles.Integer, CultureInfo.InvariantCulture, out var o) ? o : null;
        return new Submitter(StaffUser.ForToken(tokenId, user.Identity?.Name ?? $"token {tokenId}"), tokenId, org);
    }
}
