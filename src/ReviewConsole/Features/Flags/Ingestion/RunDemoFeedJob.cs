using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>
/// The demo feed: at the first run, seeds a backlog spread over the last 24 hours (newer hours busier,
/// like a real queue); every run after that trickles in a few new flags. Which node seeds is decided
/// by inserting the <see cref="FeedCursor"/> row "<see cref="CursorName"/>" (its key is unique), so
/// two nodes never seed twice. Everything goes through <see cref="FlagIngestionService"/>.
/// </summary>
public sealed class RunDemoFeedJob(
    IDbContextFactory<AppDbContext> dbFactory,
    FlagIngestionService ingestion,
    IOptionsMonitor<DemoFeedOptions> options,
    TimeProvider clock)
{
    public const string Name = "demo-feed";
    public const string CursorName = "demo-feed";
    private const int SeedBatch = 100;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (!settings.Active)
        {
            return 0;
        }

        var generator = new DemoFlagGenerator(new Random());
        var now = clock.GetUtcNow();
        var stored = 0;
        if (await ClaimSeedingAsync(now, cancellationToken))
        {
            var times = Enumerable.Range(0, settings.BacklogSize)
                // Skewed towards the present: half the backlog is from the last ~7 hours.
                .Select(_ => now - TimeSpan.FromHours(24 * Math.Pow(generator.Random.NextDouble(), 1.8)))
                .Order()
                .ToList();
            foreach (var chunk in times.Chunk(SeedBatch))
            {
                var records = chunk.Select((t, i) => new RawFlagRecord(generator.Next(t), string.Create(CultureInfo.InvariantCulture, $"demo backlog {i}"))).ToList();
                stored += (await ingestion.IngestAsync(FlagSource.Demo, records, StaffUser.System, "demo backlog", cancellationToken)).Stored;
            }
        }

        var count = settings.FlagsPerMinute == 0 ? 0 : generator.Random.Next(0, (2 * settings.FlagsPerMinute) + 1);
        if (count > 0)
        {
            var records = Enumerable.Range(0, count)
                .Select(i => new RawFlagRecord(generator.Next(now - TimeSpan.FromSeconds(generator.Random.Next(0, 60))), string.Create(CultureInfo.InvariantCulture, $"demo trickle {i}")))
                .ToList();
            stored += (await ingestion.IngestAsync(FlagSource.Demo, records, StaffUser.System, "demo trickle", cancellationToken)).Stored;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Set<FeedCursor>().Where(c => c.Name == CursorName)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, now).SetProperty(c => c.LastSuccessAt, now), cancellationToken);
        return stored;
    }

    private async Task<bool> ClaimSeedingAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Set<FeedCursor>().AnyAsync(c => c.Name == CursorName, cancellationToken))
        {
            return false;
        }

        db.Add(new FeedCursor { Name = CursorName, Cursor = "seeded", UpdatedAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
    }
}
