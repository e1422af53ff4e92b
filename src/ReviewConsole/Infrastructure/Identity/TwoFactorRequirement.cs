using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ReviewConsole.Data.Identity;
using ReviewConsole.Infrastructure.Web;

namespace ReviewConsole.Infrastructure.Identity;

/// <summary>Whether a signed-in user still has to set up two-factor authentication.</summary>
public sealed class TwoFactorRequirement(IServiceScopeFactory scopes, IOptions<SecurityOptions> security, IOptions<DemoOptions> demo)
{
    public const string SetupPath = "/Account/Manage/EnableAuthenticator";

    public static readonly IReadOnlyList<string> PrivilegedRoles = [Roles.Lead, Roles.Admin];

    /// <summary>True when the requirement is on and blocks (outside demo mode).</summary>
    public bool Enforced => security.Value.RequireTwoFactorForPrivilegedRoles && !demo.Value.Enabled;

    /// <summary>True when the requirement is on but only warns (demo mode).</summary>
    public bool WarnOnly => security.Value.RequireTwoFactorForPrivilegedRoles && demo.Value.Enabled;

    public async Task<bool> NeedsSetupAsync(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (!security.Value.RequireTwoFactorForPrivilegedRoles
            || principal.Identity?.IsAuthenticated != true
            || !PrivilegedRoles.Any(principal.IsInRole))
        {
            return false;
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.GetUserAsync(principal);
        return user is not null && !user.TwoFactorEnabled;
    }
}

/// <summary>
/// Holds a Lead or Admin without two-factor authentication to the authenticator setup on every
/// request, whatever its method, until it is done: reads are redirected to the setup page, and
/// anything else (a form post, the Hangfire dashboard's commands) is refused with 403, so a state
/// change cannot slip past the rule by not being a GET. The account pages (setup, sign-out), the
/// framework's files and the token-only API stay reachable. Interactive navigation happens inside a
/// circuit that is only opened from a page that passed this check.
/// </summary>
public sealed class TwoFactorRequirementMiddleware(RequestDelegate next, TwoFactorRequirement requirement)
{
    public const string RefusalText = "Set up two-factor authentication first: " + TwoFactorRequirement.SetupPath;

    private static readonly string[] ExemptPrefixes = ["/Account", "/_framework", "/_content", "/_blazor", "/api/", "/healthz", "/css", "/js", "/favicon", "/not-found", "/Error"];

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var read = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        if (requirement.Enforced
            && context.User.Identity?.IsAuthenticated == true
            && !ExemptPrefixes.Any(p => request.Path.StartsWithSegments(p.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            // Static files are only ever read; a write to a path with a dot is still checked.
            && !(read && Path.HasExtension(request.Path.Value))
            && await requirement.NeedsSetupAsync(context.User))
        {
            if (read)
            {
                context.Response.Redirect(TwoFactorRequirement.SetupPath + "?required=true");
                return;
            }

            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(RefusalText);
            return;
        }

        await next(context);
    }
}
