using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Testing;
using ReviewConsole.Testing.Flags;

namespace ReviewConsole.Tests.Flags.Ingestion;

public sealed class IngestFileDropJobTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly string folder = Directory.CreateTempSubdirectory("rc-drop-").FullName;

    private IngestFileDropJob Job(TimeSpan? minAge = null, int batchSize = 3) =>
        new(
            FlagJson.Service(database, TimeProvider.System),
            new StaticOptionsMonitor<FileDropOptions>(new FileDropOptions { Path = folder, MinFileAge = minAge ?? TimeSpan.Zero, BatchSize = batchSize }),
            new TestHostEnvironment(folder),
            TimeProvider.System,
            NullLogger<IngestFileDropJob>.Instance);

    private string Write(string name, params byte[][] lines)
    {
        var path = Path.Combine(folder, name);
        using var file = File.Create(path);
        foreach (var line in lines)
        {
            file.Write(line);
            file.Write("\n"u8);
        }

        return path;
    }

    private static byte[] Line(string id) => Encoding.UTF8.GetBytes(FlagJson.Record(id, completion: "completion for " + id + " " + Guid.NewGuid()).ToJsonString());

    [Fact]
    public async Task Run_BadInputCorpus_EveryBadLineRejectedWithItsReasonAndEveryGoodLineStored()
    {
        // Blank lines are skipped by the reader, not rejected; everything else in the corpus is a line.
        var corpus = FlagRecords.BadRecords().Where(b => b.Json.Trim().Length > 0).ToList();
        var lines = new List<byte[]>();
        var expected = new Dictionary<int, BadFlagRecord>();
        for (var i = 0; i < corpus.Count; i++)
        {
            lines.Add(Encoding.UTF8.GetBytes(corpus[i].Json));
            expected[lines.Count] = corpus[i];
            lines.Add(Line($"corpus-good-{i}"));
        }

        Write("corpus.jsonl", [.. lines]);

        var result = await Job(batchSize: 1000).RunAsync(default);

        Assert.Equal((corpus.Count, corpus.Count), (result.Stored, result.Rejected));
        await using var db = database.CreateContext();
        Assert.Equal(corpus.Count, await db.Set<Flag>().CountAsync(f => f.UpstreamId.StartsWith("corpus-good-")));
        var errors = await db.Set<IngestionError>().ToListAsync();
        Assert.Equal(corpus.Count, errors.Count);
        foreach (var error in errors)
        {
            var line = int.Parse(error.Origin[(error.Origin.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            var bad = expected[line];
            Assert.True(error.Reason.StartsWith(bad.Code + ":", StringComparison.Ordinal), $"{bad.Name}: stored as '{error.Reason}'");
            Assert.Equal(FlagSource.FileDrop, error.Source);
        }
    }

    [Fact]
    public async Task Run_FileWithGoodAndBadLines_StoresGoodOnesMovesToDoneAndWritesRejectsReport()
    {
        Write(
            "batch-1.jsonl",
            Line("f1"),
            "{\"id\":\"broken\""u8.ToArray(),
            [],
            Line("f2"),
            [0x7B, 0xFF, 0x7D],
            Line("f3"),
            Line("f4"));

        var result = await Job().RunAsync(default);

        Assert.Equal((1, 4, 2), (result.Files, result.Stored, result.Rejected));
        Assert.False(File.Exists(Path.Combine(folder, "batch-1.jsonl")));
        Assert.True(File.Exists(Path.Combine(folder, "done", "batch-1.jsonl")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(folder, "processing")));
        var report = (await File.ReadAllLinesAsync(Path.Combine(folder, "done", "batch-1.jsonl" + IngestFileDropJob.RejectsSuffix)))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .ToList();
        Assert.Equal([2, 5], report.Select(r => r.GetProperty("line").GetInt32()));
        Assert.StartsWith("invalid_json:", report[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("invalid_utf8:", report[1].GetProperty("reason").GetString(), StringComparison.Ordinal);

        await using var db = database.CreateContext();
        Assert.Equal(4, await db.Set<Flag>().CountAsync(f => f.Source == FlagSource.FileDrop));
        Assert.Equal(["file batch-1.jsonl line 2", "file batch-1.jsonl line 5"], await db.Set<IngestionError>().OrderBy(e => e.Id).Select(e => e.Origin).ToListAsync());
    }

    [Fact]
    public async Task Run_CleanFile_WritesNoReport()
    {
        Write("clean.jsonl", Line("c1"), Line("c2"));

        await Job().RunAsync(default);

        Assert.True(File.Exists(Path.Combine(folder, "done", "clean.jsonl")));
        Assert.False(File.Exists(Path.Combine(folder, "done", "clean.jsonl" + IngestFileDropJob.RejectsSuffix)));
    }

    [Fact]
    public async Task Run_SameFileDroppedTwice_CountsDuplicatesAndKeepsBothInDone()
    {
        byte[][] lines = [Line("d1"), Line("d2")];
        Write("again.jsonl", lines);
        await Job().RunAsync(default);
        Write("again.jsonl", lines);

        var second = await Job().RunAsync(default);

        Assert.Equal((0, 2), (second.Stored, second.Duplicates));
        Assert.Equal(2, Directory.EnumerateFiles(Path.Combine(folder, "done"), "again*.jsonl").Count());
        await using var db = database.CreateContext();
        Assert.Equal(2, await db.Set<Flag>().CountAsync());
    }

    [Fact]
    public async Task Run_FileStillBeingWritten_IsLeftAlone()
    {
        Write("fresh.jsonl", Line("y1"));

        var result = await Job(minAge: TimeSpan.FromMinutes(5)).RunAsync(default);

        Assert.Equal(0, result.Files);
        Assert.True(File.Exists(Path.Combine(folder, "fresh.jsonl")));
    }

    [Fact]
    public async Task Run_TwoNodesAtOnce_IngestEachFileOnce()
    {
        for (var f = 0; f < 6; f++)
        {
            Write($"n{f}.jsonl", Enumerable.Range(0, 4).Select(i => Line($"n{f}-{i}")).ToArray());
        }

        var results = await Task.WhenAll(Task.Run(() => Job().RunAsync(default)), Task.Run(() => Job().RunAsync(default)));

        Assert.Equal(6, results.Sum(r => r.Files));
        Assert.Equal(24, results.Sum(r => r.Stored));
        Assert.Equal(6, Directory.EnumerateFiles(Path.Combine(folder, "done")).Count());
    }

    [Fact]
    public async Task Run_ClaimLeftByADeadNode_IsTakenBackAndIngested()
    {
        Directory.CreateDirectory(Path.Combine(folder, "processing"));
        var claimedLongAgo = DateTimeOffset.UtcNow.AddHours(-2).UtcTicks;
        Write(Path.Combine("processing", $"orphan.jsonl@{claimedLongAgo}"), Line("o1"));

        var result = await Job().RunAsync(default);

        Assert.Equal(1, result.Stored);
        Assert.True(File.Exists(Path.Combine(folder, "done", "orphan.jsonl")));
    }

    public void Dispose()
    {
        database.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private sealed class TestHostEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";

        public string ApplicationName { get; set; } = "ReviewConsole";

        public string ContentRootPath { get; set; } = root;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
