using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
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
/// Intake throughput on SQLite: one push-API batch of 100 new records (validate, dedupe, actor
/// upsert, SimHash clustering, priority, Flag row, audit) into a database that already holds the
/// earlier iterations' flags. Records spread over 20 organizations and 5 categories, a third of
/// them near-duplicates of a campaign text, like the demo feed.
/// </summary>
[Config(typeof(InProcessShortRun))]
public class FlagIngestionBenchmarks : IDisposable
{
    private const int BatchSize = 100;
    private static readonly string[] Categories = ["hate", "spam", "self-harm/intent", "violence", "influence-operation"];

    private TestDatabase? database;
    private FlagIngestionService ingestion = default!;
    private List<RawFlagRecord> batch = [];
    private int sequence;

    [GlobalSetup]
    public void Setup()
    {
        database = new TestDatabase();
        var services = new ServiceCollection();
        services.AddOptions<IngestionOptions>();
        var options = services.BuildServiceProvider().GetRequiredService<IOptionsMonitor<IngestionOptions>>();
        var clock = TimeProvider.System;
        ingestion = new FlagIngestionService(database.Factory, new ActorRegistry(clock), new AuditLog(clock), clock, options);
    }

    [IterationSetup]
    public void NextBatch()
    {
        batch = Enumerable.Range(0, BatchSize).Select(_ => Record(sequence++)).ToList();
    }

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public async Task<int> IngestBatchOf100()
    {
        var result = await ingestion.IngestAsync(FlagSource.Api, batch, StaffUser.System, "benchmark", default);
        return result.Stored;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        database?.Dispose();
        database = null;
        GC.SuppressFinalize(this);
    }

    private static RawFlagRecord Record(int n)
    {
        var category = Categories[n % Categories.Length];
        var campaign = n % 3 == 0;
        var completion = campaign
            ? $"Limited offer: the miracle supplement doctors won't tell you about, order now batch {n % 7}"
            : $"Generated answer number {n} about topic {n % 50} with some ordinary words and details {n * 7919 % 1000}";
        var json = new JsonObject
        {
            ["id"] = $"bench_{n}",
            ["created_at"] = DateTimeOffset.UtcNow.AddMinutes(-n % 600).ToString("O", CultureInfo.InvariantCulture),
            ["org_id"] = $"org_{n % 20}",
            ["app_id"] = $"app_{n % 40}",
            ["api_key_id"] = $"key_{n % 80}",
            ["model"] = "lm-large",
            ["prompt"] = $"Prompt {n}",
            ["completion"] = completion,
            ["classifier"] = new JsonObject { ["name"] = "omni-moderation", ["version"] = "v3" },
            ["categories"] = new JsonObject { [category] = true },
            ["category_scores"] = new JsonObject { [category] = 0.5 + (n % 50 / 100.0) },
        };
        return new RawFlagRecord(Encoding.UTF8.GetBytes(json.ToJsonString()), $"bench:{n}");
    }

    private sealed class InProcessShortRun : ManualConfig
    {
        public InProcessShortRun()
        {
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithIterationCount(5));
        }
    }
}
