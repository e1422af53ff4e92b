using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Flags.Feedback;
using ReviewConsole.Infrastructure.Api;

namespace ReviewConsole.Infrastructure.Web;

/// <summary>
/// Fixed one-minute windows, answered with 429, Retry-After and a body that says what happened:
/// <list type="bullet">
/// <item>sign-in form posts per client address (guessing passwords across accounts, which
/// per-account lockout alone does not stop);</item>
/// <item>/api/v1 calls per valid token id (one integration cannot starve the others), and calls
/// without a valid token (none, made-up, revoked, expired) per client address, so inventing tokens
/// buys no fresh bucket: partitions are bounded by real addresses and issued tokens;</item>
/// <item>exports (statistics, audit, labeled flags) per signed-in user.</item>
/// </list>
/// Client addresses are read after the forwarded-headers middleware (<see cref="ClientAddress"/>).
/// Everything else is unlimited.
/// </summary>
public static class RateLimitingSetup
{
    private static readonly string[] SignInPaths = ["/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode"];

    private static readonly string[] ExportPaths = [AuditFeature.ExportPath, ClassifierExportEndpoint.Path, "/statistics/export"];

    public static IServiceCollection AddConsoleRateLimiting(this IServiceCollection services)
    {
        services.AddSingleton<RateLimitPartitionCounter>();
        services.AddSingleton<ConsoleRateLimiter>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<ConsoleRateLimiter>((options, limiter) =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = limiter.Limiter;
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

    public static bool IsExport(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ExportPaths.Any(p => request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? (int)Math.Ceiling(after.TotalSeconds) : 60;
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        if (IsApi(context.Request))
        {
            var message = context.Features.Get<ApiCaller>()?.TokenId is not null
                ? $"Too many requests with this API token. Retry after {retryAfter} seconds."
                : $"Too many requests without a valid API token from your address. Retry after {retryAfter} seconds.";
            await context.Response.WriteAsJsonAsync(new { error = "rate_limited", message, retryAfterSeconds = retryAfter }, cancellationToken);
            return;
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        var text = IsExport(context.Request)
            ? $"Too many exports in the last minute. Wait {retryAfter} seconds and try again."
            : $"Too many sign-in attempts from your address. Wait {retryAfter} seconds and try again.";
        await context.Response.WriteAsync(text, cancellationToken);
    }
}

/// <summary>What a rate-limit partition is keyed by.</summary>
public enum RateLimitPartitionKind
{
    SignInAddress,
    ApiToken,
    ApiAddress,
    ExportUser,
}

/// <summary>The console's one partitioned limiter (the rate-limiting middleware's global limiter).</summary>
public sealed class ConsoleRateLimiter : IDisposable
{
    private readonly IOptionsMonitor<SecurityOptions> security;
    private readonly RateLimitPartitionCounter counter;

    public ConsoleRateLimiter(IOptionsMonitor<SecurityOptions> security, RateLimitPartitionCounter counter)
    {
        this.security = security;
        this.counter = counter;
        Limiter = PartitionedRateLimiter.Create<HttpContext, string>(Partition);
    }

    public PartitionedRateLimiter<HttpContext> Limiter { get; }

    public void Dispose() => Limiter.Dispose();

    private RateLimitPartition<string> Partition(HttpContext context)
    {
        var options = security.CurrentValue;
        var request = context.Request;
        if (RateLimitingSetup.IsSignInPost(request))
        {
            return Window("signin:" + ClientAddress.PartitionKey(context), RateLimitPartitionKind.SignInAddress, options.SignInPermitsPerMinute);
        }

        if (RateLimitingSetup.IsApi(request))
        {
            // The token id is known only for a token the database accepted (ApiCallerMiddleware);
            // anything else is charged to the address it came from.
            return context.Features.Get<ApiCaller>()?.TokenId is { } tokenId
                ? Window("api-token:" + tokenId.ToString(CultureInfo.InvariantCulture), RateLimitPartitionKind.ApiToken, options.ApiPermitsPerMinute)
                : Window("api-address:" + ClientAddress.PartitionKey(context), RateLimitPartitionKind.ApiAddress, options.ApiUnauthenticatedPermitsPerMinute);
        }

        if (RateLimitingSetup.IsExport(request))
        {
            var user = context.User.Identity?.IsAuthenticated == true ? context.User.FindFirstValue(ClaimTypes.NameIdentifier) : null;
            return Window("export:" + (user ?? "address:" + ClientAddress.PartitionKey(context)), RateLimitPartitionKind.ExportUser, options.ExportsPerMinute);
        }

        return RateLimitPartition.GetNoLimiter("unlimited");
    }

    private RateLimitPartition<string> Window(string key, RateLimitPartitionKind kind, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ =>
        {
            // Runs once per partition the limiter creates, so it counts partitions, not requests.
            counter.Created(kind);
            return new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            };
        });
}

/// <summary>
/// How many rate-limit partitions have been created, per kind, also published as the metric
/// <c>reviewconsole.rate_limit.partitions_created</c> (meter <c>ReviewConsole.RateLimiting</c>).
/// A number that grows with made-up tokens rather than with real clients is an attack on memory.
/// </summary>
public sealed class RateLimitPartitionCounter
{
    public const string MeterName = "ReviewConsole.RateLimiting";

    private readonly long[] created = new long[Enum.GetValues<RateLimitPartitionKind>().Length];
    private readonly Counter<long> metric;

    public RateLimitPartitionCounter(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        metric = meters.Create(MeterName).CreateCounter<long>("reviewconsole.rate_limit.partitions_created", description: "Rate-limit partitions created, by kind.");
    }

    public long this[RateLimitPartitionKind kind] => Interlocked.Read(ref created[(int)kind]);

    public void Created(RateLimitPartitionKind kind)
    {
        Interlocked.Increment(ref created[(int)kind]);
        metric.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString()));
    }
}
