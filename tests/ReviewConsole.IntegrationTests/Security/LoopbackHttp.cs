using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ReviewConsole.IntegrationTests.Security;

/// <summary>
/// A self-signed server certificate made in the test (CertificateRequest), written as PEM files
/// for Kestrel's documented <c>Kestrel:Certificates:Default:Path</c> / <c>KeyPath</c>.
/// </summary>
internal sealed class TestCertificate : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("reviewconsole-tls-").FullName;

    public TestCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new("1.3.6.1.5.5.7.3.1")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        CertificatePath = Path.Combine(folder, "console.crt");
        KeyPath = Path.Combine(folder, "console.key");
        File.WriteAllText(CertificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
        Thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    /// <summary>SHA-256 of the certificate: clients trust exactly this one.</summary>
    public string Thumbprint { get; }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}

/// <summary>
/// HTTP clients for a Kestrel host on 127.0.0.1 that connect from a chosen loopback source address
/// (all of 127.0.0.0/8 is local on Linux), so one test host sees a trusted proxy and untrusted
/// clients as different peers. Cookies are kept by hand, the way a browser behind a TLS-terminating
/// proxy sees them: the app's Secure cookies still come back over the proxy's plain-HTTP hop.
/// </summary>
internal static class LoopbackHttp
{
    public static HttpClient Create(Uri baseAddress, IPAddress source, string? trustedThumbprint = null)
    {
        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        if (trustedThumbprint is not null)
        {
            sockets.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), trustedThumbprint, StringComparison.OrdinalIgnoreCase),
            };
        }

        return new HttpClient(new CookieJar { InnerHandler = sockets }, disposeHandler: true) { BaseAddress = baseAddress };
    }

    /// <summary>Names and values of Set-Cookie headers, sent back on every later request.</summary>
    private sealed class CookieJar : DelegatingHandler
    {
        private readonly Dictionary<string, string> cookies = new(StringComparer.Ordinal);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (cookies)
            {
                if (cookies.Count > 0)
                {
                    request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => c.Key + "=" + c.Value)));
                }
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                lock (cookies)
                {
                    foreach (var pair in setCookies.Select(c => c.Split(';', 2)[0]))
                    {
                        var equals = pair.IndexOf('=', StringComparison.Ordinal);
                        var value = pair[(equals + 1)..];
                        if (value.Length == 0)
                        {
                            cookies.Remove(pair[..equals]);
                        }
                        else
                        {
                            cookies[pair[..equals]] = value;
                        }
                    }
                }
            }

            return response;
        }
    }
}
