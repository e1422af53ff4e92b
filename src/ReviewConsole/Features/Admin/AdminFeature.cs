namespace ReviewConsole.Features.Admin;

public static class AdminFeature
{
    public static IServiceCollection AddAdmin(this IServiceCollection services)
    {
        services.AddSingleton<UserAdminService>();
        services.AddSingleton<ApiTokenService>();
        return services;
    }
}
