using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace ReviewConsole.Infrastructure.Api;

public static class ApiSetup
{
    /// <summary>The token scheme and one policy per scope (<see cref="ApiScopes.Policy"/>).</summary>
    public static IServiceCollection AddApiTokens(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        services.Configure<AuthorizationOptions>(options =>
        {
            options.AddPolicy(ApiScopes.AnyTokenPolicy, policy => policy
                .AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireClaim(ApiTokenAuthenticationHandler.TokenIdClaim));
            foreach (var scope in ApiScopes.All)
            {
                options.AddPolicy(ApiScopes.Policy(scope), policy => policy
                    .AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName)
                    .RequireAuthenticatedUser()
                    .RequireClaim(ApiTokenAuthenticationHandler.ScopeClaim, scope));
            }
        });
        return services;
    }

    /// <summary>The /api/v1 group: token-only, no antiforgery (no cookies are accepted). The group
    /// itself requires a valid token, authenticated by the token scheme alone, so an endpoint that
    /// forgets its scope policy still never runs on a browser's cookie.</summary>
    public static RouteGroupBuilder MapApiV1(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1").DisableAntiforgery();
        group.RequireAuthorization(ApiScopes.AnyTokenPolicy);
        return group;
    }

    /// <summary><c>GET /api/v1/whoami</c>: the calling token's name and scopes (any valid token), for
    /// integrators checking their setup.</summary>
    public static IEndpointRouteBuilder MapApiTokens(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapApiV1().MapGet("/whoami", (ClaimsPrincipal user) => TypedResults.Ok(new WhoAmI(
                long.Parse(user.FindFirstValue(ApiTokenAuthenticationHandler.TokenIdClaim)!, CultureInfo.InvariantCulture),
                user.Identity?.Name ?? "",
                user.FindAll(ApiTokenAuthenticationHandler.ScopeClaim).Select(c => c.Value).ToList(),
                user.FindFirstValue(ApiTokenAuthenticationHandler.OrganizationClaim) is { } org ? long.Parse(org, CultureInfo.InvariantCulture) : null)))
            .WithName("ApiWhoAmI");
        return endpoints;
    }
}

/// <summary>The body of <c>GET /api/v1/whoami</c>.</summary>
public sealed record WhoAmI(long TokenId, string Name, IReadOnlyList<string> Scopes, long? OrganizationId);
