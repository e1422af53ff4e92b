using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReviewConsole.Data.Audit;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Infrastructure.Web;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Security;

/// <summary>
/// The app as deployed: Production environment, real Kestrel configured only through the documented
/// keys (an https:// and an http:// URL, <c>Kestrel:Certificates:Default:Path</c>/<c>KeyPath</c> with
/// a certificate made in the test, <c>ForwardedHeaders:KnownProxies</c> = 127.0.0.2). Clients connect
/// from chosen loopback addresses: 127.0.0.2 is the trusted TLS-terminating proxy, every other
/// address an ordinary (untrusted) client.
/// </summary>
public sealed class ProductionHttpsHost : IDisposable
{
    public static readonly IPAddress Proxy = IPAddress.Parse("127.0.0.2");

    public ProductionHttpsHost()
    {
        Factory.Settings["urls"] = "https://127.0.0.1:0;http://127.0.0.1:0";
        Factory.Settings["Kestrel:Certificates:Default:Path"] = Certificate.CertificatePath;
        Factory.Settings["Kestrel:Certificates:Default:KeyPath"] = Certificate.KeyPath;
        // A scalar list, as an environment variable would give it (ForwardedHeaders__KnownProxies=...).
        Factory.Settings["ForwardedHeaders:KnownProxies"] = Proxy.ToString();
        Factory.Settings["Security:SignInPermitsPerMinute"] = "3";
        var addresses = Factory.StartKestrelFromConfiguration();
        Https = addresses.Single(a => a.Scheme == Uri.UriSchemeHttps);
        Http = addresses.Single(a => a.Scheme == Uri.UriSchemeHttp);
    }

    internal TestCertificate Certificate { get; } = new();

    public ConsoleAppFactory Factory { get; } = new() { EnvironmentName = "Production" };

    public Uri Https { get; }

    public Uri Http { get; }

    public RateLimitPartitionCounter Partitions => Factory.Services.GetRequiredService<RateLimitPartitionCounter>();

    public HttpClient OverHttps(string source) => LoopbackHttp.Create(Https, IPAddress.Parse(source), Certificate.Thumbprint);

    public HttpClient OverHttp(string source) => LoopbackHttp.Create(Http, IPAddress.Parse(source));

    /// <summary>The trusted proxy's plain-HTTP hop, forwarding a browser that spoke HTTPS to it.</summary>
    public HttpClient ThroughProxy(string forwardedFor)
    {
        var client = LoopbackHttp.Create(Http, Proxy);
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        return client;
    }

    public async Task<string?> SignInAuditIpAsync(string email)
    {
        await using var db = Factory.Database.CreateContext();
        var after = await db.Set<AuditEvent>().Where(e => e.Kind == AuditKinds.SignedIn && e.ActorName == email).Select(e => e.AfterJson).SingleAsync();
        using var json = JsonDocument.Parse(after!);
        return json.RootElement.GetProperty("ip").GetString();
    }

    public void Dispose()
    {
        Factory.Dispose();
        Certificate.Dispose();
    }
}

public sealed class ProductionHttpsTests(ProductionHttpsHost host) : IClassFixture<ProductionHttpsHost>
{
    private static readonly Uri Login = new("/Account/Login", UriKind.Relative);

    [Fact]
    public async Task SignIn_OverHttps_SecureCookiesHstsAndTheConsoleOpens()
    {
        var reviewer = DemoUsers.All.Single(u => u.Role == Roles.Reviewer);
        using var client = host.OverHttps("127.0.0.3");

        using var page = await client.GetAsync(Login);
        var signedIn = await client.PostLoginAsync(reviewer.Email, DemoUsers.Password);
        // HSTS is never sent to localhost names, so ask under the name the console is published as.
        using var named = new HttpRequestMessage(HttpMethod.Get, Login);
        named.Headers.Host = "console.example";
        using var hsts = await client.SendAsync(named);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("secure", SetCookie(page, "ReviewConsole.Antiforgery"), StringComparison.OrdinalIgnoreCase);
        Assert.True(hsts.Headers.Contains("Strict-Transport-Security"), "HTTPS responses carry HSTS in Production.");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains("secure", SetCookie(signedIn, "ReviewConsole.Auth"), StringComparison.OrdinalIgnoreCase);
        await AssertConsoleOpensAsync(client, signedIn.Headers.Location!);
        Assert.Equal("127.0.0.3", await host.SignInAuditIpAsync(reviewer.Email));
    }

    [Fact]
    public async Task PlainHttp_FromUntrustedClient_RedirectedToTheHttpsEndpoint_Never500()
    {
        using var client = host.OverHttp("127.0.0.4");
        using var spoofing = host.OverHttp("127.0.0.4");
        spoofing.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        spoofing.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.9");
        var expected = new Uri(host.Https, "/Account/Login?ReturnUrl=%2Fflags");

        using var get = await client.GetAsync(new Uri("/Account/Login?ReturnUrl=%2Fflags", UriKind.Relative));
        using var spoofed = await spoofing.GetAsync(new Uri("/Account/Login?ReturnUrl=%2Fflags", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = "x@example.test", ["Input.Password"] = "whatever-it-is" });
        using var post = await client.PostAsync(Login, form);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, get.StatusCode);
        Assert.Equal(expected, get.Headers.Location);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, spoofed.StatusCode);
        Assert.Equal(expected, spoofed.Headers.Location);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, post.StatusCode);
        Assert.False(get.Headers.Contains("Set-Cookie") || post.Headers.Contains("Set-Cookie"), "Nothing is issued over plain HTTP.");
    }

    [Fact]
    public async Task PlainHttp_ApiAndHealth_ApiRefusedAsJson_HealthAnswered()
    {
        using var client = host.OverHttp("127.0.0.4");
        client.DefaultRequestHeaders.Authorization = new("Bearer", "rc_sent_in_clear");

        using var api = await client.GetAsync(new Uri("/api/v1/whoami", UriKind.Relative));
        using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        using var body = JsonDocument.Parse(await api.Content.ReadAsStringAsync());
        Assert.Equal("https_required", body.RootElement.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task SignIn_ThroughTrustedProxy_OverPlainHttp_WorksAndRecordsTheForwardedClient()
    {
        var user = DemoUsers.All.Single(u => u.Role == Roles.UseCaseReviewer);
        using var client = host.ThroughProxy("203.0.113.50");
        using var proxyWithoutProto = LoopbackHttp.Create(host.Http, ProductionHttpsHost.Proxy);

        using var page = await client.GetAsync(Login);
        var signedIn = await client.PostLoginAsync(user.Email, DemoUsers.Password);
        using var unvouched = await proxyWithoutProto.GetAsync(Login);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("secure", SetCookie(page, "ReviewConsole.Antiforgery"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        await AssertConsoleOpensAsync(client, signedIn.Headers.Location!);
        Assert.Equal("203.0.113.50", await host.SignInAuditIpAsync(user.Email));
        // The proxy's own hop is plain HTTP; without its X-Forwarded-Proto it is not HTTPS either.
        Assert.Equal(HttpStatusCode.TemporaryRedirect, unvouched.StatusCode);
    }

    [Fact]
    public async Task SignInLimit_ThroughTrustedProxy_OneBucketPerForwardedClient()
    {
        using var first = host.ThroughProxy("198.51.100.1");
        using var second = host.ThroughProxy("198.51.100.2");
        var before = host.Partitions[RateLimitPartitionKind.SignInAddress];

        for (var i = 0; i < 3; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await first.PostLoginAsync("nobody@example.test", "wrong-password-123")).StatusCode);
        }

        var limited = await first.PostLoginAsync("nobody@example.test", "wrong-password-123");
        var other = await second.PostLoginAsync("nobody@example.test", "wrong-password-123");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, other.StatusCode);
        Assert.Equal(2, host.Partitions[RateLimitPartitionKind.SignInAddress] - before);
    }

    [Fact]
    public async Task SignInLimit_SpoofedForwardedForFromUntrustedClient_BuysNoFreshBucket()
    {
        using var client = host.OverHttps("127.0.0.5");
        var before = host.Partitions[RateLimitPartitionKind.SignInAddress];
        var statuses = new List<HttpStatusCode>();

        for (var i = 1; i <= 4; i++)
        {
            client.DefaultRequestHeaders.Remove("X-Forwarded-For");
            client.DefaultRequestHeaders.Add("X-Forwarded-For", $"192.0.2.{i}");
            statuses.Add((await client.PostLoginAsync("nobody@example.test", "wrong-password-123")).StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(3));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[3]);
        Assert.Equal(1, host.Partitions[RateLimitPartitionKind.SignInAddress] - before);
    }

    private static string SetCookie(HttpResponseMessage response, string name) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(name + "=", StringComparison.Ordinal));

    /// <summary>Follows the post-sign-in redirects inside the console to a page that is not the login.
    /// Absolute redirects name the address the client used (https through the proxy), so only their
    /// path is followed, through the same client.</summary>
    private static async Task AssertConsoleOpensAsync(HttpClient client, Uri location)
    {
        for (var hop = 0; hop < 5; hop++)
        {
            if (location.IsAbsoluteUri)
            {
                location = new Uri(location.PathAndQuery, UriKind.Relative);
            }

            using var response = await client.GetAsync(location);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Assert.DoesNotContain("/Account/Login", location.OriginalString, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("Input.Password", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                return;
            }

            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            location = response.Headers.Location!;
        }

        Assert.Fail("The console did not open after sign-in.");
    }
}

/// <summary>The reproduction: the published app in Production on plain HTTP only, no proxy.</summary>
public sealed class ProductionPlainHttpTests : IDisposable
{
    private readonly ConsoleAppFactory factory = new() { EnvironmentName = "Production" };

    [Fact]
    public async Task PlainHttpOnly_NoHttpsEndpoint_ClearPageNot500_HealthStillAnswers()
    {
        factory.Settings["urls"] = "http://127.0.0.1:0";
        var address = factory.StartKestrelFromConfiguration().Single();
        using var client = LoopbackHttp.Create(address, IPAddress.Loopback);

        using var login = await client.GetAsync(new Uri("/Account/Login", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = "x@example.test" });
        using var post = await client.PostAsync(new Uri("/Account/Login", UriKind.Relative), form);
        using var start = await client.GetAsync(new Uri("/", UriKind.Relative));
        using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        foreach (var response in new[] { login, post, start })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(HttpsOnlyMiddleware.RefusalText, await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    public void Dispose() => factory.Dispose();
}

public sealed class TrustedProxyOptionsTests
{
    [Theory]
    [InlineData("KnownProxies:0", "10.0.0.300", "ForwardedHeaders:KnownProxies:0")]
    [InlineData("KnownNetworks:0", "10.0.0.0/33", "ForwardedHeaders:KnownNetworks:0")]
    [InlineData("KnownNetworks:0", "10.0.0.1", "ForwardedHeaders:KnownNetworks:0")]
    public void Start_MalformedProxyEntry_RefusedNamingTheKey(string key, string value, string named)
    {
        using var factory = new ConsoleAppFactory();
        factory.Settings["ForwardedHeaders:" + key] = value;

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(named, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WellFormedEntries_Accepted()
    {
        var options = new TrustedProxyOptions { ForwardLimit = 2 };
        options.KnownProxies.Add("10.0.0.5");
        options.KnownProxies.Add("::1");
        options.KnownNetworks.Add("10.0.0.0/8");
        options.KnownNetworks.Add("fd00::/8");

        Assert.True(new TrustedProxyOptionsValidator().Validate(null, options).Succeeded);
    }
}
