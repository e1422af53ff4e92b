using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data.Identity;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Features.Incidents;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Incidents;

/// <summary>Staff with real role rows (the service checks roles in the database) and a wired service.</summary>
internal static class IncidentTestData
{
    public static async Task<StaffUser> StaffAsync(TestDatabase database, string role, string email)
    {
        await using var db = database.CreateContext();
        var roleRow = await db.Roles.SingleOrDefaultAsync(r => r.Name == role);
        if (roleRow is null)
        {
            roleRow = new IdentityRole(role) { NormalizedName = role.ToUpperInvariant() };
            db.Roles.Add(roleRow);
        }

        var user = new AppUser { UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(), DisplayName = email.Split('@')[0] };
        db.Users.Add(user);
        db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = roleRow.Id });
        await db.SaveChangesAsync();
        return new StaffUser(user.Id, email);
    }

    public static IncidentService Service(TestDatabase database, TimeProvider clock) =>
        new(database.Factory, new AuditLog(clock), new EnforcementService(new AuditLog(clock), clock, Options.Create(new EnforcementOptions())), clock);
}
