using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Foundation;

/// <summary>
/// Every endpoint of the app, with every HTTP method it accepts, who may reach it, checked with real
/// HTTP requests for anonymous and each role. A new page or
/// endpoint fails <see cref="Endpoints_OfTheApp_AreExactlyTheExpectationTable"/> until it is
/// listed below with its access rule.
/// </summary>
public sealed partial class AuthorizationMatrixTests(RoleClients clients) : IClassFixture<RoleClients>
{
    private const string Anonymous = nameof(Anonymous);

    /// <summary>Token-only API endpoints (/api/v1): every cookie client, signed in or not, gets 401.</summary>
    private const string ApiToken = nameof(ApiToken);

    /// <summary>Route pattern → <see cref="Anonymous"/> or the name of the policy in <see cref="Policies"/>.</summary>
    private static readonly Dictionary<string, string> Expected = new(StringComparer.Ordinal)
    {
        // Console pages. "/" needs any signed-in user (a role-less user is told to ask for a role); for the six roles that is AnyStaff.
        ["/"] = Policies.AnyStaff,
        ["/dashboard"] = Policies.Dashboard,
        ["/admin/users"] = Policies.Admin,
        ["/incidents"] = Policies.Incidents,
        ["/incidents/new"] = Policies.Incidents,
        ["/incidents/{Id:long}"] = Policies.Incidents,
        ["/use-cases"] = Policies.UseCases,
        ["/use-cases/new"] = Policies.UseCases,
        ["/use-cases/{Id:long}"] = Policies.UseCases,
        ["/api/v1/use-cases/"] = ApiToken,
        ["/api/v1/use-cases/{id:long}"] = ApiToken,
        ["/admin/guidelines"] = Policies.Admin,
        ["/statistics"] = Policies.Dashboard,
        ["/statistics/export/csv"] = Policies.Dashboard,
        ["/statistics/export/json"] = Policies.Dashboard,
        ["/flags"] = Policies.Flags,
        ["/flags/next"] = Policies.Flags,
        ["/flags/{Id:long}"] = Policies.Flags,
        ["/wellness/exposure"] = Policies.Dashboard,
        ["/wellness"] = Policies.Flags,
        ["/admin/tokens"] = Policies.Admin,
        ["/admin/integrations"] = Policies.Admin,
        ["/audit"] = Policies.Audit,
        ["/audit/export"] = Policies.Audit,

        // Token-only APIs: cookies never authorize them.
        ["/api/v1/whoami"] = ApiToken,
        ["/jobs/{**path}"] = Policies.Admin,
        ["/actors"] = Policies.Actors,
        ["/actors/org/{Id:long}"] = Policies.Actors,
        ["/actors/app/{Id:long}"] = Policies.Actors,
        ["/actors/key/{Id:long}"] = Policies.Actors,
        ["/enforcement"] = Policies.Enforcement,
        ["/appeals"] = Policies.Enforcement,

        // API endpoints: API tokens with a scope only; no cookie (no staff role) ever authorizes them.
        ["/api/v1/keys/{keyId}"] = ApiToken,
        ["/api/v1/revocations"] = ApiToken,
        ["/api/v1/appeals"] = ApiToken,

        // Flag intake, taxonomy and classifier feedback.
        ["/flags/classifiers"] = Policies.Flags,
        ["/flags/classifiers/export"] = Policies.Flags,
        ["/admin/ingestion-errors"] = Policies.Admin,
        ["/admin/policies"] = Policies.Admin,
        ["/api/v1/flags"] = ApiToken,
        ["/api/v1/notices"] = ApiToken,
        ["/api/v1/usage"] = ApiToken,
        ["/admin/notice-templates"] = Policies.Admin,
        ["/quality"] = Policies.Dashboard,
        ["/quality/me"] = Policies.Flags,

        // Anonymous by design: probes, error pages, signing in.
        ["/healthz"] = Anonymous,
        ["/Error"] = Anonymous,
        ["/not-found"] = Anonymous,
        ["/Account/Login"] = Anonymous,
        ["/Account/LoginWith2fa"] = Anonymous,
        ["/Account/LoginWithRecoveryCode"] = Anonymous,
        ["/Account/Lockout"] = Anonymous,
        ["/Account/AccessDenied"] = Anonymous,
        ["/Account/InvalidUser"] = Anonymous,

        // The user's own account. These say [Authorize] (any signed-in user); every role is staff,
        // so for the six roles that is AnyStaff.
        ["/Account/Manage"] = Policies.AnyStaff,
        ["/Account/Manage/ChangePassword"] = Policies.AnyStaff,
        ["/Account/Manage/TwoFactorAuthentication"] = Policies.AnyStaff,
        ["/Account/Manage/EnableAuthenticator"] = Policies.AnyStaff,
        ["/Account/Manage/ResetAuthenticator"] = Policies.AnyStaff,
        ["/Account/Manage/Disable2fa"] = Policies.AnyStaff,
        ["/Account/Manage/GenerateRecoveryCodes"] = Policies.AnyStaff,
        ["/Account/Logout"] = Policies.AnyStaff,
    };

    /// <summary>
    /// Pages that need state a plain GET does not have (a half-finished two-factor sign-in, 2FA
    /// enabled) and, as the Identity template has them, fail the request without it. For these the
    /// check is that authorization lets the request through, not that the page renders.
    /// </summary>
    private static readonly HashSet<string> NeedsState = new(StringComparer.Ordinal)
    {
        "/Account/LoginWith2fa",
        "/Account/LoginWithRecoveryCode",
        "/Account/Manage/Disable2fa",
        "/Account/Manage/GenerateRecoveryCodes",
    };

    public static TheoryData<string> Routes => new(Expected.Keys);

    public static TheoryData<string> DashboardPaths => ["/jobs", "/jobs/recurring", "/jobs/servers", "/jobs/jobs/succeeded"];

    [Fact]
    public void Endpoints_OfTheApp_AreExactlyTheExpectationTable()
    {
        var actual = AppEndpoints().Select(e => e.RoutePattern.RawText!).ToHashSet(StringComparer.Ordinal);

        var unlisted = actual.Except(Expected.Keys).Order(StringComparer.Ordinal).ToList();
        var gone = Expected.Keys.Except(actual).Order(StringComparer.Ordinal).ToList();
        Assert.True(unlisted.Count == 0, "Endpoints missing from the expectation table (add them with their access rule): " + string.Join(", ", unlisted));
        Assert.True(gone.Count == 0, "Expectation table entries without an endpoint: " + string.Join(", ", gone));
    }

    /// <summary>
    /// Every endpoint with this pattern (a pattern can have several, one per method, e.g. GET and
    /// PUT /api/v1/use-cases/{id}), every HTTP method each accepts (all common methods for an
    /// endpoint without method metadata, such as the Hangfire dashboard), anonymous and every role.
    /// </summary>
    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Request_EveryMethodEachClient_IsAllowedOrRefusedAsTheTableSays(string pattern)
    {
        var endpoints = AppEndpoints().Where(e => e.RoutePattern.RawText == pattern).ToList();
        Assert.NotEmpty(endpoints);
        var access = Expected[pattern];
        var path = Substitute(pattern);
        var checkedRequests = 0;

        foreach (var method in endpoints.SelectMany(Methods).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (access == ApiToken)
            {
                // Token-only: anonymous and every signed-in role (cookie) get 401, never the resource.
                foreach (var (who, client) in new[] { ("anonymous", clients.Anonymous) }.Concat(Roles.All.Select(r => (r, clients[r]))))
                {
                    using var response = await SendAsync(client, method, path);
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{who} {method} {path}: expected 401, got {(int)response.StatusCode}.");
                    checkedRequests++;
                }

                continue;
            }

            await AssertRequestAsync(clients.Anonymous, method, path, access == Anonymous, NeedsState.Contains(pattern), "/Account/Login", HttpStatusCode.Unauthorized, "anonymous");
            checkedRequests++;
            foreach (var role in Roles.All)
            {
                var allowed = access == Anonymous || Policies.RolesByPolicy[access].Contains(role);
                await AssertRequestAsync(clients[role], method, path, allowed, NeedsState.Contains(pattern), "/Account/AccessDenied", HttpStatusCode.Forbidden, role);
                checkedRequests++;
            }
        }

        Assert.True(checkedRequests >= 7, $"{pattern}: only {checkedRequests} requests checked.");
    }

    [Fact]
    public void Matrix_CoversEveryEndpointAndMethod_NotOnlyTheFirstOfAPattern()
    {
        var endpoints = AppEndpoints();
        var pairs = endpoints.SelectMany(e => Methods(e).Select(m => (e.RoutePattern.RawText, m))).Distinct().Count();
        var patterns = endpoints.Select(e => e.RoutePattern.RawText).Distinct().Count();

        // The app has patterns served by several endpoints or methods (GET and PUT of a use case,
        // GET and POST of the account pages); the theory above walks all of them.
        Assert.True(pairs > patterns, $"{pairs} endpoint-method pairs over {patterns} patterns.");
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/api/v1/use-cases/{id:long}" && Methods(e).Contains(HttpMethods.Put));
    }

    [Theory]
    [MemberData(nameof(DashboardPaths))]
    public async Task HangfireDashboard_OnlyAdmin_Gets200(string path)
    {
        await AssertGetAsync(clients.Anonymous, path, allowed: false, needsState: false, "/Account/Login", HttpStatusCode.Unauthorized, "anonymous");
        foreach (var role in Roles.All)
        {
            await AssertGetAsync(clients[role], path, allowed: role == Roles.Admin, needsState: false, "/Account/AccessDenied", HttpStatusCode.Forbidden, role);
        }
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/Account/Login")]
    public async Task Get_HealthAndLogin_Anonymous_Returns200(string path)
    {
        using var response = await clients.Anonymous.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// The app's own endpoints. Skipped, because they are the framework's and not ours to list:
    /// static assets (patterns with a file extension, all AllowAnonymous through MapStaticAssets),
    /// MapStaticAssets' development fallback for files added after the build ({**path:file}, only
    /// when running from build output), Blazor's circuit hub (/_blazor...) and /_framework/...
    /// (blazor.web.js and the opaque-redirect helper of enhanced navigation).
    /// </summary>
    private List<RouteEndpoint> AppEndpoints() =>
        clients.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => !IsFrameworkEndpoint(e.RoutePattern.RawText ?? ""))
            .ToList();

    private static bool IsFrameworkEndpoint(string pattern)
    {
        var trimmed = pattern.TrimStart('/');
        var lastSegment = trimmed[(trimmed.LastIndexOf('/') + 1)..];
        return pattern == "{**path:file}"
            || trimmed.StartsWith("_blazor", StringComparison.Ordinal)
            || trimmed.StartsWith("_framework/", StringComparison.Ordinal)
            || (!lastSegment.Contains('{', StringComparison.Ordinal) && Path.HasExtension(lastSegment));
    }

    /// <summary>A concrete path for a pattern: catch-alls empty, GUID-constrained parameters a GUID, others 1.</summary>
    private static string Substitute(string pattern)
    {
        var path = RouteParameter().Replace(pattern, m =>
            m.Value.StartsWith("{*", StringComparison.Ordinal) ? "" :
            m.Value.Contains(":guid", StringComparison.OrdinalIgnoreCase) ? Guid.NewGuid().ToString() : "1");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    /// <summary>The methods an endpoint answers; one without method metadata answers any.</summary>
    private static IReadOnlyList<string> Methods(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? [.. methods] : AnyMethod;

    private static readonly string[] AnyMethod = [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            // The API takes JSON (a form would match no API endpoint). Pages get an empty form and
            // no antiforgery token: authorization is decided before antiforgery, and an allowed post
            // is then refused by antiforgery (400) without changing anything, so the shared
            // sessions survive the sign-out endpoint.
            request.Content = path.StartsWith("/api/", StringComparison.Ordinal)
                ? new StringContent("{}", System.Text.Encoding.UTF8, "application/json")
                : new FormUrlEncodedContent([]);
        }

        return await client.SendAsync(request);
    }

    private static Task AssertGetAsync(HttpClient client, string path, bool allowed, bool needsState, string refusalPath, HttpStatusCode refusalStatus, string who) =>
        AssertRequestAsync(client, HttpMethods.Get, path, allowed, needsState, refusalPath, refusalStatus, who);

    private static async Task AssertRequestAsync(HttpClient client, string method, string path, bool allowed, bool needsState, string refusalPath, HttpStatusCode refusalStatus, string who)
    {
        var what = $"{who} {method} {path}";
        var response = await SendAsync(client, method, path);
        try
        {
            if (!allowed)
            {
                AssertRefused(response, refusalPath, refusalStatus, what);
                return;
            }

            AssertNotRefused(response, what);
            if (needsState)
            {
                return;
            }

            Assert.True((int)response.StatusCode < 500, $"{what}: got {(int)response.StatusCode}.");
            if (!HttpMethods.IsGet(method))
            {
                return;
            }

            // An allowed page may redirect within the console (the start page sends the user to
            // their first area); follow such redirects and expect the page at the end.
            for (var hop = 0; hop < 5 && IsRedirect(response.StatusCode); hop++)
            {
                var next = response.Headers.Location!;
                response.Dispose();
                response = await client.GetAsync(next);
                AssertNotRefused(response, $"{what} (redirected to {next})");
            }

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: expected 200, got {(int)response.StatusCode}.");
        }
        finally
        {
            response.Dispose();
        }
    }

    private static void AssertRefused(HttpResponseMessage response, string refusalPath, HttpStatusCode refusalStatus, string what)
    {
        if (response.StatusCode == refusalStatus)
        {
            return;
        }

        Assert.True(
            response.StatusCode == HttpStatusCode.Redirect && LocationPath(response) == refusalPath,
            $"{what}: expected a redirect to {refusalPath} or {(int)refusalStatus}, got {(int)response.StatusCode} {response.Headers.Location}.");
    }

    private static void AssertNotRefused(HttpResponseMessage response, string what)
    {
        var location = LocationPath(response);
        Assert.False(
            response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            || location is "/Account/Login" or "/Account/AccessDenied",
            $"{what}: expected to be let in, got {(int)response.StatusCode} {response.Headers.Location}.");
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and < 400;

    private static string? LocationPath(HttpResponseMessage response)
    {
        if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
        {
            return null;
        }

        var absolute = location.IsAbsoluteUri ? location : new Uri(new Uri("http://localhost"), location);
        return absolute.AbsolutePath;
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
