using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ReviewConsole.Infrastructure.Web;

public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>Leads and Admins must set up an authenticator before using the console. In demo mode
    /// a persistent warning is shown instead, so the demo accounts stay usable.</summary>
    public bool RequireTwoFactorForPrivilegedRoles { get; set; } = true;

    /// <summary>Sign-in form posts allowed per client IP per minute.</summary>
    [Range(1, 10_000)]
    public int SignInPermitsPerMinute { get; set; } = 20;

    /// <summary>API calls allowed per valid token per minute (/api/v1).</summary>
    [Range(1, 1_000_000)]
    public int ApiPermitsPerMinute { get; set; } = 600;

    /// <summary>API calls without a valid token (none, unknown, revoked, expired) allowed per client
    /// address per minute.</summary>
    [Range(1, 1_000_000)]
    public int ApiUnauthenticatedPermitsPerMinute { get; set; } = 60;

    /// <summary>Exports (statistics, audit, labeled flags) allowed per signed-in user per minute.</summary>
    [Range(1, 10_000)]
    public int ExportsPerMinute { get; set; } = 10;
}

[OptionsValidator]
public sealed partial class SecurityOptionsValidator : IValidateOptions<SecurityOptions>;
