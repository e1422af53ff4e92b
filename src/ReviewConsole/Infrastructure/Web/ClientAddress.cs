using System.Net;
using System.Net.Sockets;

namespace ReviewConsole.Infrastructure.Web;

/// <summary>
/// The client a request is charged to. <see cref="ConnectionInfo.RemoteIpAddress"/> is read after
/// the forwarded-headers middleware, so it is the address a trusted proxy reported, or the
/// connection's own address when the request did not come through one: a client that writes
/// X-Forwarded-For itself is still charged to its own address.
/// </summary>
public static class ClientAddress
{
    /// <summary>A rate-limit key for the client: its IPv4 address, or its IPv6 /64 (one subscriber's
    /// allocation; keying on full IPv6 addresses would give one host 2^64 fresh buckets).</summary>
    public static string PartitionKey(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return PartitionKey(context.Connection.RemoteIpAddress);
    }

    public static string PartitionKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
