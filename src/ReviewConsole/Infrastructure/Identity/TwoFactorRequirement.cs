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
/// Sends a Lead or Admin without two-factor authentication to the authenticator setup on every
/// page request until it is done. The account pages (setup, sign-out), the framework's files and
/// the token-only API stay reachable. Interactive navigation happens inside a circuit that is only
/// opened from a page that passed this check.
/// </summary>
public sealed class TwoFactorRequirementMiddleware(RequestDelegate next, TwoFactorRequirement requirement)
{
    private static readonly string[] ExemptPrefixes = ["/Account", "/_framework", "/_content", "/_blazor", "/api/", "/healthz", "/css", "/js", "/favicon", "/not-found", "/Error"];

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (requirement.Enforced
            && context.User.Identity?.IsAuthenticated == true
            && HttpMethods.IsGet(context.Request.Method)
            && !ExemptPrefixes.Any(p => context.Request.Path.StartsWithSegments(p.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            && !Path.HasExtension(context.Request.Path.Value)
            && await requirement.NeedsSetupAsync(context.User))
        {
            context.Response.Redirect(TwoFactorRequirement.SetupPath + "?required=true");
            return;
        }

        await next(context);
    }
}
