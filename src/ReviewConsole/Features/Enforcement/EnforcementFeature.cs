using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using ReviewConsole.Infrastructure.BackgroundJobs;

namespace ReviewConsole.Features.Enforcement;

public static class EnforcementFeature
{
    public static IServiceCollection AddEnforcement(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<EnforcementOptions>().Bind(configuration.GetSection(EnforcementOptions.SectionName));
        services.AddSingleton<IValidateOptions<EnforcementOptions>, EnforcementOptionsValidator>();
        services.AddOptionsWithValidateOnStart<PlatformOptions>().Bind(configuration.GetSection(PlatformOptions.SectionName));
        services.AddSingleton<IValidateOptions<PlatformOptions>, PlatformOptionsValidator>();

        services.AddSingleton<EnforcementService>();
        services.AddSingleton<EnforcementOutboxService>();
        services.AddSingleton<EnforcementDispatcher>();
        services.AddSingleton<EnforcementOutboxSignal>();
        services.AddSingleton<EnforcementCommitInterceptor>();
        // Every context the app builds (services' factory, Identity's scoped one, jobs) hands the
        // actions it commits to Hangfire: enforcement starts at commit, whoever wrote the row.
        services.ConfigureDbContext<ReviewConsole.Data.AppDbContext>((sp, options) => options.AddInterceptors(sp.GetRequiredService<EnforcementCommitInterceptor>()), ServiceLifetime.Singleton);
        services.AddSingleton<EnforcementExecutor>();
        services.AddSingleton<StrikeService>();
        services.AddSingleton<NoticeService>();
        services.AddSingleton<SweepEnforcementOutboxJob>();
        services.AddTransient<ExecuteEnforcementActionJob>();
        services.AddSingleton<IRecurringJobRegistration, EnforcementRecurringJobs>();
        services.AddHostedService<EnforcementOutboxPoller>();

        // Timeouts and a circuit breaker per call; no retry here: retries are outbox rows, which
        // survive restarts and honour Retry-After (EnforcementExecutor).
        services.AddHttpClient(HttpEnforcementGateway.ClientName)
            .AddResilienceHandler("platform", (pipeline, context) =>
            {
                var platform = context.ServiceProvider.GetRequiredService<IOptions<PlatformOptions>>().Value;
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = platform.CircuitFailureRatio,
                    MinimumThroughput = platform.CircuitMinimumThroughput,
                    SamplingDuration = TimeSpan.FromSeconds(platform.CircuitSamplingSeconds),
                    BreakDuration = TimeSpan.FromSeconds(platform.CircuitBreakSeconds),
                });
                pipeline.AddTimeout(TimeSpan.FromSeconds(platform.TimeoutSeconds));
            });
        services.AddSingleton<LocalEnforcementGateway>();
        services.AddSingleton<HttpEnforcementGateway>();
        services.AddSingleton<IEnforcementGateway>(sp => sp.GetRequiredService<IOptions<PlatformOptions>>().Value.Gateway == PlatformGateway.Http
            ? sp.GetRequiredService<HttpEnforcementGateway>()
            : sp.GetRequiredService<LocalEnforcementGateway>());
        return services;
    }
}
