using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>What one run of the pull job did.</summary>
public sealed record PullRunResult(int Pages, int Stored, int Duplicates, int Rejected, int PagesLostToOtherNode, string? Error);

/// <summary>
/// Reads the detection pipeline's feed page by page. Each page commits in one transaction that
/// first moves the cursor with a conditional update (<c>WHERE Cursor = the cursor we fetched at</c>)
/// and then stores the page's flags: a crash before commit leaves both untouched, so the next run
/// fetches the same page again; a second node that fetched the same page finds the cursor already
/// moved, stores nothing and continues from the new position. The unique upstream id is the second
/// guard. The cursor row is <see cref="FeedCursor"/> "<see cref="CursorName"/>".
/// </summary>
public sealed class PullFlagsJob(
    IDbContextFactory<AppDbContext> dbFactory,
    IFlagFeedClient feed,
    FlagIngestionService ingestion,
    IOptionsMonitor<FeedOptions> options,
    TimeProvider clock,
    ILogger<PullFlagsJob> logger)
{
    public const string Name = "pull-flags";
    public const string CursorName = "detection-pipeline";

    public async Task<PullRunResult> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (!settings.Enabled)
        {
            return new PullRunResult(0, 0, 0, 0, 0, null);
        }

        await EnsureCursorRowAsync(cancellationToken);
        int pages = 0, stored = 0, duplicates = 0, rejected = 0, lost = 0;
        for (var attempt = 0; attempt < settings.MaxPagesPerRun; attempt++)
        {
            var cursor = await ReadCursorAsync(cancellationToken);
            FeedPage page;
            try
            {
                page = await feed.FetchAsync(cursor, settings.PageSize, cancellationToken);
            }
            catch (FeedPageException ex)
            {
                logger.LogWarning("Pulling flags at cursor {Cursor} failed: {Error}", cursor, ex.Message);
                await RecordFailureAsync(cursor, ex, cancellationToken);
                return new PullRunResult(pages, stored, duplicates, rejected, lost, ex.Message);
            }

            var outcome = await StorePageAsync(cursor, page, cancellationToken);
            if (outcome is null)
            {
                // Another node committed this page first; read the cursor it left and go on.
                lost++;
                continue;
            }

            pages++;
            stored += outcome.Stored;
            duplicates += outcome.Duplicates;
            rejected += outcome.Rejected;
            if (!page.HasMore || page.NextCursor is null || page.NextCursor == cursor)
            {
                break;
            }
        }

        return new PullRunResult(pages, stored, duplicates, rejected, lost, null);
    }

    /// <summary>Stores one page and moves the cursor, atomically; null when the cursor had already moved.</summary>
    private Task<IngestBatchResult?> StorePageAsync(string? fetchedAt, FeedPage page, CancellationToken cancellationToken)
    {
        var origin = "cursor " + (fetchedAt ?? "(start)");
        var records = page.Records
            .Select((r, i) => new RawFlagRecord(r, string.Create(CultureInfo.InvariantCulture, $"feed {origin} record {i}")))
            .ToList();
        return ingestion.IngestPageAsync(
            FlagSource.Feed,
            records,
            StaffUser.System,
            origin,
            async (db, ct) =>
            {
                var now = clock.GetUtcNow();
                var next = page.NextCursor ?? fetchedAt;
                var moved = await db.Set<FeedCursor>()
                    .Where(c => c.Name == CursorName && c.Cursor == fetchedAt)
                    .ExecuteUpdateAsync(
                        s => s.SetProperty(c => c.Cursor, next)
                            .SetProperty(c => c.UpdatedAt, now)
                            .SetProperty(c => c.LastSuccessAt, now)
                            .SetProperty(c => c.LastError, (string?)null),
                        ct);
                return moved == 1;
            },
            cancellationToken);
    }

    private async Task EnsureCursorRowAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Set<FeedCursor>().AnyAsync(c => c.Name == CursorName, cancellationToken))
        {
            return;
        }

        db.Add(new FeedCursor { Name = CursorName, Cursor = null, UpdatedAt = clock.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node created the row first.
        }
    }

    private async Task<string?> ReadCursorAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<FeedCursor>().AsNoTracking().Where(c => c.Name == CursorName).Select(c => c.Cursor).SingleAsync(cancellationToken);
    }

    /// <summary>The cursor shows the last error (transport failures too); a page that arrived but was
    /// unusable is also kept as an ingestion error, since the pipeline must be told about it.</summary>
    private async Task RecordFailureAsync(string? cursor, FeedPageException error, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        await db.Set<FeedCursor>().Where(c => c.Name == CursorName)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastError, FlagRecordParser.Truncate(error.Message, 2000)).SetProperty(c => c.UpdatedAt, now), cancellationToken);
        if (error.Payload is { } payload)
        {
            await FlagIngestionService.RecordErrorAsync(db, FlagSource.Feed, "invalid_page: " + error.Message, null, "feed cursor " + (cursor ?? "(start)"), payload, now, cancellationToken);
        }
    }
}
