using Microsoft.Extensions.Options;
using ReviewConsole.Infrastructure.BackgroundJobs;

namespace ReviewConsole.Features.Admin;

public static class AdminFeature
{
    public static IServiceCollection AddAdmin(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName);
        services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        services.AddSingleton<UserAdminService>();
        services.AddSingleton<ApiTokenService>();
        services.AddSingleton<IntegrationsService>();
        services.AddTransient<RedactFlagContentJob>();
        services.AddSingleton<IRecurringJobRegistration, RedactFlagContentJobRegistration>();
        return services;
    }
}
