namespace ReviewConsole.Features.Dashboard;

public static class DashboardFeature
{
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSingleton<DashboardService>();
        return services;
    }
}
