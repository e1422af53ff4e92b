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

    /// <summary>The /api/v1 group: token-only, no antiforgery (no cookies are accepted).</summary>
    public static RouteGroupBuilder MapApiV1(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGroup("/api/v1").DisableAntiforgery();
}
