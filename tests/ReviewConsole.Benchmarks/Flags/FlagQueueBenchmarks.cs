using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Flags.Queue;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Features.Wellness;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Benchmarks.Flags;

/// <summary>
/// The queue at a million flags on SQLite: first page, a page deep in the keyset, a filtered page,
/// and a Next claim (claim + release, so every iteration sees the same queue). The seeded database
/// is built once into a temp file and copied per benchmark.
/// </summary>
[Config(typeof(InProcessShortRun))]
public class FlagQueueBenchmarks : IDisposable
{
    private const int FlagCount = 1_000_000;
    private static readonly string SeededPath = Path.Combine(Path.GetTempPath(), $"reviewconsole-bench-{FlagCount}.db");
    private static readonly StaffUser Reviewer = new("bench-reviewer", "bench@example.test");

    private TestDatabase? database;
    private FlagQueueService queue = default!;
    private FlagClaimService claims = default!;
    private readonly FlagQueueFilter byPriority = new();
    private readonly FlagQueueFilter filtered = new() { Category = "self-harm", Sla = SlaState.Breached, MinScore = 0.5, Sort = QueueSort.SlaDueAt, Descending = false };
    private readonly FlagQueueCursor deep = new(50, 0, 500_000);

    [GlobalSetup]
    public void Setup()
    {
        database = new TestDatabase();
        if (!File.Exists(SeededPath))
        {
            Seed(database);
            SqliteConnection.ClearAllPools();
            File.Copy(database.FilePath, SeededPath);
        }
        else
        {
            SqliteConnection.ClearAllPools();
            File.Copy(SeededPath, database.FilePath, overwrite: true);
        }

        var clock = TimeProvider.System;
        var audit = new AuditLog(clock);
        var options = Options.Create(new FlagsTriageOptions());
        var wellness = new WellnessService(database.Factory, audit, clock, Options.Create(new WellnessOptions { DailyCapPerCategory = 100_000 }));
        claims = new FlagClaimService(database.Factory, audit, wellness, clock, options);
        queue = new FlagQueueService(database.Factory, new FlagTriageService(database.Factory, audit, wellness, clock, options), audit, clock, options);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        database?.Dispose();
        database = null;
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public Task<QueuePage> FirstPage() => queue.GetPageAsync(byPriority, null, 50, default);

    [Benchmark]
    public Task<QueuePage> DeepPage() => queue.GetPageAsync(byPriority, deep, 50, default);

    [Benchmark]
    public Task<QueuePage> FilteredPage() => queue.GetPageAsync(filtered, null, 50, default);

    [Benchmark]
    public async Task<long?> NextClaimAndRelease()
    {
        var claimed = await claims.ClaimNextAsync(Reviewer, TriageRights.Reviewer, [], default);
        if (claimed.FlagId is { } id)
        {
            await claims.ReleaseAsync(Reviewer, id, "benchmark", default);
        }

        return claimed.FlagId;
    }

    private static void Seed(TestDatabase database)
    {
        using var db = database.CreateContext();
        var actor = new ActorRegistry(TimeProvider.System).EnsureAsync(db, new ActorRef("org_bench", "app_bench", "key_bench"), default).GetAwaiter().GetResult();
        var t0 = DateTimeOffset.UtcNow.AddDays(-30).UtcTicks;
        // One INSERT ... SELECT over a recursive counter: a million rows in one statement.
        db.Database.ExecuteSqlRaw(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {0})
            INSERT INTO Flag (UpstreamId, Source, CreatedAt, IngestedAt, OrganizationId, ApplicationId, ApiKeyId, Model, Prompt, Completion,
                              ClassifierName, ClassifierVersion, TopCategory, TopScore, Status, Priority, SlaDueAt, SimHash, ContentHash, Redacted)
            SELECT 'bench-' || i, 'Demo', {1} + i * 25920000, {1} + i * 25920000, {2}, {3}, {4}, 'model', 'prompt ' || i, 'completion ' || i,
                   'moderation', 'v1',
                   CASE i % 5 WHEN 0 THEN 'hate' WHEN 1 THEN 'self-harm' WHEN 2 THEN 'violence' WHEN 3 THEN 'spam' ELSE 'harassment' END,
                   (i % 100) / 100.0,
                   CASE WHEN i % 10 = 0 THEN 'Decided' ELSE 'New' END,
                   i % 101,
                   {1} + i * 25920000 + 144000000000,
                   i, '', 0
            FROM n
            """,
            FlagCount, t0, actor.OrganizationId, actor.ApplicationId, actor.ApiKeyId);
        db.Database.ExecuteSqlRaw("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);");
    }

    private sealed class InProcessShortRun : ManualConfig
    {
        public InProcessShortRun()
        {
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
        }
    }
}
