using Microsoft.Extensions.Options;
using ReviewConsole.Features.Flags.Feedback;

namespace ReviewConsole.Features.Quality;

/// <summary>Review quality: golden items, blind double review, agreement statistics, the below-threshold sample.</summary>
public static class QualityFeature
{
    public static IServiceCollection AddQuality(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<QualityOptions>().Bind(configuration.GetSection(QualityOptions.SectionName));
        services.AddSingleton<IValidateOptions<QualityOptions>, QualityOptionsValidator>();
        services.AddSingleton<ThresholdLoweringService>();
        services.AddSingleton<QualitySampler>();
        services.AddSingleton<DoubleReviewService>();
        services.AddSingleton<GoldenSetService>();
        services.AddSingleton<QualityClaimService>();
        services.AddSingleton<AgreementService>();
        services.AddHostedService<QualityDemoSeeder>();
        return services;
    }

    /// <summary>GET /quality/export.csv?days=N: the agreement report (Leads, Admins, Auditors).</summary>
    public static WebApplication MapQuality(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/quality/export.csv", async (int? days, AgreementService agreement, CancellationToken ct) =>
        {
            var period = Math.Clamp(days ?? 30, 1, 3650);
            var report = await agreement.ReportAsync(period, ct);
            return Results.File(System.Text.Encoding.UTF8.GetBytes(AgreementService.ToCsv(report)), "text/csv; charset=utf-8", $"review-agreement-{period}d.csv");
        }).RequireAuthorization(ReviewConsole.Infrastructure.Identity.Policies.Dashboard);
        return app;
    }
}
