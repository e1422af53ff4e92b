using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ReviewConsole.Data.Flags;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>What one scan of the drop folder did.</summary>
public sealed record FileDropRunResult(int Files, int Stored, int Duplicates, int Rejected);

/// <summary>
/// Ingests <c>*.jsonl</c> files from <see cref="FileDropOptions.Path"/>. A node claims a file by
/// renaming it into <c>processing/</c> (a rename is atomic, so two nodes never both take it), reads
/// it in batches through the common pipeline, then moves it to <c>done/</c>; rejected lines are
/// listed in <c>done/&lt;name&gt;.rejects.jsonl</c> next to it. A claim whose node died is taken
/// back after <see cref="FileDropOptions.StaleClaimAfter"/>; re-reading is safe because upstream ids
/// are deduplicated.
/// </summary>
public sealed class IngestFileDropJob(
    FlagIngestionService ingestion,
    IOptionsMonitor<FileDropOptions> options,
    IHostEnvironment environment,
    TimeProvider clock,
    ILogger<IngestFileDropJob> logger)
{
    public const string Name = "ingest-file-drop";
    public const string ProcessingFolder = "processing";
    public const string DoneFolder = "done";
    public const string FailedFolder = "failed";
    public const string RejectsSuffix = ".rejects.jsonl";

    private static readonly JsonSerializerOptions ReportJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task<FileDropRunResult> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (!settings.Enabled)
        {
            return new FileDropRunResult(0, 0, 0, 0);
        }

        var root = Path.GetFullPath(settings.Path, environment.ContentRootPath);
        var processing = Directory.CreateDirectory(Path.Combine(root, ProcessingFolder)).FullName;
        Directory.CreateDirectory(Path.Combine(root, DoneFolder));
        Directory.CreateDirectory(Path.Combine(root, FailedFolder));
        ReclaimStale(root, processing, settings);

        int files = 0, stored = 0, duplicates = 0, rejected = 0;
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var path in Directory.EnumerateFiles(root, "*.jsonl").Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var info = new FileInfo(path);
            if (now - info.LastWriteTimeUtc < settings.MinFileAge)
            {
                continue;
            }

            var name = info.Name;
            var claimed = Path.Combine(processing, $"{name}@{clock.GetUtcNow().UtcTicks.ToString(CultureInfo.InvariantCulture)}");
            try
            {
                File.Move(path, claimed);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Another node claimed it first (or it vanished): not ours.
                continue;
            }

            var result = await IngestFileAsync(root, name, claimed, settings, cancellationToken);
            files++;
            stored += result.Stored;
            duplicates += result.Duplicates;
            rejected += result.Rejected;
        }

        return new FileDropRunResult(files, stored, duplicates, rejected);
    }

    private async Task<FileDropRunResult> IngestFileAsync(string root, string name, string claimed, FileDropOptions settings, CancellationToken cancellationToken)
    {
        var length = new FileInfo(claimed).Length;
        if (length > settings.MaxFileBytes)
        {
            var failed = UniquePath(Path.Combine(root, FailedFolder, name));
            File.Move(claimed, failed);
            await File.WriteAllTextAsync(
                failed + RejectsSuffix,
                JsonSerializer.Serialize(new RejectLine(0, null, $"file_too_large: {length} bytes; the limit is {settings.MaxFileBytes}"), ReportJson) + "\n",
                cancellationToken);
            logger.LogWarning("Drop file {File} is {Bytes} bytes, over the {Limit}-byte limit; moved to failed/.", name, length, settings.MaxFileBytes);
            return new FileDropRunResult(1, 0, 0, 0);
        }

        var rejects = new List<RejectLine>();
        int stored = 0, duplicates = 0, rejected = 0;
        var batch = new List<RawFlagRecord>(settings.BatchSize);
        var lineNumbers = new List<int>(settings.BatchSize);

        async Task FlushAsync()
        {
            if (batch.Count == 0)
            {
                return;
            }

            var origin = string.Create(CultureInfo.InvariantCulture, $"file {name} lines {lineNumbers[0]}-{lineNumbers[^1]}");
            var result = await ingestion.IngestAsync(FlagSource.FileDrop, batch, StaffUser.System, origin, cancellationToken);
            stored += result.Stored;
            duplicates += result.Duplicates;
            rejected += result.Rejected;
            rejects.AddRange(result.Records
                .Where(r => r.Outcome == IngestOutcome.Rejected)
                .Select(r => new RejectLine(lineNumbers[r.Index], r.UpstreamId, r.Reason ?? "")));
            batch.Clear();
            lineNumbers.Clear();
        }

        await using (var stream = new FileStream(claimed, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true))
        {
            await foreach (var (lineNumber, line) in ReadLinesAsync(stream, cancellationToken))
            {
                if (IsBlank(line.Span))
                {
                    continue;
                }

                batch.Add(new RawFlagRecord(line, string.Create(CultureInfo.InvariantCulture, $"file {name} line {lineNumber}")));
                lineNumbers.Add(lineNumber);
                if (batch.Count >= settings.BatchSize)
                {
                    await FlushAsync();
                }
            }
        }

        await FlushAsync();
        var done = UniquePath(Path.Combine(root, DoneFolder, name));
        if (rejects.Count > 0)
        {
            await File.WriteAllLinesAsync(done + RejectsSuffix, rejects.Select(r => JsonSerializer.Serialize(r, ReportJson)), cancellationToken);
        }

        File.Move(claimed, done);
        logger.LogInformation("Ingested drop file {File}: {Stored} stored, {Duplicates} duplicate(s), {Rejected} rejected.", name, stored, duplicates, rejected);
        return new FileDropRunResult(1, stored, duplicates, rejected);
    }

    /// <summary>Splits on LF (dropping a trailing CR) without decoding: invalid UTF-8 must reach the
    /// validator as bytes, to be rejected for that line alone.</summary>
    private static async IAsyncEnumerable<(int LineNumber, ReadOnlyMemory<byte> Line)> ReadLinesAsync(Stream stream, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var line = new ArrayBufferWriter<byte>();
        var number = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var span = buffer.AsMemory(0, read);
            while (span.Length > 0)
            {
                var newline = span.Span.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    line.Write(span.Span);
                    break;
                }

                line.Write(span.Span[..newline]);
                span = span[(newline + 1)..];
                number++;
                yield return (number, TrimCr(line.WrittenSpan).ToArray());
                line.Clear();
            }
        }

        if (line.WrittenCount > 0)
        {
            number++;
            yield return (number, TrimCr(line.WrittenSpan).ToArray());
        }
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) => line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim(" \t\r"u8).IsEmpty;

    /// <summary>Claims older than the stale limit belong to a node that died: put them back.</summary>
    private void ReclaimStale(string root, string processing, FileDropOptions settings)
    {
        var now = clock.GetUtcNow().UtcTicks;
        foreach (var claimed in Directory.EnumerateFiles(processing))
        {
            var fileName = Path.GetFileName(claimed);
            var at = fileName.LastIndexOf('@');
            if (at <= 0 || !long.TryParse(fileName[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var claimedTicks)
                || now - claimedTicks < settings.StaleClaimAfter.Ticks)
            {
                continue;
            }

            try
            {
                File.Move(claimed, Path.Combine(root, fileName[..at]));
                logger.LogWarning("Took back drop file {File}: its claim was older than {Limit}.", fileName[..at], settings.StaleClaimAfter);
            }
            catch (IOException)
            {
                // Another node took it back first, or a new file of that name is waiting.
            }
        }
    }

    private static string UniquePath(string path)
    {
        if (!File.Exists(path))
        {
            return path;
        }

        var stem = Path.GetFileNameWithoutExtension(path);
        var extension = Path.GetExtension(path);
        var folder = Path.GetDirectoryName(path)!;
        for (var i = 2; ; i++)
        {
            var candidate = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{stem}.{i}{extension}"));
            if (!File.Exists(candidate))
            {
                return candidate;
            }
        }
    }

    private sealed record RejectLine(int Line, string? Id, string Reason);
}
