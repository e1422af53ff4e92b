using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using ReviewConsole.Infrastructure.BackgroundJobs;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Statistics;

public static class StatisticsFeature
{
    public static IServiceCollection AddStatistics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<StatisticsOptions>().Bind(configuration.GetSection(StatisticsOptions.SectionName));
        services.AddSingleton<IValidateOptions<StatisticsOptions>, StatisticsOptionsValidator>();
        services.AddSingleton<StatisticsService>();
        services.AddSingleton<StatisticsRollup>();
        services.AddTransient<RollUpStatisticsJob>();
        services.AddSingleton<IRecurringJobRegistration, StatisticsJobsRegistration>();
        services.AddSingleton<StatisticsExportAudit>();
        return services;
    }

    /// <summary>The transparency exports: GET /statistics/export/csv|json?from=yyyy-MM-dd&amp;to=yyyy-MM-dd (UTC days, to
    /// exclusive); without a period, the last 30 days through today.</summary>
    public static WebApplication MapStatistics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/statistics").RequireAuthorization(Policies.Dashboard);
        group.MapGet("/export/csv", async (HttpContext context, string? from, string? to, StatisticsService service, StatisticsExportAudit exports, TimeProvider clock, CancellationToken ct) =>
        {
            (from, to) = DefaultPeriod(from, to, clock);
            if (!TryPeriod(from, to, out var start, out var end, out var error))
            {
                return Results.BadRequest(error);
            }

            var stats = await service.ComputeAsync(start, end, ct);
            await exports.RecordAsync(StaffUser.From(context.User), "CSV", from, to, ct);
            return Results.File(Encoding.UTF8.GetBytes(service.ToCsv(stats)), "text/csv; charset=utf-8", $"safety-statistics-{from}-{to}.csv");
        });
        group.MapGet("/export/json", async (HttpContext context, string? from, string? to, StatisticsService service, StatisticsExportAudit exports, TimeProvider clock, CancellationToken ct) =>
        {
            (from, to) = DefaultPeriod(from, to, clock);
            if (!TryPeriod(from, to, out var start, out var end, out var error))
            {
                return Results.BadRequest(error);
            }

            var stats = await service.ComputeAsync(start, end, ct);
            await exports.RecordAsync(StaffUser.From(context.User), "JSON", from, to, ct);
            return Results.File(Encoding.UTF8.GetBytes(service.ToJson(stats)), "application/json; charset=utf-8", $"safety-statistics-{from}-{to}.json");
        });
        return app;
    }

    /// <summary>The last 30 days through today (UTC), for whichever end is not given.</summary>
    internal static (string From, string To) DefaultPeriod(string? from, string? to, TimeProvider clock)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return (
            string.IsNullOrEmpty(from) ? today.AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : from,
            string.IsNullOrEmpty(to) ? today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : to);
    }

    internal static bool TryPeriod(string? from, string? to, out DateTimeOffset start, out DateTimeOffset end, out string error)
    {
        start = end = default;
        error = "";
        if (!DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var f)
            || !DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
        {
            error = "Give the period as from=yyyy-MM-dd&to=yyyy-MM-dd (UTC days, to exclusive).";
            return false;
        }

        if (t <= f)
        {
            error = "The period must end after it starts.";
            return false;
        }

        start = new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        end = new DateTimeOffset(t.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return true;
    }
}
