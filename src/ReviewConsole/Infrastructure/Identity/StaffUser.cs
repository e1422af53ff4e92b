using System.Security.Claims;

namespace ReviewConsole.Infrastructure.Identity;

/// <summary>Who is acting: a staff user, a background job, or an API token. Services take it as a
/// parameter (never from ambient state) so jobs and tests say explicitly on whose behalf they act.</summary>
public sealed record StaffUser(string Id, string Name)
{
    public static readonly StaffUser System = new("system", "ReviewConsole");

    public static StaffUser From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("The principal has no user id.");
        return new StaffUser(id, principal.Identity?.Name ?? id);
    }

    public static StaffUser ForToken(long tokenId, string tokenName) => new($"token:{tokenId}", tokenName);
}
