namespace ReviewConsole.Infrastructure.Health;

public static class HealthSetup
{
    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddSingleton<HealthService>();
        return services;
    }

    /// <summary>GET /healthz: anonymous, JSON, 200 when healthy or degraded and 503 when unhealthy.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", async (HealthService health, CancellationToken cancellationToken) =>
            {
                var report = await health.CheckAsync(cancellationToken);
                return Results.Json(report, statusCode: report.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
            })
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("Health");
        return endpoints;
    }
}
