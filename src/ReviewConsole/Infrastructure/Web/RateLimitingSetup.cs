using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ReviewConsole.Infrastructure.Web;

/// <summary>
/// Fixed one-minute windows: sign-in form posts per client IP (guessing passwords across accounts,
/// which per-account lockout alone does not stop) and /api/v1 calls per token (one integration
/// cannot starve the others). Everything else is unlimited. Rejections answer 429 with Retry-After
/// and a body that says what happened.
/// </summary>
public static class RateLimitingSetup
{
    private static readonly string[] SignInPaths = ["/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode"];

    public static IServiceCollection AddConsoleRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(Partition);
            options.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    public static bool IsSignInPost(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpMethods.IsPost(request.Method) && SignInPaths.Any(p => request.Path.Equals(p, StringComparison.OrdinalIgnoreCase));
    }

    public static bool IsApi(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Path.StartsWithSegments("/api/v1", StringComparison.OrdinalIgnoreCase);
    }

    private static RateLimitPartition<string> Partition(HttpContext context)
    {
        var security = context.RequestServices.GetRequiredService<IOptionsMonitor<SecurityOptions>>().CurrentValue;
        if (IsSignInPost(context.Request))
        {
            var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            return RateLimitPartition.GetFixedWindowLimiter("signin:" + ip, _ => Window(security.SignInPermitsPerMinute));
        }

        if (IsApi(context.Request))
        {
            // Keyed by a hash of the presented token, so raw secrets are not kept as keys; calls
            // without a token share their IP's partition.
            string? authorization = context.Request.Headers.Authorization;
            var key = string.IsNullOrEmpty(authorization)
                ? "api-ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown")
                : "api-token:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(authorization)), 0, 16);
            return RateLimitPartition.GetFixedWindowLimiter(key, _ => Window(security.ApiPermitsPerMinute));
        }

        return RateLimitPartition.GetNoLimiter("unlimited");
    }

    private static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? (int)Math.Ceiling(after.TotalSeconds) : 60;
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        if (IsApi(context.Request))
        {
            await context.Response.WriteAsJsonAsync(
                new { error = "rate_limited", message = $"Too many requests with this API token. Retry after {retryAfter} seconds.", retryAfterSeconds = retryAfter },
                cancellationToken);
            return;
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync($"Too many sign-in attempts from your address. Wait {retryAfter} seconds and try again.", cancellationToken);
    }
}
