using System.Runtime.InteropServices;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>
/// This node's in-memory index of the open near-duplicate clusters (last seen within the cluster
/// window), bucketed by the eight 8-bit bands of their SimHash: two hashes within Hamming distance 7
/// share at least one band, so a flag's candidates are the clusters in its eight buckets, about 1/32
/// of the open clusters, compared in memory. Closed clusters are never loaded, so the cost per flag
/// follows the number of clusters active in the window, not every cluster ever created.
/// <para>
/// The database stays the truth. Each intake chunk first reads the clusters other nodes created since
/// (<c>Id &gt; the highest id known</c>, one indexed range read), and every
/// <see cref="FullReloadInterval"/> the index is rebuilt from the window, which also picks up clusters
/// another node extended or committed out of id order. Changes of this node are applied only after
/// their transaction commits, so a rolled-back chunk leaves nothing behind here.
/// </para>
/// </summary>
public sealed class OpenClusterIndex
{
    public static readonly TimeSpan FullReloadInterval = TimeSpan.FromMinutes(5);

    private readonly Lock gate = new();
    private readonly Dictionary<long, Entry> byId = [];
    private readonly List<Slot>[] buckets = NewBuckets();
    private long maxId;
    private DateTimeOffset loadedAt = DateTimeOffset.MinValue;

    public int Count
    {
        get
        {
            lock (gate)
            {
                return byId.Count;
            }
        }
    }

    /// <summary>Brings the index up to date with the database: a full reload of the window when the
    /// last one is older than <see cref="FullReloadInterval"/>, else the clusters created since.</summary>
    public async Task SyncAsync(AppDbContext db, DateTimeOffset now, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var since = now - window;
        bool full;
        long after;
        lock (gate)
        {
            full = now - loadedAt > FullReloadInterval || now < loadedAt;
            after = maxId;
        }

        var query = db.Set<FlagCluster>().AsNoTracking();
        query = full ? query.Where(c => c.LastSeenAt >= since) : query.Where(c => c.Id > after);
        var rows = await query.Select(c => new { c.Id, c.SimHash, c.Size, c.LastSeenAt }).ToListAsync(cancellationToken);

        lock (gate)
        {
            if (full)
            {
                byId.Clear();
                foreach (var bucket in buckets)
                {
                    bucket.Clear();
                }

                loadedAt = now;
            }

            foreach (var row in rows)
            {
                UpsertLocked(row.Id, row.SimHash, row.Size, row.LastSeenAt);
            }

            if (!full)
            {
                EvictLocked(since);
            }
        }
    }

    /// <summary>Makes the next <see cref="SyncAsync"/> rebuild the index from the database.</summary>
    public void Invalidate()
    {
        lock (gate)
        {
            loadedAt = DateTimeOffset.MinValue;
        }
    }

    /// <summary>The open cluster nearest to <paramref name="simHash"/> within <paramref name="threshold"/>
    /// bits and last seen at or after <paramref name="since"/>; ties go to the older cluster.</summary>
    public ClusterMatch? FindNearest(long simHash, int threshold, DateTimeOffset since)
    {
        lock (gate)
        {
            ClusterMatch? best = null;
            for (var band = 0; band < 8; band++)
            {
                // A bucket is a contiguous array of (hash, entry) pairs: the scan touches hashes only,
                // an entry only for the rare hash within the threshold.
                foreach (var slot in CollectionsMarshal.AsSpan(buckets[SimHash.BandBucket(simHash, band)]))
                {
                    var distance = SimHash.Distance(slot.SimHash, simHash);
                    if (distance > threshold)
                    {
                        continue;
                    }

                    var entry = slot.Entry;
                    if (entry.LastSeenAt >= since && (best is not { } b || distance < b.Distance || (distance == b.Distance && entry.Id < b.Id)))
                    {
                        best = new ClusterMatch(entry.Id, entry.SimHash, entry.Size, entry.LastSeenAt, distance);
                    }
                }
            }

            return best;
        }
    }

    /// <summary>Applies what a committed chunk did: new clusters, new sizes and last-seen times.</summary>
    public void Apply(IEnumerable<ClusterState> committed)
    {
        ArgumentNullException.ThrowIfNull(committed);
        lock (gate)
        {
            foreach (var c in committed)
            {
                if (c.Size <= 0)
                {
                    continue;
                }

                if (byId.TryGetValue(c.Id, out var entry))
                {
                    entry.Size += c.Added;
                    entry.LastSeenAt = c.LastSeenAt > entry.LastSeenAt ? c.LastSeenAt : entry.LastSeenAt;
                }
                else
                {
                    UpsertLocked(c.Id, c.SimHash, c.Size, c.LastSeenAt);
                }
            }
        }
    }

    private void UpsertLocked(long id, long simHash, int size, DateTimeOffset lastSeenAt)
    {
        if (byId.TryGetValue(id, out var existing))
        {
            existing.Size = size;
            existing.LastSeenAt = lastSeenAt;
            return;
        }

        var entry = new Entry(id, simHash) { Size = size, LastSeenAt = lastSeenAt };
        byId[id] = entry;
        for (var band = 0; band < 8; band++)
        {
            buckets[SimHash.BandBucket(simHash, band)].Add(new Slot(simHash, entry));
        }

        maxId = Math.Max(maxId, id);
    }

    /// <summary>Drops clusters that closed, a bucket at a time, only when enough have closed to be worth it.</summary>
    private void EvictLocked(DateTimeOffset since)
    {
        var closed = 0;
        foreach (var entry in byId.Values)
        {
            if (entry.LastSeenAt < since)
            {
                closed++;
            }
        }

        if (closed < 1024 || closed * 10 < byId.Count)
        {
            return;
        }

        foreach (var bucket in buckets)
        {
            bucket.RemoveAll(s => s.Entry.LastSeenAt < since);
        }

        foreach (var id in byId.Where(p => p.Value.LastSeenAt < since).Select(p => p.Key).ToList())
        {
            byId.Remove(id);
        }
    }

    private static List<Slot>[] NewBuckets()
    {
        var buckets = new List<Slot>[SimHash.BandBuckets];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = [];
        }

        return buckets;
    }

    private readonly record struct Slot(long SimHash, Entry Entry);

    private sealed class Entry(long id, long simHash)
    {
        public long Id { get; } = id;

        public long SimHash { get; } = simHash;

        public int Size { get; set; }

        public DateTimeOffset LastSeenAt { get; set; }
    }
}

/// <summary>A candidate cluster for a flag: its id, hash, size as last known, and distance.</summary>
public readonly record struct ClusterMatch(long Id, long SimHash, int Size, DateTimeOffset LastSeenAt, int Distance);

/// <summary>A cluster as a committed chunk left it: <see cref="Added"/> members joined, <see cref="Size"/> in all.</summary>
public readonly record struct ClusterState(long Id, long SimHash, int Size, int Added, DateTimeOffset LastSeenAt);
