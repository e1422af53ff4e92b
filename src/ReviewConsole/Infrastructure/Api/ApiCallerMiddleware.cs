using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using ReviewConsole.Infrastructure.Web;

namespace ReviewConsole.Infrastructure.Api;

/// <summary>Who an /api/v1 request is charged to: a token the database accepted, or nobody (its address).</summary>
public sealed record ApiCaller(long? TokenId);

/// <summary>
/// Runs before the rate limiter on /api/v1: authenticates the presented token (the handler caches
/// the result, so authorization does not look it up again) and records the token id for the
/// limiter's partition. A valid token is charged to its own bucket even when its address is also
/// sending bad tokens, so one broken client behind a shared address cannot starve a working
/// integration; a lookup is one indexed read of a hash, and malformed tokens never reach the database.
/// </summary>
public sealed class ApiCallerMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!RateLimitingSetup.IsApi(context.Request))
        {
            await next(context);
            return;
        }

        long? tokenId = null;
        if (!string.IsNullOrEmpty(context.Request.Headers.Authorization))
        {
            var result = await context.AuthenticateAsync(ApiTokenAuthenticationHandler.SchemeName);
            if (result.Succeeded && long.TryParse(result.Principal.FindFirst(ApiTokenAuthenticationHandler.TokenIdClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                tokenId = id;
            }
        }

        context.Features.Set(new ApiCaller(tokenId));
        await next(context);
    }
}
