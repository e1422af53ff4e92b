using System.Buffers;
using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.PolicyCategories;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>
/// The one intake pipeline all four sources use, set-based per chunk:
/// <list type="number">
/// <item>validate every record (in parallel; pure), compute its content hash, cluster text and SLA;</item>
/// <item>in one transaction: dedupe the chunk against stored flags with one query (the same upstream
/// id with different content is a <c>conflicting_duplicate</c> reject), resolve actors from this
/// node's cache plus one batched upsert, assign near-duplicate clusters in memory
/// (<see cref="OpenClusterIndex"/>), score priorities, and write clusters, flags and scores with a
/// handful of multi-row statements (<see cref="IntakeStore"/>); each touched cluster's size is
/// updated once; rejects become <see cref="IngestionError"/> rows; one audit event per chunk.</item>
/// </list>
/// A database error in a chunk (a record the database refuses) rolls the chunk back and stores it
/// again one record at a time, each in a savepoint, so the one bad record is rejected with the
/// database's reason and the rest are stored; nothing else stops a chunk. Caches of this node (actor
/// ids, open clusters) learn a chunk's writes only after it commits.
/// </summary>
public sealed class FlagIngestionService(
    IDbContextFactory<AppDbContext> dbFactory,
    ActorRegistry actors,
    AuditLog audit,
    TimeProvider clock,
    IOptionsMonitor<IngestionOptions> options,
    ILogger<FlagIngestionService>? logger = null) : IDisposable
{
    public const int RawPayloadChars = 4000;
    private const string RecordSavepoint = "ingest_record";
    private const int MaxCachedActors = 200_000;
    private const int ParallelParseThreshold = 64;

    private readonly ActorRegistry actorRegistry = actors;
    private readonly AuditLog auditLog = audit;
    private readonly ConcurrentDictionary<ActorRef, ActorIds> actorCache = new();
    private readonly OpenClusterIndex clusterIndex = new();

    // On SQLite one writer holds the database anyway; queueing this node's chunks here instead of in
    // SQLite's busy handler keeps them from sleeping in back-off, and lets each chunk see the clusters
    // the previous one created.
    private readonly SemaphoreSlim sqliteWriter = new(1, 1);
    private readonly ILogger log = logger ?? NullLogger<FlagIngestionService>.Instance;

    /// <summary>The open clusters this node knows (for tests and diagnostics).</summary>
    public int OpenClustersKnown => clusterIndex.Count;

    /// <summary>Ingests a batch in transactions of at most <see cref="IngestionOptions.TransactionChunkSize"/>
    /// records, so no transaction holds SQLite's write lock for long.</summary>
    public async Task<IngestBatchResult> IngestAsync(FlagSource source, IReadOnlyList<RawFlagRecord> records, StaffUser by, string batchOrigin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(by);
        var chunkSize = options.CurrentValue.TransactionChunkSize;
        var results = new List<IngestRecordResult>(records.Count);
        for (var offset = 0; offset < records.Count; offset += chunkSize)
        {
            var chunk = records.Skip(offset).Take(chunkSize).ToList();
            var origin = records.Count <= chunkSize ? batchOrigin : string.Create(CultureInfo.InvariantCulture, $"{batchOrigin} records {offset}-{offset + chunk.Count - 1}");
            var chunkResult = await IngestChunkAsync(source, chunk, by, origin, claim: null, cancellationToken);
            results.AddRange(chunkResult!.Records.Select(r => r with { Index = r.Index + offset }));
        }

        return new IngestBatchResult(results);
    }

    /// <summary>
    /// Ingests one page in one transaction that first runs <paramref name="claim"/> (the pull feed
    /// moves its cursor with a conditional update): the page and the claim commit together or not at
    /// all. Returns null, storing nothing, when the claim answers false.
    /// </summary>
    public Task<IngestBatchResult?> IngestPageAsync(FlagSource source, IReadOnlyList<RawFlagRecord> records, StaffUser by, string origin, Func<AppDbContext, CancellationToken, Task<bool>> claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(by);
        ArgumentNullException.ThrowIfNull(claim);
        return IngestChunkAsync(source, records, by, origin, claim, cancellationToken);
    }

    /// <summary>Records a reject that is not one record (a page or request body that is not JSON at all).</summary>
    public static async Task RecordErrorAsync(AppDbContext db, FlagSource source, string reason, string? upstreamId, string origin, ReadOnlyMemory<byte> raw, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.Add(NewError(source, reason, upstreamId, origin, raw, now));
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    public static string ContentHash(string prompt, string completion)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(completion);
        // SHA-256 of UTF-8("{prompt.Length}:{prompt}{completion}"), encoded part by part into a pooled
        // buffer: the encoder carries a surrogate split across the parts, so the bytes are exactly
        // those of the concatenated string, without building it.
        var head = string.Create(CultureInfo.InvariantCulture, $"{prompt.Length}:");
        var encoder = Encoding.UTF8.GetEncoder();
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(head.Length + prompt.Length + completion.Length));
        try
        {
            var length = encoder.GetBytes(head, buffer, flush: false);
            length += encoder.GetBytes(prompt, buffer.AsSpan(length), flush: false);
            length += encoder.GetBytes(completion, buffer.AsSpan(length), flush: true);
            return Convert.ToHexStringLower(SHA256.HashData(buffer.AsSpan(0, length)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose() => sqliteWriter.Dispose();

    private async Task<IngestBatchResult?> IngestChunkAsync(FlagSource source, IReadOnlyList<RawFlagRecord> records, StaffUser by, string origin, Func<AppDbContext, CancellationToken, Task<bool>>? claim, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = clock.GetUtcNow();
        PolicyTaxonomy taxonomy;
        IReadOnlyDictionary<string, string> mappedCategories;
        bool sqlite;
        await using (var read = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            taxonomy = await PolicyCatalogService.LoadTaxonomyAsync(read, cancellationToken);
            mappedCategories = await UnknownCategoryService.MappingsAsync(read, cancellationToken);
            sqlite = read.Database.IsSqlite();
        }

        var prepared = Prepare(records, taxonomy, mappedCategories, settings, now);
        if (sqlite)
        {
            await sqliteWriter.WaitAsync(cancellationToken);
        }

        try
        {
            ChunkOutcome? outcome;
            try
            {
                outcome = await WriteInTransactionAsync(source, prepared, by, origin, claim, oneAtATime: false, taxonomy, settings, now, cancellationToken);
            }
            catch (Exception ex) when (IsDatabaseError(ex))
            {
                // A record the database refused (a constraint, a value it cannot store): store the
                // chunk again one record at a time so only that record is rejected. Forget what this
                // node cached in case the error came from a stale cache entry.
                log.LogWarning(ex, "Intake chunk {Origin} failed as a set ({Error}); storing it one record at a time.", origin, ex.GetBaseException().Message);
                actorCache.Clear();
                clusterIndex.Invalidate();
                outcome = await WriteInTransactionAsync(source, prepared, by, origin, claim, oneAtATime: true, taxonomy, settings, now, cancellationToken);
            }

            if (outcome is null)
            {
                return null;
            }

            Publish(outcome);
            return new IngestBatchResult(outcome.Results);
        }
        finally
        {
            if (sqlite)
            {
                sqliteWriter.Release();
            }
        }
    }

    private async Task<ChunkOutcome?> WriteInTransactionAsync(FlagSource source, Prepared[] prepared, StaffUser by, string origin, Func<AppDbContext, CancellationToken, Task<bool>>? claim, bool oneAtATime, PolicyTaxonomy taxonomy, IngestionOptions settings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync<ChunkOutcome?>(
            async ct =>
            {
                if (claim is not null && !await claim(db, ct))
                {
                    return null;
                }

                var chunk = new ChunkWriter(this, db, source, taxonomy, settings, now);
                return await chunk.WriteAsync(prepared, by, origin, oneAtATime, ct);
            },
            outcome => outcome is not null,
            cancellationToken);
    }

    private void Publish(ChunkOutcome outcome)
    {
        if (actorCache.Count + outcome.Actors.Count > MaxCachedActors)
        {
            actorCache.Clear();
        }

        foreach (var (actorRef, ids) in outcome.Actors)
        {
            actorCache[actorRef] = ids;
        }

        clusterIndex.Apply(outcome.Clusters);
    }

    private static bool IsDatabaseError(Exception ex) => ex is DbException or DbUpdateException;

    private static Prepared[] Prepare(IReadOnlyList<RawFlagRecord> records, PolicyTaxonomy taxonomy, IReadOnlyDictionary<string, string> mappedCategories, IngestionOptions settings, DateTimeOffset now)
    {
        var prepared = new Prepared[records.Count];
        void One(int i)
        {
            var raw = records[i];
            var parsed = FlagRecordParser.Parse(raw.Utf8, taxonomy.Keys, settings.MaxFieldChars, now);
            // Categories an Admin mapped onto the taxonomy are translated; the rest stay listed as unknown.
            if (parsed.Record?.Translate(mappedCategories) is not { } record)
            {
                prepared[i] = new Prepared(i, raw, null, parsed.Reason!.ToString(), parsed.UpstreamId);
                return;
            }

            var top = record.Scores
                .OrderByDescending(s => s.Flagged)
                .ThenByDescending(s => s.Score)
                .ThenBy(s => s.Category, StringComparer.Ordinal)
                .First();
            prepared[i] = new Prepared(i, raw, record, null, record.Id)
            {
                ContentHash = ContentHash(record.Prompt, record.Completion),
                Cluster = ClusterText.For(record.Prompt, record.Completion, settings.ClusterMinWords),
                SlaDueAt = PriorityScorer.SlaDueAt(taxonomy, record.Scores, record.CreatedAt),
                Top = top,
                Actor = new ActorRef(record.OrgId, record.AppId, record.ApiKeyId),
            };
        }

        if (records.Count >= ParallelParseThreshold && Environment.ProcessorCount > 1)
        {
            Parallel.For(0, records.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, One);
        }
        else
        {
            for (var i = 0; i < records.Count; i++)
            {
                One(i);
            }
        }

        return prepared;
    }

    private static IngestionError NewError(FlagSource source, string reason, string? upstreamId, string origin, ReadOnlyMemory<byte> raw, DateTimeOffset now) => new()
    {
        Source = source,
        ReceivedAt = now,
        Reason = FlagRecordParser.Truncate(reason, 1000),
        UpstreamId = upstreamId is null ? null : FlagRecordParser.Truncate(upstreamId, 200),
        Origin = FlagRecordParser.Truncate(origin, 500),
        RawPayload = FlagRecordParser.ToDisplayText(raw.Span, RawPayloadChars),
    };

    /// <summary>One record after validation: the parsed record (or why it was refused) and what the
    /// chunk needs from it, computed outside the transaction.</summary>
    private sealed record Prepared(int Index, RawFlagRecord Raw, FlagRecord? Record, string? Reason, string? UpstreamId)
    {
        public string ContentHash { get; init; } = "";

        public ClusterKey Cluster { get; init; }

        public DateTimeOffset SlaDueAt { get; init; }

        public CategoryScore Top { get; init; } = new("", 0, false);

        public ActorRef Actor { get; init; } = new("", "", "");
    }

    /// <summary>A chunk as committed: per-record results and what this node's caches learn from it.</summary>
    private sealed record ChunkOutcome(IReadOnlyList<IngestRecordResult> Results, IReadOnlyDictionary<ActorRef, ActorIds> Actors, IReadOnlyList<ClusterState> Clusters);

    /// <summary>A flag as stored, to tell a repeat from a conflicting record with the same upstream id.</summary>
    private sealed record StoredIdentity(long Id, string UpstreamId, string ContentHash, DateTimeOffset CreatedAt, string Org, string App, string Key);

    /// <summary>A cluster the chunk created or added to (Id 0 until inserted).</summary>
    private sealed class WorkingCluster
    {
        public long Id { get; set; }

        public long SimHash { get; init; }

        public int Size { get; set; }

        public int Added { get; set; }

        public DateTimeOffset FirstSeenAt { get; init; }

        public DateTimeOffset LastSeenAt { get; set; }

        public string Excerpt { get; init; } = "";

        /// <summary>Order of arrival in the chunk: ties between new clusters go to the first.</summary>
        public int Sequence { get; set; }

        public WorkingCluster Clone() => (WorkingCluster)MemberwiseClone();

        /// <summary>Whether this cluster wins a tie in distance over <paramref name="other"/>: a stored
        /// cluster over a new one, the older stored one, else the new one that arrived first.</summary>
        public bool WinsTieOver(WorkingCluster other) =>
            Id != 0 ? other.Id == 0 || Id < other.Id : other.Id == 0 && Sequence < other.Sequence;
    }

    /// <summary>The clusters a chunk has touched, bucketed by SimHash band like
    /// <see cref="OpenClusterIndex"/>, so finding a record's nearest costs its eight buckets, not a
    /// pass over every cluster the chunk touched so far (which made a chunk quadratic in its size).</summary>
    private sealed class WorkingClusters
    {
        private readonly Dictionary<int, List<WorkingCluster>> buckets = [];
        private readonly HashSet<WorkingCluster> members = [];
        private readonly HashSet<long> storedIds = [];
        private int sequence;

        public List<WorkingCluster> All { get; } = [];

        public bool Contains(WorkingCluster cluster) => members.Contains(cluster);

        public bool ContainsStored(long id) => storedIds.Contains(id);

        public void Add(WorkingCluster cluster)
        {
            cluster.Sequence = sequence++;
            All.Add(cluster);
            Index(cluster);
        }

        /// <summary>Clusters sharing at least one band with <paramref name="simHash"/> (each possibly
        /// more than once): every cluster within Hamming distance 7 is among them.</summary>
        public IEnumerable<WorkingCluster> Near(long simHash)
        {
            for (var band = 0; band < 8; band++)
            {
                if (buckets.TryGetValue(SimHash.BandBucket(simHash, band), out var bucket))
                {
                    foreach (var cluster in bucket)
                    {
                        yield return cluster;
                    }
                }
            }
        }

        public List<WorkingCluster> Snapshot() => All.Select(c => c.Clone()).ToList();

        public void Restore(List<WorkingCluster> snapshot)
        {
            All.Clear();
            All.AddRange(snapshot);
            Reindex();
        }

        public void RemoveAll(Predicate<WorkingCluster> match)
        {
            if (All.RemoveAll(match) > 0)
            {
                Reindex();
            }
        }

        private void Reindex()
        {
            buckets.Clear();
            members.Clear();
            storedIds.Clear();
            foreach (var cluster in All)
            {
                Index(cluster);
            }
        }

        private void Index(WorkingCluster cluster)
        {
            members.Add(cluster);
            if (cluster.Id != 0)
            {
                storedIds.Add(cluster.Id);
            }

            for (var band = 0; band < 8; band++)
            {
                var key = SimHash.BandBucket(cluster.SimHash, band);
                if (!buckets.TryGetValue(key, out var bucket))
                {
                    buckets[key] = bucket = [];
                }

                bucket.Add(cluster);
            }
        }
    }

    /// <summary>The work of one chunk inside its transaction (re-created when the transaction is re-run).</summary>
    private sealed class ChunkWriter(FlagIngestionService service, AppDbContext db, FlagSource source, PolicyTaxonomy taxonomy, IngestionOptions settings, DateTimeOffset now)
    {
        private readonly IntakeStore store = IntakeStore.For(db, settings.BulkSql);
        private readonly PriorityScorer scorer = new(db, taxonomy, now);
        private readonly Dictionary<ActorRef, ActorIds> actorIds = [];
        private readonly List<IngestionError> errors = [];
        private IngestRecordResult[] results = [];
        private readonly Dictionary<long, WorkingCluster> byMemberHash = [];
        private readonly WorkingClusters working = new();

        public async Task<ChunkOutcome> WriteAsync(Prepared[] prepared, StaffUser by, string origin, bool oneAtATime, CancellationToken cancellationToken)
        {
            results = new IngestRecordResult[prepared.Length];
            await service.clusterIndex.SyncAsync(db, now, settings.ClusterWindow, cancellationToken);
            var valid = new List<Prepared>(prepared.Length);
            foreach (var p in prepared)
            {
                if (p.Record is null)
                {
                    Reject(p, p.Reason!, null);
                }
                else
                {
                    valid.Add(p);
                }
            }

            if (!oneAtATime)
            {
                await WriteSetAsync(valid, cancellationToken);
            }
            else
            {
                var transaction = db.Database.CurrentTransaction!;
                foreach (var p in valid)
                {
                    var before = working.Snapshot();
                    var errorsBefore = errors.Count;
                    await transaction.CreateSavepointAsync(RecordSavepoint, cancellationToken);
                    try
                    {
                        await WriteSetAsync([p], cancellationToken);
                        await transaction.ReleaseSavepointAsync(RecordSavepoint, cancellationToken);
                    }
                    catch (Exception ex) when (IsDatabaseError(ex))
                    {
                        await transaction.RollbackToSavepointAsync(RecordSavepoint, cancellationToken);
                        db.ChangeTracker.Clear();
                        working.Restore(before);
                        errors.RemoveRange(errorsBefore, errors.Count - errorsBefore);
                        var stored = await FindStoredAsync([p.Record!.Id], cancellationToken);
                        if (stored.TryGetValue(p.Record.Id, out var existing))
                        {
                            // Lost a race with another writer: a duplicate (or a conflict), not an error.
                            Repeat(p, existing);
                        }
                        else
                        {
                            Reject(p, "database_error: " + FirstLine(ex.GetBaseException().Message), null);
                        }
                    }
                }
            }

            if (errors.Count > 0)
            {
                db.AddRange(errors);
                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
            }

            var batch = new IngestBatchResult(results);
            if (prepared.Length > 0)
            {
                await service.auditLog.AppendAsync(
                    db,
                    by,
                    new AuditEntry(
                        "flags.ingested",
                        "FlagBatch",
                        FlagRecordParser.Truncate($"{source}:{origin}", 100),
                        string.Create(CultureInfo.InvariantCulture, $"Ingested {prepared.Length} record(s) from {source} ({origin}): {batch.Stored} stored, {batch.Duplicates} duplicate(s), {batch.Rejected} rejected")),
                    cancellationToken);
            }

            var clusters = working.All
                .Where(c => c.Id != 0 && c.Added > 0)
                .Select(c => new ClusterState(c.Id, c.SimHash, c.Size, c.Added, c.LastSeenAt))
                .ToList();
            return new ChunkOutcome(results, actorIds, clusters);
        }

        /// <summary>Stores a set of valid records (the whole chunk, or one record in the fallback).</summary>
        private async Task WriteSetAsync(IReadOnlyList<Prepared> set, CancellationToken cancellationToken)
        {
            // Dedupe: against stored flags (one query), then within the set (first occurrence wins).
            var stored = await FindStoredAsync(set.Select(p => p.Record!.Id).Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
            var fresh = new List<Prepared>(set.Count);
            var firstInSet = new Dictionary<string, Prepared>(StringComparer.Ordinal);
            var repeatsInSet = new List<(Prepared Repeat, Prepared First)>();
            foreach (var p in set)
            {
                if (stored.TryGetValue(p.Record!.Id, out var existing))
                {
                    Repeat(p, existing);
                }
                else if (firstInSet.TryGetValue(p.Record.Id, out var first))
                {
                    repeatsInSet.Add((p, first));
                }
                else
                {
                    firstInSet[p.Record.Id] = p;
                    fresh.Add(p);
                }
            }

            if (fresh.Count > 0)
            {
                await StoreFreshAsync(fresh, cancellationToken);
            }

            foreach (var (repeat, first) in repeatsInSet)
            {
                var firstResult = results[first.Index];
                if (firstResult.Outcome == IngestOutcome.Stored || firstResult.Outcome == IngestOutcome.Duplicate)
                {
                    Repeat(repeat, Identity(first, firstResult.FlagId!.Value));
                }
                else
                {
                    Reject(repeat, firstResult.Reason ?? "rejected", null);
                }
            }
        }

        private async Task StoreFreshAsync(List<Prepared> fresh, CancellationToken cancellationToken)
        {
            await ResolveActorsAsync(fresh.Select(p => p.Actor), cancellationToken);
            await scorer.PreloadAsync(
                fresh.Select(p => actorIds[p.Actor].OrganizationId),
                fresh.Select(p => (p.Record!.ClassifierName, p.Record.ClassifierVersion)),
                cancellationToken);

            // Clusters, in memory: the nearest open cluster (this chunk's first), else a new one.
            var assigned = new WorkingCluster?[fresh.Count];
            var clusterSizes = new int[fresh.Count];
            var setAdded = new Dictionary<WorkingCluster, int>();
            for (var i = 0; i < fresh.Count; i++)
            {
                var p = fresh[i];
                if (!p.Cluster.Clusterable)
                {
                    clusterSizes[i] = 1;
                    continue;
                }

                var cluster = Assign(p);
                cluster.Size++;
                cluster.Added++;
                if (p.Record!.CreatedAt > cluster.LastSeenAt)
                {
                    cluster.LastSeenAt = p.Record.CreatedAt;
                }

                setAdded[cluster] = setAdded.GetValueOrDefault(cluster) + 1;
                assigned[i] = cluster;
                clusterSizes[i] = cluster.Size;
            }

            // New clusters are inserted with the members this set adds, so only clusters stored before
            // need an update (and a new one only if some of its members turn out to be stored already).
            var newClusters = setAdded.Keys.Where(c => c.Id == 0).ToList();
            var insertedSize = newClusters.ToDictionary(c => c, c => setAdded[c]);
            if (newClusters.Count > 0)
            {
                var ids = await store.InsertClustersAsync(
                    newClusters.Select(c => new FlagCluster { SimHash = c.SimHash, Size = setAdded[c], OpenCount = setAdded[c], FirstSeenAt = c.FirstSeenAt, LastSeenAt = c.LastSeenAt, Excerpt = c.Excerpt }).ToList(),
                    cancellationToken);
                foreach (var c in newClusters)
                {
                    c.Id = ids[c.SimHash];
                }
            }

            var flags = new List<Flag>(fresh.Count);
            for (var i = 0; i < fresh.Count; i++)
            {
                flags.Add(await BuildFlagAsync(fresh[i], assigned[i]?.Id, clusterSizes[i], cancellationToken));
            }

            var inserted = await store.InsertFlagsAsync(flags, cancellationToken);
            var lost = new List<Prepared>();
            for (var i = 0; i < fresh.Count; i++)
            {
                var p = fresh[i];
                if (inserted.TryGetValue(p.Record!.Id, out var flagId))
                {
                    results[p.Index] = new IngestRecordResult(p.Index, p.Record.Id, IngestOutcome.Stored, flagId, null);
                    if (p.Record.UnknownCategories.Count > 0)
                    {
                        await UnknownCategoryService.RecordAsync(db, p.Record.UnknownCategories, flagId, now, cancellationToken);
                    }
                }
                else
                {
                    lost.Add(p);
                    if (assigned[i] is { } cluster)
                    {
                        cluster.Size--;
                        cluster.Added--;
                        setAdded[cluster]--;
                    }
                }
            }

            await store.UpdateClustersAsync(
                setAdded
                    .Select(p => new ClusterDelta(p.Key.Id, p.Value - insertedSize.GetValueOrDefault(p.Key), p.Key.LastSeenAt))
                    .Where(d => d.Added != 0)
                    .ToList(),
                cancellationToken);

            if (lost.Count > 0)
            {
                // Another writer stored these upstream ids after our dedupe read: duplicates.
                var empty = newClusters.Where(c => setAdded[c] == 0).ToList();
                if (empty.Count > 0)
                {
                    await store.DeleteEmptyClustersAsync(empty.Select(c => c.Id).ToList(), cancellationToken);
                    working.RemoveAll(empty.Contains);
                }

                var stored = await FindStoredAsync(lost.Select(p => p.Record!.Id).ToList(), cancellationToken);
                foreach (var p in lost)
                {
                    Repeat(p, stored[p.Record!.Id]);
                }
            }
        }

        private WorkingCluster Assign(Prepared p)
        {
            var since = p.Record!.CreatedAt - settings.ClusterWindow;
            var hash = p.Cluster.SimHash;

            // Assignment is greedy (the nearest cluster at the time), so a cluster formed later in the
            // chunk can be nearer to a text than the one its identical twin joined; exact copies
            // follow their twin instead, so the same text is never split within a chunk.
            if (byMemberHash.TryGetValue(hash, out var twin) && working.Contains(twin))
            {
                return twin;
            }

            var chosen = Nearest(p, since, hash);
            byMemberHash[hash] = chosen;
            return chosen;
        }

        private WorkingCluster Nearest(Prepared p, DateTimeOffset since, long hash)
        {
            WorkingCluster? best = null;
            var bestDistance = int.MaxValue;
            foreach (var c in working.Near(hash))
            {
                var distance = SimHash.Distance(c.SimHash, hash);
                if (c.LastSeenAt >= since && distance <= settings.ClusterHammingThreshold
                    && (distance < bestDistance || (distance == bestDistance && c.WinsTieOver(best!))))
                {
                    best = c;
                    bestDistance = distance;
                }
            }

            if (service.clusterIndex.FindNearest(hash, settings.ClusterHammingThreshold, since) is { } match
                && (best is null || match.Distance < bestDistance || (match.Distance == bestDistance && best.Id != 0 && match.Id < best.Id))
                && !working.ContainsStored(match.Id))
            {
                best = new WorkingCluster { Id = match.Id, SimHash = match.SimHash, Size = match.Size, LastSeenAt = match.LastSeenAt };
                working.Add(best);
            }

            if (best is null)
            {
                best = new WorkingCluster
                {
                    SimHash = hash,
                    FirstSeenAt = p.Record!.CreatedAt,
                    LastSeenAt = p.Record.CreatedAt,
                    Excerpt = FlagRecordParser.Truncate(p.Cluster.Text.ReplaceLineEndings(" "), ClusterText.ExcerptChars),
                };
                working.Add(best);
            }

            return best;
        }

        private async Task<Flag> BuildFlagAsync(Prepared p, long? clusterId, int clusterSize, CancellationToken cancellationToken)
        {
            var record = p.Record!;
            var actor = actorIds[p.Actor];
            var breakdown = await scorer.ScoreAsync(record.Scores, record.ClassifierName, record.ClassifierVersion, actor.OrganizationId, clusterSize, record.CreatedAt, p.SlaDueAt, cancellationToken);
            return new Flag
            {
                UpstreamId = record.Id,
                Source = source,
                CreatedAt = record.CreatedAt,
                IngestedAt = now,
                OrganizationId = actor.OrganizationId,
                ApplicationId = actor.ApplicationId,
                ApiKeyId = actor.ApiKeyId,
                Model = record.Model,
                Prompt = record.Prompt,
                Completion = record.Completion,
                ClassifierName = record.ClassifierName,
                ClassifierVersion = record.ClassifierVersion,
                TopCategory = p.Top.Category,
                TopScore = p.Top.Score,
                Status = FlagStatus.New,
                Priority = breakdown.Score,
                PriorityBreakdownJson = PriorityCalculator.ToJson(breakdown),
                SlaDueAt = p.SlaDueAt,
                ClusterId = clusterId,
                SimHash = p.Cluster.SimHash,
                ContentHash = p.ContentHash,
                Scores = record.Scores.Select(s => new FlagCategoryScore { Category = s.Category, Score = s.Score, Flagged = s.Flagged }).ToList(),
            };
        }

        private async Task ResolveActorsAsync(IEnumerable<ActorRef> refs, CancellationToken cancellationToken)
        {
            var missing = new HashSet<ActorRef>();
            foreach (var r in refs)
            {
                if (actorIds.ContainsKey(r))
                {
                    continue;
                }

                if (service.actorCache.TryGetValue(r, out var cached))
                {
                    actorIds[r] = cached;
                }
                else
                {
                    missing.Add(r);
                }
            }

            if (missing.Count > 0)
            {
                foreach (var (r, ids) in await service.actorRegistry.EnsureManyAsync(db, missing, cancellationToken))
                {
                    actorIds[r] = ids;
                }
            }
        }

        private async Task<Dictionary<string, StoredIdentity>> FindStoredAsync(List<string> upstreamIds, CancellationToken cancellationToken)
        {
            // One parameter holding the whole list (json_each on SQLite, an array on PostgreSQL), not
            // EF's default of one parameter per id: SQLite finds each bound parameter by a linear scan
            // of the statement's names, so a thousand of them cost more than the lookups.
            // The flags alone first, without joining their actors: the actor tables grow during a run
            // faster than their statistics, and PostgreSQL then planned the join as a nested loop
            // that probed the upstream-id index once per actor row (143,000 buffer reads for a
            // chunk of new ids at 1,000,000 flags, against 3,000). Usually nothing matches; only
            // repeats need their actors' external ids, looked up by primary key.
            var found = await db.Set<Flag>().AsNoTracking()
                .Where(f => EF.Parameter(upstreamIds).Contains(f.UpstreamId))
                .Select(f => new { f.Id, f.UpstreamId, f.ContentHash, f.CreatedAt, f.OrganizationId, f.ApplicationId, f.ApiKeyId })
                .ToListAsync(cancellationToken);
            if (found.Count == 0)
            {
                return new Dictionary<string, StoredIdentity>(StringComparer.Ordinal);
            }

            var organizationIds = found.Select(f => f.OrganizationId).Distinct().ToList();
            var applicationIds = found.Select(f => f.ApplicationId).Distinct().ToList();
            var keyIds = found.Select(f => f.ApiKeyId).Distinct().ToList();
            var organizations = await db.Set<Organization>().AsNoTracking().Where(o => organizationIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.ExternalId, cancellationToken);
            var applications = await db.Set<Application>().AsNoTracking().Where(a => applicationIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.ExternalId, cancellationToken);
            var keys = await db.Set<ApiKey>().AsNoTracking().Where(k => keyIds.Contains(k.Id)).ToDictionaryAsync(k => k.Id, k => k.ExternalId, cancellationToken);
            var rows = found.Select(f => new StoredIdentity(f.Id, f.UpstreamId, f.ContentHash, f.CreatedAt, organizations[f.OrganizationId], applications[f.ApplicationId], keys[f.ApiKeyId]));
            return rows.ToDictionary(r => r.UpstreamId, StringComparer.Ordinal);
        }

        /// <summary>A record whose upstream id is already stored: a duplicate when it says the same
        /// thing, a <c>conflicting_duplicate</c> reject (kept for the pipeline's owners) when not.</summary>
        private void Repeat(Prepared p, StoredIdentity existing)
        {
            var record = p.Record!;
            var differences = new List<string>();
            if (existing.ContentHash != p.ContentHash)
            {
                differences.Add("prompt or completion");
            }

            // Compared at the storage precision every provider keeps (PostgreSQL stores microseconds).
            if (Math.Abs((existing.CreatedAt - record.CreatedAt).Ticks) >= TimeSpan.TicksPerMicrosecond)
            {
                differences.Add("created_at");
            }

            if (existing.Org != record.OrgId || existing.App != record.AppId || existing.Key != record.ApiKeyId)
            {
                differences.Add("org_id/app_id/api_key_id");
            }

            if (differences.Count == 0)
            {
                results[p.Index] = new IngestRecordResult(p.Index, record.Id, IngestOutcome.Duplicate, existing.Id, null);
                return;
            }

            Reject(
                p,
                string.Create(CultureInfo.InvariantCulture, $"conflicting_duplicate: id '{record.Id}' is already stored as flag {existing.Id} with a different {string.Join(", ", differences)}; the stored flag is kept"),
                existing.Id);
        }

        private static StoredIdentity Identity(Prepared p, long flagId) =>
            new(flagId, p.Record!.Id, p.ContentHash, p.Record.CreatedAt, p.Record.OrgId, p.Record.AppId, p.Record.ApiKeyId);

        private void Reject(Prepared p, string reason, long? flagId)
        {
            results[p.Index] = new IngestRecordResult(p.Index, p.UpstreamId, IngestOutcome.Rejected, flagId, reason);
            errors.Add(NewError(source, reason, p.UpstreamId, p.Raw.Origin, p.Raw.Utf8, now));
        }

        private static string FirstLine(string message)
        {
            var end = message.IndexOfAny(['\r', '\n']);
            return end < 0 ? message : message[..end];
        }
    }
}
