using ReviewConsole.Infrastructure.Api;

namespace ReviewConsole.Features.Actors;

public static class ActorsFeature
{
    public static IServiceCollection AddActors(this IServiceCollection services)
    {
        services.AddSingleton<ActorRegistry>();
        services.AddSingleton<ActorService>();
        services.AddHostedService<DemoActorEnrichment>();
        return services;
    }

    public static WebApplication MapActors(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapApiV1().MapKeyRegistryApi();
        return app;
    }
}
