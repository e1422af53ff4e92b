using System.Globalization;
using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Infrastructure.BackgroundJobs;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Admin;

public sealed record RedactionRun(int Batches, int FlagsRedacted, int RejectedRecordsRedacted = 0)
{
    public int UndecidedFlagsRedacted { get; init; }

    public int ClusterExcerptsRedacted { get; init; }

    public int DropFilesDeleted { get; init; }
}

/// <summary>
/// Personal data retention. Past Retention:FlagContentDays a decided flag's prompt and completion are
/// emptied and <see cref="Flag.Redacted"/> set (decisions, labels, scores and the content hash stay);
/// past Retention:UndecidedFlagContentDays the same happens to flags nobody decided. Past
/// FlagContentDays, cluster excerpts (a piece of the first member's completion) are emptied and
/// rejected intake records (<see cref="IngestionError"/>) lose their raw payload (the reason stays).
/// Past Retention:DropFolderFileDays the drop folder's finished files (<c>done/</c>, rejects reports,
/// <c>failed/</c>) are deleted after their name, size and SHA-256 are audited. Database work runs in
/// batches, each atomic with its audit event (counts and id range); conditional updates make a second
/// node or a rerun harmless. Nothing here touches audit rows: they never hold prompts or completions.
/// </summary>
public sealed class RedactFlagContentJob(
    IDbContextFactory<AppDbContext> dbFactory,
    AuditLog audit,
    TimeProvider clock,
    IOptions<RetentionOptions> options,
    IOptions<FileDropOptions>? fileDrop = null,
    IHostEnvironment? environment = null)
{
    public const string Name = "redact-flag-content";

    public Task RunAsync(CancellationToken cancellationToken) => RedactAsync(cancellationToken);

    public async Task<RedactionRun> RedactAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var undecided = await RedactUndecidedAsync(settings, cancellationToken);
        var files = await DeleteDropFilesAsync(settings, cancellationToken);
        if (settings.FlagContentDays == 0)
        {
            return new RedactionRun(undecided.Batches, 0) { UndecidedFlagsRedacted = undecided.Redacted, DropFilesDeleted = files };
        }

        var cutoff = clock.GetUtcNow().AddDays(-settings.FlagContentDays);
        var reason = $"Retention:FlagContentDays = {settings.FlagContentDays.ToString(CultureInfo.InvariantCulture)}";
        var flags = await RedactInBatchesAsync(
            settings.BatchSize,
            db => db.Set<Flag>().AsNoTracking()
                .Where(f => !f.Redacted && f.Status == FlagStatus.Decided && f.IngestedAt < cutoff)
                .OrderBy(f => f.Id)
                .Select(f => f.Id),
            (db, ids, ct) => db.Set<Flag>()
                .Where(f => ids.Contains(f.Id) && !f.Redacted)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(f => f.Prompt, "")
                    .SetProperty(f => f.Completion, "")
                    .SetProperty(f => f.Redacted, true), ct),
            (redacted, range) => new AuditEntry(
                AuditKinds.FlagContentRedacted,
                "Flag",
                range,
                string.Create(CultureInfo.InvariantCulture, $"Redacted prompt and completion of {redacted} decided flag(s) ingested before {cutoff:yyyy-MM-dd} (ids {range})"),
                reason),
            cutoff,
            cancellationToken);
        var rejected = await RedactInBatchesAsync(
            settings.BatchSize,
            db => db.Set<IngestionError>().AsNoTracking()
                .Where(e => e.ReceivedAt < cutoff && e.RawPayload != "")
                .OrderBy(e => e.Id)
                .Select(e => e.Id),
            (db, ids, ct) => db.Set<IngestionError>()
                .Where(e => ids.Contains(e.Id) && e.RawPayload != "")
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.RawPayload, ""), ct),
            (redacted, range) => new AuditEntry(
                AuditKinds.RejectedRecordsRedacted,
                "IngestionError",
                range,
                string.Create(CultureInfo.InvariantCulture, $"Redacted the raw payload of {redacted} rejected intake record(s) received before {cutoff:yyyy-MM-dd} (ids {range})"),
                reason),
            cutoff,
            cancellationToken);
        var excerpts = await RedactInBatchesAsync(
            settings.BatchSize,
            db => db.Set<FlagCluster>().AsNoTracking()
                .Where(c => c.FirstSeenAt < cutoff && c.Excerpt != "")
                .OrderBy(c => c.Id)
                .Select(c => c.Id),
            (db, ids, ct) => db.Set<FlagCluster>()
                .Where(c => ids.Contains(c.Id) && c.Excerpt != "")
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Excerpt, ""), ct),
            (redacted, range) => new AuditEntry(
                AuditKinds.ClusterExcerptsRedacted,
                "FlagCluster",
                range,
                string.Create(CultureInfo.InvariantCulture, $"Redacted the excerpt of {redacted} cluster(s) first seen before {cutoff:yyyy-MM-dd} (ids {range})"),
                reason),
            cutoff,
            cancellationToken);
        return new RedactionRun(flags.Batches + rejected.Batches + excerpts.Batches + undecided.Batches, flags.Redacted, rejected.Redacted)
        {
            UndecidedFlagsRedacted = undecided.Redacted,
            ClusterExcerptsRedacted = excerpts.Redacted,
            DropFilesDeleted = files,
        };
    }

    private async Task<(int Batches, int Redacted)> RedactUndecidedAsync(RetentionOptions settings, CancellationToken cancellationToken)
    {
        if (settings.UndecidedFlagContentDays == 0)
        {
            return (0, 0);
        }

        var cutoff = clock.GetUtcNow().AddDays(-settings.UndecidedFlagContentDays);
        var reason = $"Retention:UndecidedFlagContentDays = {settings.UndecidedFlagContentDays.ToString(CultureInfo.InvariantCulture)}";
        return await RedactInBatchesAsync(
            settings.BatchSize,
            db => db.Set<Flag>().AsNoTracking()
                .Where(f => !f.Redacted && f.Status != FlagStatus.Decided && f.IngestedAt < cutoff)
                .OrderBy(f => f.Id)
                .Select(f => f.Id),
            (db, ids, ct) => db.Set<Flag>()
                .Where(f => ids.Contains(f.Id) && !f.Redacted && f.Status != FlagStatus.Decided)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(f => f.Prompt, "")
                    .SetProperty(f => f.Completion, "")
                    .SetProperty(f => f.Redacted, true), ct),
            (redacted, range) => new AuditEntry(
                AuditKinds.UndecidedFlagContentRedacted,
                "Flag",
                range,
                string.Create(CultureInfo.InvariantCulture, $"Redacted prompt and completion of {redacted} never-decided flag(s) ingested before {cutoff:yyyy-MM-dd} (ids {range})"),
                reason),
            cutoff,
            cancellationToken);
    }

    /// <summary>
    /// Deletes finished drop-folder files older than the period: each batch is audited first (file
    /// name, size, SHA-256), then deleted, so the trail never lacks a file that is gone; a file that
    /// cannot be deleted now is audited again by the next run.
    /// </summary>
    private async Task<int> DeleteDropFilesAsync(RetentionOptions settings, CancellationToken cancellationToken)
    {
        var drop = fileDrop?.Value;
        if (settings.DropFolderFileDays == 0 || drop is null || !drop.Enabled)
        {
            return 0;
        }

        var root = Path.GetFullPath(drop.Path, environment?.ContentRootPath ?? Directory.GetCurrentDirectory());
        var cutoff = clock.GetUtcNow().AddDays(-settings.DropFolderFileDays).UtcDateTime;
        var old = new[] { IngestFileDropJob.DoneFolder, IngestFileDropJob.FailedFolder }
            .Select(folder => Path.Combine(root, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => new DirectoryInfo(folder).EnumerateFiles())
            .Where(f => f.LastWriteTimeUtc < cutoff)
            .OrderBy(f => f.FullName, StringComparer.Ordinal)
            .ToList();
        var deleted = 0;
        foreach (var batch in old.Chunk(settings.BatchSize))
        {
            var described = new List<object>();
            foreach (var file in batch)
            {
                await using var stream = file.OpenRead();
                var hash = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(stream, cancellationToken));
                described.Add(new { file = Path.GetRelativePath(root, file.FullName), bytes = file.Length, sha256 = hash, lastWrite = file.LastWriteTimeUtc });
            }

            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                await audit.AppendAsync(db, StaffUser.System, new AuditEntry(
                    AuditKinds.DropFilesDeleted,
                    "FileDrop",
                    Path.GetFileName(root),
                    string.Create(CultureInfo.InvariantCulture, $"Deleted {batch.Length} finished drop-folder file(s) last written before {cutoff:yyyy-MM-dd}"),
                    $"Retention:DropFolderFileDays = {settings.DropFolderFileDays.ToString(CultureInfo.InvariantCulture)}",
                    AfterJson: JsonSerializer.Serialize(described)), cancellationToken);
            }

            foreach (var file in batch)
            {
                try
                {
                    file.Delete();
                    deleted++;
                }
                catch (IOException)
                {
                    // Still being moved or read; the next run audits and deletes it.
                }
            }
        }

        return deleted;
    }

    /// <summary>
    /// The one batch loop for every kind of retained text: pick the next ids in order, empty them with
    /// a conditional update (a rerun or a second node finds nothing left), and audit the batch (count
    /// and id range) in the same transaction. Stops after a short batch.
    /// </summary>
    private async Task<(int Batches, int Redacted)> RedactInBatchesAsync(
        int batchSize,
        Func<AppDbContext, IQueryable<long>> candidates,
        Func<AppDbContext, List<long>, CancellationToken, Task<int>> redact,
        Func<int, string, AuditEntry> describe,
        DateTimeOffset cutoff,
        CancellationToken cancellationToken)
    {
        var batches = 0;
        var total = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var ids = await candidates(db).Take(batchSize).ToListAsync(cancellationToken);
            if (ids.Count == 0)
            {
                break;
            }

            var redacted = await db.InTransactionAsync(
                async ct =>
                {
                    var redacted = await redact(db, ids, ct);
                    if (redacted > 0)
                    {
                        var range = string.Create(CultureInfo.InvariantCulture, $"{ids[0]}-{ids[^1]}");
                        var entry = describe(redacted, range) with
                        {
                            AfterJson = JsonSerializer.Serialize(new { redacted, firstId = ids[0], lastId = ids[^1], cutoff }),
                        };
                        await audit.AppendAsync(db, StaffUser.System, entry, ct);
                    }

                    return redacted;
                },
                cancellationToken);
            batches++;
            total += redacted;
            if (ids.Count < batchSize)
            {
                break;
            }
        }

        return (batches, total);
    }
}

public sealed class RedactFlagContentJobRegistration(IOptions<RetentionOptions> options) : IRecurringJobRegistration
{
    public void Register(IRecurringJobManager recurring)
    {
        ArgumentNullException.ThrowIfNull(recurring);
        recurring.AddOrUpdate<RedactFlagContentJob>(RedactFlagContentJob.Name, job => job.RunAsync(CancellationToken.None), options.Value.Cron);
    }
}
