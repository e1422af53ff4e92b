using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;

namespace ReviewConsole.Features.Flags.Ingestion;

public sealed record IngestionErrorRow(long Id, FlagSource Source, DateTimeOffset ReceivedAt, string Reason, string? UpstreamId, string Origin, string RawPayload)
{
    /// <summary>The stable code before the colon (<c>missing_field</c>), for grouping and chips.</summary>
    public string Code => Reason.Split(':', 2)[0];
}

public sealed record IngestionErrorPage(IReadOnlyList<IngestionErrorRow> Items, int Total);

public sealed record IngestionErrorCount(FlagSource Source, int Total, int Last24Hours);

public sealed record FeedStatus(string Name, string? Cursor, DateTimeOffset UpdatedAt, DateTimeOffset? LastSuccessAt, string? LastError);

/// <summary>Reads rejected intake records for the admin page (newest first, filterable by source).</summary>
public sealed class IngestionErrorService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public async Task<IngestionErrorPage> ListAsync(FlagSource? source, int page, int pageSize, CancellationToken cancellationToken)
    {
        pageSize = Math.Clamp(pageSize, 1, 200);
        page = Math.Max(0, page);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Set<IngestionError>().AsNoTracking();
        if (source is { } s)
        {
            query = query.Where(e => e.Source == s);
        }

        var total = await query.CountAsync(cancellationToken);
        var items = await query
            .OrderByDescending(e => e.Id)
            .Skip(page * pageSize)
            .Take(pageSize)
            .Select(e => new IngestionErrorRow(e.Id, e.Source, e.ReceivedAt, e.Reason, e.UpstreamId, e.Origin, e.RawPayload))
            .ToListAsync(cancellationToken);
        return new IngestionErrorPage(items, total);
    }

    public async Task<IReadOnlyList<IngestionErrorCount>> CountsAsync(CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow().AddHours(-24);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var counts = await db.Set<IngestionError>().AsNoTracking()
            .GroupBy(e => e.Source)
            .Select(g => new { Source = g.Key, Total = g.Count(), Recent = g.Count(e => e.ReceivedAt >= since) })
            .ToListAsync(cancellationToken);
        return Enum.GetValues<FlagSource>()
            .Select(s => counts.FirstOrDefault(c => c.Source == s) is { } c ? new IngestionErrorCount(s, c.Total, c.Recent) : new IngestionErrorCount(s, 0, 0))
            .ToList();
    }

    public async Task<IReadOnlyList<FeedStatus>> FeedsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<FeedCursor>().AsNoTracking()
            .OrderBy(c => c.Name)
            .Select(c => new FeedStatus(c.Name, c.Cursor, c.UpdatedAt, c.LastSuccessAt, c.LastError))
            .ToListAsync(cancellationToken);
    }
}
