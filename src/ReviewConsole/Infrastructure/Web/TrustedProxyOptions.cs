using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace ReviewConsole.Infrastructure.Web;

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c> headers are believed.
/// Empty (the default) trusts no one: the headers are ignored and the connection's own address and
/// scheme count. Loopback is not trusted implicitly, unlike ASP.NET Core's default, so a proxy on
/// the same machine is listed like any other (<c>127.0.0.1</c>, <c>::1</c>).
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Single proxy addresses, e.g. <c>10.0.0.5</c> or <c>::1</c>.</summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public IList<string> KnownNetworks { get; } = [];

    /// <summary>How many trusted proxies in a row may append to X-Forwarded-For (a CDN in front of a
    /// load balancer is 2). The middleware reads the header from the right and stops at the first
    /// address that is not a trusted proxy.</summary>
    [Range(1, 10)]
    public int ForwardLimit { get; set; } = 1;

    public bool TrustsAnyProxy => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    public IEnumerable<IPAddress> ParsedProxies() => KnownProxies.Select(p => Normalize(IPAddress.Parse(p.Trim())));

    public IEnumerable<IPNetwork> ParsedNetworks() => KnownNetworks.Select(n => IPNetwork.Parse(n.Trim()));

    /// <summary>IPv4 addresses that a dual-mode socket reports as <c>::ffff:a.b.c.d</c> compare as IPv4.</summary>
    public static IPAddress Normalize(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }
}

/// <summary>Data annotations plus address syntax; a bad entry stops the app at start with the key it came from.</summary>
public sealed class TrustedProxyOptionsValidator : IValidateOptions<TrustedProxyOptions>
{
    private readonly TrustedProxyAnnotationsValidator annotations = new();

    public ValidateOptionsResult Validate(string? name, TrustedProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var result = annotations.Validate(name, options);
        if (result.Failed)
        {
            failures.AddRange(result.Failures);
        }

        for (var i = 0; i < options.KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(options.KnownProxies[i].Trim(), out _))
            {
                failures.Add($"{TrustedProxyOptions.SectionName}:KnownProxies:{i} = '{options.KnownProxies[i]}' is not an IP address (e.g. 10.0.0.5 or ::1).");
            }
        }

        for (var i = 0; i < options.KnownNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(options.KnownNetworks[i].Trim(), out _))
            {
                failures.Add($"{TrustedProxyOptions.SectionName}:KnownNetworks:{i} = '{options.KnownNetworks[i]}' is not a network in CIDR notation (e.g. 10.0.0.0/8).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

[OptionsValidator]
public sealed partial class TrustedProxyAnnotationsValidator : IValidateOptions<TrustedProxyOptions>;
