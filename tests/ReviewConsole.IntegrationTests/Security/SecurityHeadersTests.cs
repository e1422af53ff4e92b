using System.Net;
using System.Text.RegularExpressions;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Security;

public sealed partial class SecurityHeadersTests : IDisposable
{
    private readonly ConsoleAppFactory factory = new();

    [Theory]
    [InlineData("/Account/Login")]
    [InlineData("/healthz")]
    public async Task Get_AnyResponse_CarriesStrictHeaders(string path)
    {
        using var client = factory.CreateAnonymous();

        var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        // 'self' alone: CSP Level 3 matches the same host's ws:/wss: with it; a bare ws:/wss: would
        // let a page open a socket to any host.
        Assert.Contains("connect-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("ws:", csp, StringComparison.Ordinal);
        Assert.Contains("base-uri 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("form-action 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Theory]
    [InlineData("/Account/Login", null)]
    [InlineData("/dashboard", Roles.Admin)]
    [InlineData("/audit", Roles.Auditor)]
    [InlineData("/admin/tokens", Roles.Admin)]
    [InlineData("/admin/integrations", Roles.Admin)]
    public async Task Page_Html_HasNoInlineScript(string path, string? role)
    {
        using var client = role is null ? factory.CreateAnonymous() : await factory.CreateSignedInAsync(role);

        var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var inline = ScriptTag().Matches(html).Where(m => !m.Groups["attrs"].Value.Contains("src=", StringComparison.Ordinal)).Select(m => m.Value).ToList();
        Assert.True(inline.Count == 0, "Inline scripts would be blocked by the CSP: " + string.Join(" | ", inline));
        Assert.DoesNotMatch(EventHandlerAttribute(), html);
    }

    [Fact]
    public async Task SignInCookie_IsHttpOnlyAndSameSiteStrict()
    {
        using var client = factory.CreateAnonymous();

        var response = await client.PostLoginAsync(DemoUsers.All[0].Email, DemoUsers.Password);

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ReviewConsole.Auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task JobsDashboard_SameStrictPolicy()
    {
        using var client = await factory.CreateSignedInAsync(Roles.Admin);

        var response = await client.GetAsync(new Uri("/jobs", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
    }

    [GeneratedRegex("<script(?<attrs>[^>]*)>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex(@"<[a-z][^>]*\son(click|load|error|submit|change)\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();

    public void Dispose() => factory.Dispose();
}
