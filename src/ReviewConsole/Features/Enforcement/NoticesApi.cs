using System.Globalization;
using System.Security.Claims;
using ReviewConsole.Infrastructure.Api;

namespace ReviewConsole.Features.Enforcement;

/// <summary>
/// <c>GET /api/v1/notices?after=ID&amp;limit=N</c> (scope notices:read): an organization reads the
/// notices sent to it, oldest first after the cursor. Only a token bound to an organization can
/// read, and only its own notices.
/// </summary>
public static class NoticesApi
{
    public static RouteGroupBuilder MapNoticesApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/notices", ListAsync).RequireAuthorization(ApiScopes.Policy(ApiScopes.NoticesRead));
        return api;
    }

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, NoticeService notices, long? after, int? limit, CancellationToken cancellationToken)
    {
        if (!long.TryParse(user.FindFirstValue(ApiTokenAuthenticationHandler.OrganizationClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var organizationId))
        {
            return Results.Json(new { error = "forbidden", message = "Notices are read with a token bound to an organization." }, statusCode: StatusCodes.Status403Forbidden);
        }

        var take = Math.Clamp(limit ?? 100, 1, 500);
        var rows = await notices.ForOrganizationAsync(organizationId, Math.Max(0, after ?? 0), take + 1, cancellationToken);
        var page = rows.Take(take).ToList();
        return Results.Json(new
        {
            data = page.Select(n => new
            {
                id = n.Id,
                subject = n.Subject,
                body = n.Body,
                template = n.Template,
                template_version = n.TemplateVersion,
                sanction_id = n.RelatedActionId,
                created_at = n.CreatedAt,
            }),
            next_after = page.Count == 0 ? Math.Max(0, after ?? 0) : page[^1].Id,
            has_more = rows.Count > take,
        });
    }
}
