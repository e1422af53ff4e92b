using Microsoft.AspNetCore.Authorization;

namespace ReviewConsole.Infrastructure.Identity;

/// <summary>
/// One authorization policy per area of the console, each a list of roles. Pages and endpoints use
/// the policy names; the navigation and the authorization-matrix tests read the same table.
/// </summary>
public static class Policies
{
    public const string AnyStaff = nameof(AnyStaff);
    public const string Flags = nameof(Flags);
    public const string UseCases = nameof(UseCases);
    public const string Incidents = nameof(Incidents);
    public const string Actors = nameof(Actors);
    public const string Enforcement = nameof(Enforcement);
    public const string Audit = nameof(Audit);
    public const string Dashboard = nameof(Dashboard);
    public const string Admin = nameof(Admin);

    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> RolesByPolicy =
        new Dictionary<string, IReadOnlyList<string>>
        {
            [AnyStaff] = Roles.All,
            [Flags] = [Roles.Reviewer, Roles.Lead, Roles.Admin, Roles.Auditor],
            [UseCases] = [Roles.UseCaseReviewer, Roles.Lead, Roles.Admin, Roles.Auditor],
            [Incidents] = [Roles.IncidentResponder, Roles.Lead, Roles.Admin, Roles.Auditor],
            [Actors] = Roles.All,
            [Enforcement] = [Roles.Reviewer, Roles.IncidentResponder, Roles.Lead, Roles.Admin, Roles.Auditor],
            [Audit] = [Roles.Auditor, Roles.Admin],
            [Dashboard] = [Roles.Lead, Roles.Admin, Roles.Auditor],
            [Admin] = [Roles.Admin],
        };

    public static bool Allows(string policy, Func<string, bool> isInRole)
    {
        ArgumentNullException.ThrowIfNull(isInRole);
        return RolesByPolicy[policy].Any(isInRole);
    }

    public static void Register(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (name, roles) in RolesByPolicy)
        {
            options.AddPolicy(name, policy => policy.RequireAuthenticatedUser().RequireRole(roles));
        }

        // Everything requires a signed-in staff member unless it says [AllowAnonymous]
        // (sign-in pages, static files, health).
        options.FallbackPolicy = options.GetPolicy(AnyStaff);
    }
}
