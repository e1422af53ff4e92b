using Microsoft.Extensions.Options;
using ReviewConsole.Infrastructure.Api;

namespace ReviewConsole.Features.Appeals;

public static class AppealsFeature
{
    public static IServiceCollection AddAppeals(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<AppealsOptions>().Bind(configuration.GetSection(AppealsOptions.SectionName));
        services.AddSingleton<IValidateOptions<AppealsOptions>, AppealsOptionsValidator>();
        services.AddSingleton<AppealService>();
        return services;
    }

    public static WebApplication MapAppeals(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapApiV1().MapAppealsApi();
        return app;
    }
}
