using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace ReviewConsole.Infrastructure.Web;

/// <summary>
/// Who the client is and whether it reached us over TLS. Forwarded headers are believed only from
/// the proxies in <see cref="TrustedProxyOptions"/>, and they are applied first in the pipeline, so
/// everything after (the HTTPS rule, rate-limit partitions, audit request data, secure cookies) sees
/// the real client address and scheme, and a client that writes the headers itself changes nothing.
/// In Production the console is served over HTTPS only (its cookies are Secure-only): a plain-HTTP
/// request is redirected to the HTTPS endpoint when there is one, otherwise answered with a plain
/// 400 page that says why, never with the 500 that antiforgery would throw further down.
/// </summary>
public static class TransportSecuritySetup
{
    public static WebApplicationBuilder AddTransportSecurity(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(TrustedProxyOptions.SectionName);
        builder.Services.AddOptionsWithValidateOnStart<TrustedProxyOptions>()
            .Bind(section)
            .PostConfigure(options =>
            {
                // ForwardedHeaders__KnownProxies="10.0.0.5,10.0.0.6" is a scalar, which the binder
                // ignores for a list; accept it rather than silently trusting nobody.
                AddDelimited(section["KnownProxies"], options.KnownProxies);
                AddDelimited(section["KnownNetworks"], options.KnownNetworks);
            });
        builder.Services.AddSingleton<IValidateOptions<TrustedProxyOptions>, TrustedProxyOptionsValidator>();
        builder.Services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) =>
            {
                forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                forwarded.ForwardLimit = trusted.Value.ForwardLimit;
                forwarded.KnownProxies.Clear();
                forwarded.KnownIPNetworks.Clear();
                foreach (var proxy in trusted.Value.ParsedProxies())
                {
                    forwarded.KnownProxies.Add(proxy);
                }

                foreach (var network in trusted.Value.ParsedNetworks())
                {
                    forwarded.KnownIPNetworks.Add(network);
                }
            });
        builder.Services.AddSingleton<HttpsEndpoint>();
        return builder;
    }

    /// <summary>First in the pipeline: forwarded headers from trusted proxies, then (Production) the HTTPS rule.</summary>
    public static WebApplication UseTransportSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseForwardedHeaders();
        if (app.Environment.IsProduction())
        {
            app.UseMiddleware<HttpsOnlyMiddleware>();
            app.Lifetime.ApplicationStarted.Register(() => WarnIfUnreachable(app));
        }

        return app;
    }

    private static void WarnIfUnreachable(WebApplication app)
    {
        var trusted = app.Services.GetRequiredService<IOptions<TrustedProxyOptions>>().Value;
        if (app.Services.GetRequiredService<HttpsEndpoint>().Port is null && !trusted.TrustsAnyProxy)
        {
            app.Logger.LogWarning(
                "Production without an HTTPS endpoint and without a trusted proxy: every request except /healthz will be refused. " +
                "Give Kestrel a certificate (Kestrel:Certificates:Default:Path/KeyPath and an https:// URL) or list the TLS-terminating proxy in ForwardedHeaders:KnownProxies/KnownNetworks.");
        }
    }

    private static void AddDelimited(string? value, IList<string> into)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        foreach (var item in value.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!into.Contains(item))
            {
                into.Add(item);
            }
        }
    }
}
