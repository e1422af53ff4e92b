using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Infrastructure.Health;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Dashboard;

public sealed record DashboardSnapshot(HealthReport Health, IReadOnlyList<RoleHeadcount> Staff, int DisabledUsers);

public sealed record RoleHeadcount(string Role, int Users);

public sealed class DashboardService(IDbContextFactory<AppDbContext> dbFactory, HealthService health)
{
    public async Task<DashboardSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        var report = await health.CheckAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var counts = await (from ur in db.UserRoles
                            join r in db.Roles on ur.RoleId equals r.Id
                            join u in db.Users on ur.UserId equals u.Id
                            where !u.IsDisabled
                            group ur by r.Name into g
                            select new { Role = g.Key!, Users = g.Count() })
            .ToDictionaryAsync(x => x.Role, x => x.Users, cancellationToken);
        var staff = Roles.All.Select(role => new RoleHeadcount(role, counts.GetValueOrDefault(role))).ToList();
        var disabled = await db.Users.CountAsync(u => u.IsDisabled, cancellationToken);
        return new DashboardSnapshot(report, staff, disabled);
    }
}
