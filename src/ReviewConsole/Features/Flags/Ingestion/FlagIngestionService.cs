using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.PolicyCategories;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>
/// The one intake pipeline all four sources use: validate → dedupe by upstream id → actor upsert →
/// near-duplicate cluster → priority → Flag row. Each record is its own savepoint inside the batch's
/// transaction: a reject becomes an <see cref="IngestionError"/> row, a repeated id (including one a
/// concurrent node stored a moment ago — the unique index decides) is a duplicate, and the rest of
/// the batch is stored. One audit event per batch records who sent what and how it went.
/// </summary>
public sealed class FlagIngestionService(
    IDbContextFactory<AppDbContext> dbFactory,
    ActorRegistry actors,
    AuditLog audit,
    TimeProvider clock,
    IOptionsMonitor<IngestionOptions> options)
{
    public const int RawPayloadChars = 4000;
    private const string RecordSavepoint = "ingest_record";

    /// <summary>Ingests a batch in transactions of at most <see cref="IngestionOptions.TransactionChunkSize"/>
    /// records: on SQLite a transaction holds the database's write lock, and a 1,000-record batch in
    /// one would make every other writer wait longer than its busy timeout.</summary>
    public async Task<IngestBatchResult> IngestAsync(FlagSource source, IReadOnlyList<RawFlagRecord> records, StaffUser by, string batchOrigin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var chunkSize = options.CurrentValue.TransactionChunkSize;
        var results = new List<IngestRecordResult>(records.Count);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        for (var offset = 0; offset < records.Count; offset += chunkSize)
        {
            var chunk = records.Skip(offset).Take(chunkSize).ToList();
            var origin = records.Count <= chunkSize ? batchOrigin : string.Create(CultureInfo.InvariantCulture, $"{batchOrigin} records {offset}-{offset + chunk.Count - 1}");
            var chunkResult = await db.InTransactionAsync(ct => IngestInTransactionAsync(db, source, chunk, by, origin, ct), cancellationToken);
            results.AddRange(chunkResult.Records.Select(r => r with { Index = r.Index + offset }));
        }

        return new IngestBatchResult(results);
    }

    /// <summary>Ingests a batch inside the caller's open transaction (the pull feed commits its
    /// cursor with the page). The caller commits.</summary>
    public async Task<IngestBatchResult> IngestInTransactionAsync(AppDbContext db, FlagSource source, IReadOnlyList<RawFlagRecord> records, StaffUser by, string batchOrigin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(by);
        var tx = db.Database.CurrentTransaction ?? throw new InvalidOperationException("IngestInTransactionAsync needs an open transaction.");
        var settings = options.CurrentValue;
        var now = clock.GetUtcNow();
        var taxonomy = await PolicyCatalogService.LoadTaxonomyAsync(db, cancellationToken);
        var scorer = new PriorityScorer(db, taxonomy, now);
        var mappedCategories = await UnknownCategoryService.MappingsAsync(db, cancellationToken);
        var results = new List<IngestRecordResult>(records.Count);

        for (var index = 0; index < records.Count; index++)
        {
            var raw = records[index];
            var parsed = FlagRecordParser.Parse(raw.Utf8.Span, taxonomy.Keys, settings.MaxFieldChars, now);
            if (parsed.Record?.Translate(mappedCategories) is not { } record)
            {
                await RecordErrorAsync(db, source, parsed.Reason!.ToString(), parsed.UpstreamId, raw.Origin, raw.Utf8, now, cancellationToken);
                results.Add(new IngestRecordResult(index, parsed.UpstreamId, IngestOutcome.Rejected, null, parsed.Reason.ToString()));
                continue;
            }

            var existing = await FindAsync(db, record.Id, cancellationToken);
            if (existing is not null)
            {
                results.Add(new IngestRecordResult(index, record.Id, IngestOutcome.Duplicate, existing, null));
                continue;
            }

            await tx.CreateSavepointAsync(RecordSavepoint, cancellationToken);
            try
            {
                var flagId = await StoreAsync(db, source, record, scorer, settings, now, cancellationToken);
                await UnknownCategoryService.RecordAsync(db, record.UnknownCategories, flagId, now, cancellationToken);
                await tx.ReleaseSavepointAsync(RecordSavepoint, cancellationToken);
                results.Add(new IngestRecordResult(index, record.Id, IngestOutcome.Stored, flagId, null));
            }
            catch (DbUpdateException)
            {
                // Another node stored the same upstream id between our check and our insert: the
                // unique index refused ours. Undo this record's cluster and actor writes, keep the batch.
                await tx.RollbackToSavepointAsync(RecordSavepoint, cancellationToken);
                db.ChangeTracker.Clear();
                existing = await FindAsync(db, record.Id, cancellationToken);
                if (existing is null)
                {
                    throw;
                }

                results.Add(new IngestRecordResult(index, record.Id, IngestOutcome.Duplicate, existing, null));
            }

            db.ChangeTracker.Clear();
        }

        var batch = new IngestBatchResult(results);
        if (records.Count > 0)
        {
            await audit.AppendAsync(
                db,
                by,
                new AuditEntry(
                    "flags.ingested",
                    "FlagBatch",
                    FlagRecordParser.Truncate($"{source}:{batchOrigin}", 100),
                    string.Create(CultureInfo.InvariantCulture, $"Ingested {records.Count} record(s) from {source} ({batchOrigin}): {batch.Stored} stored, {batch.Duplicates} duplicate(s), {batch.Rejected} rejected")),
                cancellationToken);
        }

        return batch;
    }

    /// <summary>Records a reject that is not one record (a page or request body that is not JSON at all).</summary>
    public static async Task RecordErrorAsync(AppDbContext db, FlagSource source, string reason, string? upstreamId, string origin, ReadOnlyMemory<byte> raw, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.Add(new IngestionError
        {
            Source = source,
            ReceivedAt = now,
            Reason = FlagRecordParser.Truncate(reason, 1000),
            UpstreamId = upstreamId is null ? null : FlagRecordParser.Truncate(upstreamId, 200),
            Origin = FlagRecordParser.Truncate(origin, 500),
            RawPayload = FlagRecordParser.ToDisplayText(raw.Span, RawPayloadChars),
        });
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    private static Task<long?> FindAsync(AppDbContext db, string upstreamId, CancellationToken cancellationToken) =>
        db.Set<Flag>().AsNoTracking().Where(f => f.UpstreamId == upstreamId).Select(f => (long?)f.Id).FirstOrDefaultAsync(cancellationToken);

    private async Task<long> StoreAsync(AppDbContext db, FlagSource source, FlagRecord record, PriorityScorer scorer, IngestionOptions settings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var actor = await actors.EnsureAsync(db, new ActorRef(record.OrgId, record.AppId, record.ApiKeyId), cancellationToken);
        var clusterText = record.Completion.Length > 0 ? record.Completion : record.Prompt;
        var simHash = SimHash.Compute(clusterText);
        var (clusterId, clusterSize) = await FlagClusterer.AssignAsync(db, simHash, clusterText, record.CreatedAt, settings.ClusterHammingThreshold, settings.ClusterWindow, cancellationToken);
        var slaDueAt = scorer.SlaDueAt(record.Scores, record.CreatedAt);
        var breakdown = await scorer.ScoreAsync(record.Scores, record.ClassifierName, record.ClassifierVersion, actor.OrganizationId, clusterSize, record.CreatedAt, slaDueAt, cancellationToken);
        var top = record.Scores
            .OrderByDescending(s => s.Flagged)
            .ThenByDescending(s => s.Score)
            .ThenBy(s => s.Category, StringComparer.Ordinal)
            .First();

        var flag = new Flag
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
            TopCategory = top.Category,
            TopScore = top.Score,
            Status = FlagStatus.New,
            Priority = breakdown.Score,
            PriorityBreakdownJson = PriorityCalculator.ToJson(breakdown),
            SlaDueAt = slaDueAt,
            ClusterId = clusterId,
            SimHash = simHash,
            ContentHash = ContentHash(record.Prompt, record.Completion),
            Scores = record.Scores.Select(s => new FlagCategoryScore { Category = s.Category, Score = s.Score, Flagged = s.Flagged }).ToList(),
        };
        db.Add(flag);
        await db.SaveChangesAsync(cancellationToken);
        return flag.Id;
    }

    public static string ContentHash(string prompt, string completion)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(completion);
        var bytes = Encoding.UTF8.GetBytes(prompt.Length.ToString(CultureInfo.InvariantCulture) + ":" + prompt + completion);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
