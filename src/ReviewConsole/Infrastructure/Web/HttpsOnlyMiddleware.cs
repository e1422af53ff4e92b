using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ReviewConsole.Infrastructure.Web;

/// <summary>
/// The port of this process's HTTPS endpoint, if it has one: the standard <c>https_port</c> setting
/// (<c>ASPNETCORE_HTTPS_PORT</c>, for a port a proxy publishes) or else the first https:// address
/// Kestrel listens on. Read after the server started, when dynamic ports are known.
/// </summary>
public sealed class HttpsEndpoint(IServer server, IConfiguration configuration)
{
    private readonly Lazy<int?> port = new(() => Discover(server, configuration));

    public int? Port => port.Value;

    private static int? Discover(IServer server, IConfiguration configuration)
    {
        if (int.TryParse(configuration["https_port"], NumberStyles.None, CultureInfo.InvariantCulture, out var configured) && configured is > 0 and <= 65535)
        {
            return configured;
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            // Kestrel reports wildcard hosts (https://[::]:443, https://+:443) that Uri may not parse.
            if (address.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(address[(address.LastIndexOf(':') + 1)..].TrimEnd('/'), NumberStyles.None, CultureInfo.InvariantCulture, out var listening)
                && listening > 0)
            {
                return listening;
            }
        }

        return null;
    }
}

/// <summary>
/// Production only, right after the forwarded headers: a request that did not arrive over TLS,
/// directly or through a trusted proxy that says so (<c>X-Forwarded-Proto: https</c>), goes no
/// further. With an HTTPS endpoint it is redirected there (307, method and body kept); without one
/// it gets a plain 400 page naming the fix. <c>/healthz</c> stays reachable over HTTP because load
/// balancers probe nodes directly and it carries no cookies or secrets.
/// </summary>
public sealed class HttpsOnlyMiddleware(RequestDelegate next, HttpsEndpoint https)
{
    public const string RefusalText =
        "This console is served over HTTPS only. Open it with an https:// address. " +
        "If a TLS-terminating proxy sits in front of it, list that proxy in ForwardedHeaders:KnownProxies or ForwardedHeaders:KnownNetworks " +
        "so that its X-Forwarded-Proto header is trusted.";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (request.IsHttps || request.Path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }

        // API clients get no redirect: the token has already crossed the network in clear, and a
        // silent follow would hide that from the integrator.
        if (https.Port is { } port && request.Host.HasValue && !RateLimitingSetup.IsApi(request))
        {
            var host = new HostString(request.Host.Host, port);
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = string.Concat("https://", host.ToUriComponent(), request.PathBase.ToUriComponent(), request.Path.ToUriComponent(), request.QueryString.ToUriComponent());
            return Task.CompletedTask;
        }

        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        if (RateLimitingSetup.IsApi(request))
        {
            return context.Response.WriteAsJsonAsync(new { error = "https_required", message = RefusalText });
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(RefusalText);
    }
}
