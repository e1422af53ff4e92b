using Microsoft.Extensions.Options;
using ReviewConsole.Features.Flags.Queue;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Features.Wellness;

namespace ReviewConsole.Features.Flags;

/// <summary>The reviewer side of flags: queue, claims and leases, triage and decisions, wellness.</summary>
public static class FlagsTriageFeature
{
    public static IServiceCollection AddFlagsTriage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<FlagsTriageOptions>().Bind(configuration.GetSection(FlagsTriageOptions.SectionName));
        services.AddSingleton<IValidateOptions<FlagsTriageOptions>, FlagsTriageOptionsValidator>();
        services.AddOptionsWithValidateOnStart<WellnessOptions>().Bind(configuration.GetSection(WellnessOptions.SectionName));
        services.AddSingleton<IValidateOptions<WellnessOptions>, WellnessOptionsValidator>();
        services.AddSingleton<WellnessService>();
        services.AddSingleton<ContentSensitivity>();
        services.AddSingleton<FlagClaimService>();
        services.AddSingleton<FlagTriageService>();
        services.AddSingleton<FlagDecisionService>();
        services.AddSingleton<FlagQueueService>();
        // Per circuit: the reviewer's skipped flags and continuous-reviewing clock.
        services.AddScoped<ReviewSession>();
        return services;
    }
}
