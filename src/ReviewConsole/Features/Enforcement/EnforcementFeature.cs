using Microsoft.Extensions.Options;

namespace ReviewConsole.Features.Enforcement;

public static class EnforcementFeature
{
    public static IServiceCollection AddEnforcement(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<EnforcementOptions>().Bind(configuration.GetSection(EnforcementOptions.SectionName));
        services.AddSingleton<IValidateOptions<EnforcementOptions>, EnforcementOptionsValidator>();
        services.AddSingleton<EnforcementService>();
        return services;
    }
}
