using System.Globalization;
using Microsoft.Extensions.Options;
using ReviewConsole.Infrastructure.BackgroundJobs;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Audit;

public static class AuditFeature
{
    public const string ExportPath = "/audit/export";

    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<AuditOptions>().BindConfiguration(AuditOptions.SectionName);
        services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        services.AddSingleton<AuditLog>();
        services.AddTransient<VerifyAuditChainJob>();
        services.AddSingleton<AuditQueryService>();
        services.AddSingleton<ContentAccessAudit>();
        services.AddSingleton<IRecurringJobRegistration, VerifyAuditChainJobRegistration>();
        return services;
    }

    /// <summary>The export download: a plain authenticated GET (the page links to it), audited.</summary>
    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ExportPath, (HttpContext context, AuditQueryService audit, TimeProvider clock,
                string? format, string? actor, string? user, string? targetType, string? targetId, string? kind, string? from, string? to) =>
            {
                var exportFormat = string.Equals(format, "json", StringComparison.OrdinalIgnoreCase) ? AuditExportFormat.Json : AuditExportFormat.Csv;
                if (!TryParseTime(from, out var fromTime) || !TryParseTime(to, out var toTime))
                {
                    return Results.Problem("'from' and 'to' must be ISO 8601 times.", statusCode: StatusCodes.Status400BadRequest);
                }

                var filter = new AuditFilter(actor, user, targetType, targetId, kind, fromTime, toTime);
                var by = StaffUser.From(context.User);
                var stamp = clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
                var extension = exportFormat == AuditExportFormat.Json ? "json" : "csv";
                return Results.Stream(
                    stream => audit.ExportAsync(filter, exportFormat, by, stream, context.RequestAborted),
                    exportFormat == AuditExportFormat.Json ? "application/json" : "text/csv; charset=utf-8",
                    $"audit-{stamp}.{extension}");
            })
            .RequireAuthorization(Policies.Audit)
            .WithName("AuditExport");
        return endpoints;
    }

    private static bool TryParseTime(string? value, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        return false;
    }
}
