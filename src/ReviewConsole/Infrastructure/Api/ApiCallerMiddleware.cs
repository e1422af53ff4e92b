using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using ReviewConsole.Infrastructure.Web;

namespace ReviewConsole.Infrastructure.Api;

/// <summary>Who an /api/v1 request is charged to: a token the database accepted, or nobody (its address).</summary>
public sealed record ApiCaller(long? TokenId);

/// <summary>
/// Runs before the rate limiter on /api/v1: authenticates the presented token once (the handler
/// caches the result, so authorization does not look it up again) and records the token id for the
/// limiter's partition. An address that has used up its budget for calls without a valid token is
/// not given another database lookup in that window: its requests go on as tokenless and are
/// refused by the limiter.
/// </summary>
public sealed class ApiCallerMiddleware(RequestDelegate next, ConsoleRateLimiter limiter)
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
        if (!string.IsNullOrEmpty(context.Request.Headers.Authorization) && limiter.ApiAddressHasPermits(context))
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
