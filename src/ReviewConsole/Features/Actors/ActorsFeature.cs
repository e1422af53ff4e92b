namespace ReviewConsole.Features.Actors;

public static class ActorsFeature
{
    public static IServiceCollection AddActors(this IServiceCollection services)
    {
        services.AddSingleton<ActorRegistry>();
        return services;
    }
}
