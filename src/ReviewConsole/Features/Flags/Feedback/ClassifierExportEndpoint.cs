using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Flags.Feedback;

/// <summary>The filter of a labeled-flag export; dates are whole UTC days, <see cref="To"/> inclusive.</summary>
public sealed record LabelExportFilter(DateOnly? From, DateOnly? To, string? Category, string? ClassifierName, string? ClassifierVersion)
{
    public string ToQueryString()
    {
        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add(key + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("category", Category);
        Add("classifier", ClassifierName);
        Add("version", ClassifierVersion);
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    public override string ToString() =>
        $"from {From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "the start"} to {To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "today"}, category {Category ?? "any"}, classifier {ClassifierName ?? "any"} {ClassifierVersion ?? ""}".TrimEnd();
}

/// <summary>
/// <c>GET /flags/classifiers/export</c>: labeled flags as JSONL for retraining, one flag per line with
/// its scores and reviewer labels, filtered by label date, category and classifier version. Signed-in
/// staff with the Flags policy only; every export is audited (who, filter, how many flags) before
/// the first byte is sent. Redacted flags are exported without their text.
/// </summary>
public static class ClassifierExportEndpoint
{
    public const string Path = "/flags/classifiers/export";
    private const int Chunk = 200;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static WebApplication MapClassifierExport(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(Path, ExportAsync).RequireAuthorization(Policies.Flags);
        return app;
    }

    private static async Task ExportAsync(
        HttpContext context,
        IDbContextFactory<AppDbContext> dbFactory,
        AuditLog audit,
        TimeProvider clock,
        string? from,
        string? to,
        string? category,
        string? classifier,
        string? version,
        CancellationToken cancellationToken)
    {
        if (!TryDate(from, out var fromDate) || !TryDate(to, out var toDate))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = "invalid_date", message = "Dates are yyyy-MM-dd." }, cancellationToken);
            return;
        }

        var filter = new LabelExportFilter(fromDate, toDate, Blank(category), Blank(classifier), Blank(version));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var labels = Filter(db.Set<DecisionLabel>().AsNoTracking(), filter);
        var flagIds = await labels.Select(l => l.FlagId).Distinct().OrderBy(id => id).ToListAsync(cancellationToken);

        var by = StaffUser.From(context.User);
        await audit.AppendAsync(
            db,
            by,
            new AuditEntry("labels.exported", "DecisionLabel", "export", $"Exported {flagIds.Count} labeled flag(s): {filter}", null, null, JsonSerializer.Serialize(filter, Json)),
            cancellationToken);

        var stamp = clock.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/x-ndjson; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"labeled-flags-{stamp}.jsonl\"";
        context.Response.Headers.CacheControl = "no-store";

        foreach (var chunk in flagIds.Chunk(Chunk))
        {
            var flags = await db.Set<Flag>().AsNoTracking()
                .Where(f => chunk.Contains(f.Id))
                .Include(f => f.Scores)
                .OrderBy(f => f.Id)
                .ToListAsync(cancellationToken);
            var chunkLabels = (await Filter(db.Set<DecisionLabel>().AsNoTracking(), filter)
                .Where(l => chunk.Contains(l.FlagId))
                .ToListAsync(cancellationToken))
                .ToLookup(l => l.FlagId);
            foreach (var flag in flags)
            {
                var line = new ExportLine(
                    flag.Id,
                    flag.UpstreamId,
                    flag.CreatedAt,
                    flag.Model,
                    new ExportClassifier(flag.ClassifierName, flag.ClassifierVersion),
                    flag.Redacted,
                    flag.Redacted ? null : flag.Prompt,
                    flag.Redacted ? null : flag.Completion,
                    flag.Scores.OrderBy(s => s.Category, StringComparer.Ordinal).ToDictionary(s => s.Category, s => s.Score),
                    chunkLabels[flag.Id].OrderBy(l => l.Id).Select(l => new ExportLabel(l.Category, l.Outcome, l.Score, l.LabeledAt)).ToList());
                await context.Response.WriteAsync(JsonSerializer.Serialize(line, Json) + "\n", cancellationToken);
            }
        }
    }

    private static IQueryable<DecisionLabel> Filter(IQueryable<DecisionLabel> labels, LabelExportFilter filter)
    {
        if (filter.From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            labels = labels.Where(l => l.LabeledAt >= start);
        }

        if (filter.To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            labels = labels.Where(l => l.LabeledAt < end);
        }

        if (filter.Category is { } category)
        {
            labels = labels.Where(l => l.Category == category);
        }

        if (filter.ClassifierName is { } name)
        {
            labels = labels.Where(l => l.ClassifierName == name);
        }

        if (filter.ClassifierVersion is { } version)
        {
            labels = labels.Where(l => l.ClassifierVersion == version);
        }

        return labels;
    }

    private static bool TryDate(string? value, out DateOnly? date)
    {
        date = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            date = parsed;
            return true;
        }

        return false;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private sealed record ExportLine(
        long FlagId,
        string UpstreamId,
        DateTimeOffset CreatedAt,
        string Model,
        ExportClassifier Classifier,
        bool Redacted,
        string? Prompt,
        string? Completion,
        IReadOnlyDictionary<string, double> CategoryScores,
        IReadOnlyList<ExportLabel> Labels);

    private sealed record ExportClassifier(string Name, string Version);

    private sealed record ExportLabel(string Category, LabelOutcome Outcome, double Score, DateTimeOffset LabeledAt);
}
