using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Api;

namespace ReviewConsole.Features.Actors;

public static class ActorsFeature
{
    public static IServiceCollection AddActors(this IServiceCollection services)
    {
        services.AddSingleton<ActorRegistry>();
        services.AddSingleton<ActorService>();
        services.AddSingleton<UsageService>();
        services.AddHostedService<DemoActorEnrichment>();
        return services;
    }

    public static WebApplication MapActors(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // What the platform and organizations read and report: the key registry, usage and notices.
        app.MapApiV1().MapKeyRegistryApi().MapUsageApi().MapNoticesApi();
        return app;
    }
}
