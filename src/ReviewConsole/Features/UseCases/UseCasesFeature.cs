using Microsoft.Extensions.Options;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.BackgroundJobs;

namespace ReviewConsole.Features.UseCases;

public static class UseCasesFeature
{
    public static IServiceCollection AddUseCases(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<UseCasesOptions>().Bind(configuration.GetSection(UseCasesOptions.SectionName));
        services.AddSingleton<IValidateOptions<UseCasesOptions>, UseCasesOptionsValidator>();
        services.AddSingleton<GuidelineService>();
        services.AddSingleton<UseCaseIntakeService>();
        services.AddSingleton<UseCaseMonitorService>();
        services.AddSingleton<UseCaseReviewService>();
        services.AddSingleton<UseCaseDemoSeeder>();
        services.AddTransient<CheckUseCasesJob>();
        services.AddSingleton<IRecurringJobRegistration, UseCasesRecurringJobs>();
        services.AddHostedService<UseCasesSeedHostedService>();
        return services;
    }

    public static WebApplication MapUseCases(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapApiV1().MapUseCasesApi();
        return app;
    }
}
