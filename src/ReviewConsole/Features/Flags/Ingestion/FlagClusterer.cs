using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>
/// Puts a flag in its near-duplicate cluster: the open cluster whose SimHash is nearest within the
/// Hamming threshold, found through the eight 8-bit bands (any two hashes within distance 7 share a
/// band), or a new cluster of one. Joining is an atomic <c>Size = Size + 1</c>, so concurrent
/// ingestion on several nodes keeps sizes exact.
/// </summary>
public static class FlagClusterer
{
    public const int ExcerptChars = 280;

    public static async Task<(long ClusterId, int Size)> AssignAsync(
        AppDbContext db,
        long simHash,
        string text,
        DateTimeOffset at,
        int threshold,
        TimeSpan window,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(text);
        var bands = SimHash.Bands(simHash);
        var since = at - window;
        var candidateIds = db.Set<FlagClusterBand>()
            .Where(b => (b.Band == 0 && b.Value == bands[0]) || (b.Band == 1 && b.Value == bands[1])
                || (b.Band == 2 && b.Value == bands[2]) || (b.Band == 3 && b.Value == bands[3])
                || (b.Band == 4 && b.Value == bands[4]) || (b.Band == 5 && b.Value == bands[5])
                || (b.Band == 6 && b.Value == bands[6]) || (b.Band == 7 && b.Value == bands[7]))
            .Select(b => b.ClusterId)
            .Distinct();
        var candidates = await db.Set<FlagCluster>().AsNoTracking()
            .Where(c => candidateIds.Contains(c.Id) && c.LastSeenAt >= since)
            .Select(c => new { c.Id, c.SimHash })
            .ToListAsync(cancellationToken);
        var best = candidates
            .Select(c => (c.Id, Distance: SimHash.Distance(c.SimHash, simHash)))
            .Where(c => c.Distance <= threshold)
            .OrderBy(c => c.Distance).ThenBy(c => c.Id)
            .FirstOrDefault();

        if (best.Id != 0)
        {
            await db.Set<FlagCluster>().Where(c => c.Id == best.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Size, c => c.Size + 1)
                    .SetProperty(c => c.LastSeenAt, c => c.LastSeenAt > at ? c.LastSeenAt : at), cancellationToken);
            var size = await db.Set<FlagCluster>().Where(c => c.Id == best.Id).Select(c => c.Size).SingleAsync(cancellationToken);
            return (best.Id, size);
        }

        var cluster = new FlagCluster
        {
            SimHash = simHash,
            Size = 1,
            FirstSeenAt = at,
            LastSeenAt = at,
            Excerpt = FlagRecordParser.Truncate(text.ReplaceLineEndings(" "), ExcerptChars),
        };
        db.Add(cluster);
        await db.SaveChangesAsync(cancellationToken);
        db.AddRange(bands.Select((value, band) => new FlagClusterBand { ClusterId = cluster.Id, Band = band, Value = value }));
        await db.SaveChangesAsync(cancellationToken);
        return (cluster.Id, 1);
    }
}
