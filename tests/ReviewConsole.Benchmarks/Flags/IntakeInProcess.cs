using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Benchmarks.Flags;

/// <summary>
/// The intake service alone, in this process, on a migrated SQLite file: the same moderation-shaped
/// records as <see cref="IntakeThroughput"/>, split from 1,000-record bodies with
/// <see cref="JsonBatch"/> as the push API does, ingested one batch after another. It tells the
/// service's own cost apart from HTTP, TLS and the second client, and is the process to profile.
/// Run: <c>dotnet run -c Release --project tests/ReviewConsole.Benchmarks -- intake-inproc [--records N]</c>.
/// </summary>
public static class IntakeInProcess
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = 20_000;
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--records")
            {
                count = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            }
        }

        using var database = new TestDatabase();
        var services = new ServiceCollection();
        services.AddOptions<IngestionOptions>();
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<IngestionOptions>>();
        var clock = TimeProvider.System;
        using var ingestion = new FlagIngestionService(database.Factory, new ActorRegistry(clock), new AuditLog(clock), clock, options);

        var random = new Random(42);
        var warmUp = Batches(IntakeThroughput.Records(10_000, random, "warm"));
        var batches = Batches(IntakeThroughput.Records(count, random, "run"));
        await IngestAsync(ingestion, warmUp);
        var clock2 = Stopwatch.StartNew();
        var stored = await IngestAsync(ingestion, batches);
        clock2.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"in-process: {stored:N0} stored in {clock2.Elapsed.TotalSeconds:0.00} s = {stored / clock2.Elapsed.TotalSeconds:N0} records/s ({database.FilePath})"));
        return 0;
    }

    private static List<byte[]> Batches(List<string> records) =>
        records.Chunk(1_000).Select(b => Encoding.UTF8.GetBytes("[" + string.Join(",", b) + "]")).ToList();

    private static async Task<int> IngestAsync(FlagIngestionService ingestion, List<byte[]> bodies)
    {
        var stored = 0;
        var n = 0;
        foreach (var body in bodies)
        {
            var slices = new List<ReadOnlyMemory<byte>>();
            JsonBatch.Split(body, "flags", 20, slices, out _);
            var records = slices.Select((s, i) => new RawFlagRecord(s, string.Create(CultureInfo.InvariantCulture, $"inproc {n} record {i}"))).ToList();
            var result = await ingestion.IngestAsync(FlagSource.Api, records, StaffUser.System, $"inproc {n++}", default);
            stored += result.Stored;
        }

        return stored;
    }
}
