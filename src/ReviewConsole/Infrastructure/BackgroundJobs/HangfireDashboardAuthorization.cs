using Hangfire.Dashboard;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Infrastructure.BackgroundJobs;

/// <summary>Second lock on the dashboard besides the endpoint's Admin policy: Hangfire's own
/// default lets only local requests in, which is wrong both ways behind a proxy.</summary>
public sealed class HangfireDashboardAuthorization : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.GetHttpContext().User;
        return user.Identity?.IsAuthenticated == true && user.IsInRole(Roles.Admin);
    }
}
