namespace ReviewConsole.Features.Admin;

public static class AdminFeature
{
    public static IServiceCollection AddAdmin(this IServiceCollection services)
    {
        services.AddSingleton<UserAdminService>();
        return services;
    }
}
