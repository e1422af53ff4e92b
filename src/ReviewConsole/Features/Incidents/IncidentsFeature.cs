using Microsoft.Extensions.Options;
using ReviewConsole.Infrastructure.BackgroundJobs;

namespace ReviewConsole.Features.Incidents;

public static class IncidentsFeature
{
    public static IServiceCollection AddIncidents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<IncidentsOptions>().Bind(configuration.GetSection(IncidentsOptions.SectionName));
        services.AddSingleton<IValidateOptions<IncidentsOptions>, IncidentsOptionsValidator>();
        services.AddSingleton<IncidentService>();
        services.AddTransient<MonitorIncidentsJob>();
        services.AddSingleton<IRecurringJobRegistration, IncidentJobsRegistration>();
        services.AddHostedService<IncidentDemoSeeder>();
        return services;
    }
}
