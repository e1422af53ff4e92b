using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;

namespace ReviewConsole.Features.Enforcement;

/// <summary>
/// Reads a staff member's roles from the database. The second-person and Admin-only rules are
/// checked against stored roles, not against what a caller claims, so no page or job can
/// approve on behalf of a role it was merely told about.
/// </summary>
public static class StaffDirectory
{
    public static async Task<IReadOnlyList<string>> RolesOfAsync(AppDbContext db, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await (from userRole in db.Set<IdentityUserRole<string>>()
                      join role in db.Set<IdentityRole>() on userRole.RoleId equals role.Id
                      where userRole.UserId == userId
                      select role.Name!).ToListAsync(cancellationToken);
    }

    public static async Task<bool> IsInAnyRoleAsync(AppDbContext db, string userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        var held = await RolesOfAsync(db, userId, cancellationToken);
        return held.Any(roles.Contains);
    }
}
