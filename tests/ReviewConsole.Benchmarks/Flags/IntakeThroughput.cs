using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using ReviewConsole.Benchmarks.Postgres;
using ReviewConsole.Data;
using ReviewConsole.Features.Admin;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;
using static ReviewConsole.Benchmarks.BenchmarkHost;

namespace ReviewConsole.Benchmarks.Flags;

/// <summary>
/// Flag intake as the pipeline lives it, beside a baseline, in one run (not a BenchmarkDotNet timing):
/// <list type="number">
/// <item>publishes the app (Release) and starts it in the Production shape on loopback: Production
/// environment, Kestrel HTTPS with a self-signed certificate made for the run, SQLite file, Hangfire
/// server on, demo off;</item>
/// <item>issues an API token with the <c>flags:write</c> scope (the Admin page's service, against the
/// app's database);</item>
/// <item>posts N moderation-shaped records (11 category scores each; 50 organizations, 200 apps, 800
/// keys; a third near-duplicates of seven campaign texts) from two clients in batches of 1,000;</item>
/// <item>inserts the same records row by row into a minimal equivalent SQLite schema (a flag row plus
/// 11 score rows, unique upstream id, queue index, one transaction per 1,000) — the baseline;</item>
/// <item>repeats both with 1,000,000 flags (and their scores) already in the tables, built with
/// <c>INSERT … SELECT</c> over a recursive counter and <c>ANALYZE</c>d.</item>
/// </list>
/// Run: <c>dotnet run -c Release --project tests/ReviewConsole.Benchmarks -- intake</c>
/// (options: <c>--records N</c>, <c>--existing N</c>, <c>--skip-publish</c>; <c>--postgres</c> runs the app,
/// its seed and the baseline on a throwaway PostgreSQL cluster, <c>--postgres-connection CS</c> on an
/// existing server: <see cref="IntakePostgres"/>). Publishing, the certificate and
/// the app's start are <see cref="BenchmarkHost"/>'s, shared with the reviewer-loop benchmark.
/// </summary>
public static class IntakeThroughput
{
    private const int BatchSize = 1_000;
    private const int Clients = 2;

    private static readonly string[] Categories =
    [
        "sexual", "hate", "harassment", "self-harm", "sexual/minors", "hate/threatening",
        "violence/graphic", "self-harm/intent", "self-harm/instructions", "harassment/threatening", "violence",
    ];

    private static readonly string[] CampaignTexts =
    [
        "LIMITED TIME: get {0}% off the premium {1} today only! Thousands of happy customers can't be wrong. Tap the link in our bio before the deal disappears and use code SAVE{2} at checkout.",
        "Doctors don't want you to know this: VitaCleanse Ultra melts away blood sugar problems in just {0} days, with no prescription and no diet changes. Over {2},000 customers already threw away their medication.",
        "As a parent who has lived in {1} for {0} years, I'm proud to support Measure {2}. Our families deserve safer streets and lower taxes, and this is the common-sense plan our neighbors have been asking for.",
        "Absolutely the best {1} I have ever bought!!! Arrived in {0} days, works perfectly, and customer service was amazing. Five stars, would buy again, tell all your friends about store {2}!",
        "Earn ${2}00 a day from home with our proven crypto signal group. Only {0} spots left for {1} members, message us now before the price doubles tonight and you miss out forever.",
        "URGENT notice from your bank security team: your {1} account was locked after {0} failed sign-ins. Confirm your identity within {2} hours at the secure link below or the account will be closed.",
        "Breaking: officials in {1} admit the election count was rigged by {0} percent, leaked memo {2} shows. Share this before it gets deleted, the media will never report it.",
    ];

    private static readonly string[] Fillers = ["wireless earbuds", "Millbrook", "Cedar Falls", "smart watch", "air fryer", "Riverton", "Oak Ridge", "robot vacuum"];

    private static readonly string[] Vocabulary =
    [
        "the", "model", "answer", "request", "user", "policy", "content", "example", "system", "people", "write", "story", "because",
        "however", "process", "network", "account", "service", "school", "garden", "recipe", "travel", "history", "science", "music",
        "weather", "market", "health", "project", "letter", "summary", "meeting", "schedule", "design", "budget", "report", "customer",
        "product", "review", "question", "friend", "family", "morning", "evening", "mountain", "river", "city", "village", "computer",
        "program", "function", "variable", "database", "server", "client", "message", "email", "phone", "picture", "camera", "window",
        "kitchen", "bottle", "paper", "pencil", "engine", "vehicle", "bicycle", "ticket", "station", "airport", "island", "forest",
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var records = Option(args, "--records", 20_000);
        var existing = Option(args, "--existing", 1_000_000);
        var warmUpCount = Option(args, "--warm-up", 10_000);
        var skipPublish = args.Contains("--skip-publish");
        var root = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("rc-intake-bench-").FullName;
        using var server = PostgresServer.FromArguments(args, root);
        var database = server is null
            ? "SQLite (a file; WAL, synchronous = NORMAL as the app sets it; Hangfire in memory)"
            : $"{server.Describe()}; Hangfire on PostgreSQL storage as the app picks it";
        Console.WriteLine($"Intake benchmark: {records:N0} records, batches of {BatchSize:N0}, {Clients} clients; then with {existing:N0} flags stored. Work folder {work}");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeDescription()}; load average before: {LoadAverage()}");
        Console.WriteLine($"Database: {database}");

        var publish = await PublishAsync(root, "intake-benchmark", skipPublish);

        var payloads = Records(records, new Random(20_261_130), "timed");
        // Warm-up records first, posted the same way but not in the figure, in both paths: JIT and EF's
        // query compilation happen once per process and are not what a pipeline sending batches all
        // day pays. One batch was too few: .NET compiles a hot method three times (quick, then
        // instrumented, then optimized with the profile) in the background, and after one batch the
        // timed run still spent a visible share of its samples in the JIT's thread and in code not yet
        // optimized (perf, 2026-11-30). The warm-up rate (right after start) is printed beside the
        // timed one.
        var warmUp = Records(warmUpCount, new Random(7), "warm-up");
        var certificate = CreateCertificate(work);
        var rows = new List<string>();
        foreach (var stored in new[] { 0, existing }.Distinct())
        {
            AppDatabase app;
            Func<List<string>, double> measureBaseline;
            if (server is null)
            {
                var file = Path.Combine(work, $"app-{stored}.db");
                var baseline = Path.Combine(work, $"baseline-{stored}.db");
                PrepareAppDatabase(file, stored);
                PrepareBaseline(baseline, stored);
                app = AppDatabase.Sqlite(file);
                measureBaseline = p => MeasureBaseline(baseline, p);
            }
            else
            {
                app = IntakePostgres.PrepareAppDatabase(server, stored);
                var baseline = IntakePostgres.PrepareBaseline(server, stored);
                measureBaseline = p => IntakePostgres.MeasureBaseline(baseline, p, BatchSize);
            }

            Console.WriteLine($"-- {stored:N0} flags stored ({app.ProviderName}); load average {LoadAverage()}");
            var (warmRate, appRate) = await MeasureAppAsync(publish, app, Path.Combine(work, $"app-{stored}.log"), certificate, warmUp, payloads);
            measureBaseline(warmUp);
            var row = measureBaseline(payloads);
            var ratio = appRate / row;
            var line = string.Create(CultureInfo.InvariantCulture, $"| {stored:N0} | {appRate:N0} | {row:N0} | {ratio:0.00} | {warmRate:N0} | {LoadAverage()} |");
            Console.WriteLine($"   app {appRate:N0} records/s (warm-up right after start: {warmRate:N0}), row-by-row baseline ({app.ProviderName}) {row:N0} records/s, ratio {ratio:0.00}");
            rows.Add(line);
        }

        Console.WriteLine();
        Console.WriteLine($"Database: {database}");
        Console.WriteLine($"| Flags already stored | App (records/s) | Row-by-row baseline (records/s) | Ratio | App, first {warmUp.Count:N0} after start | Load average after |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | --- |");
        rows.ForEach(Console.WriteLine);
        return 0;
    }

    /// <summary>Posts the warm-up records, then every timed record, through the published app; returns
    /// records stored per second in each.</summary>
    private static async Task<(double WarmUp, double Timed)> MeasureAppAsync(string publish, AppDatabase database, string log, (string Path, string Thumbprint) certificate, List<string> warmUp, List<string> payloads)
    {
        var port = FreePort();
        var baseAddress = new Uri($"https://127.0.0.1:{port}");
        using var app = StartApp(publish, database, certificate.Path, baseAddress, log);
        try
        {
            using var http = CreateClient(baseAddress, certificate.Thumbprint, Clients);
            await WaitHealthyAsync(http, app, log);
            var token = await IssueTokenAsync(database);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            var warmRate = await PostAllAsync(http, warmUp, log);
            // Let the background JIT finish what the warm-up queued.
            await Task.Delay(TimeSpan.FromSeconds(2));
            return (warmRate, await PostAllAsync(http, payloads, log));
        }
        finally
        {
            await StopAsync(app);
        }
    }

    /// <summary>Posts records in batches from <see cref="Clients"/> clients; returns records stored per second.</summary>
    private static async Task<double> PostAllAsync(HttpClient http, List<string> payloads, string log)
    {
        var batches = payloads.Chunk(BatchSize).Select(b => "[" + string.Join(",", b) + "]").ToList();
        var next = -1;
        var stored = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches.Count)
            {
                using var content = new StringContent(batches[index], Encoding.UTF8, "application/json");
                using var response = await http.PostAsync(new Uri("/api/v1/flags", UriKind.Relative), content);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"Batch {index}: {(int)response.StatusCode} {body[..Math.Min(500, body.Length)]} (app log: {log})");
                }

                using var json = JsonDocument.Parse(body);
                Interlocked.Add(ref stored, json.RootElement.GetProperty("stored").GetInt32());
            }
        })));
        clock.Stop();
        if (stored != payloads.Count)
        {
            throw new InvalidOperationException($"Stored {stored} of {payloads.Count} records; see {log}.");
        }

        return payloads.Count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The baseline: parse each record and insert it row by row (flag, then 11 scores) with
    /// prepared statements, one transaction per 1,000 records.</summary>
    private static double MeasureBaseline(string path, List<string> payloads)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        connection.Open();
        Exec(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
        using var insertFlag = connection.CreateCommand();
        insertFlag.CommandText = """
            INSERT INTO flag (upstream_id, created_at, org_id, app_id, key_id, model, prompt, completion, classifier, version, status, priority)
            VALUES ($id, $created, $org, $app, $key, $model, $prompt, $completion, $classifier, $version, 'New', $priority) RETURNING id
            """;
        var flagParameters = new[] { "$id", "$created", "$org", "$app", "$key", "$model", "$prompt", "$completion", "$classifier", "$version", "$priority" }
            .Select(name => insertFlag.Parameters.Add(new SqliteParameter(name, null))).ToArray();
        using var insertScore = connection.CreateCommand();
        insertScore.CommandText = "INSERT INTO flag_score (flag_id, category, score, flagged) VALUES ($flag, $category, $score, $flagged)";
        var scoreParameters = new[] { "$flag", "$category", "$score", "$flagged" }.Select(name => insertScore.Parameters.Add(new SqliteParameter(name, null))).ToArray();

        var clock = Stopwatch.StartNew();
        foreach (var batch in payloads.Chunk(BatchSize))
        {
            using var transaction = connection.BeginTransaction();
            insertFlag.Transaction = transaction;
            insertScore.Transaction = transaction;
            foreach (var payload in batch)
            {
                using var record = JsonDocument.Parse(payload);
                var r = record.RootElement;
                flagParameters[0].Value = r.GetProperty("id").GetString();
                flagParameters[1].Value = r.GetProperty("created_at").GetDateTimeOffset().UtcTicks;
                flagParameters[2].Value = r.GetProperty("org_id").GetString();
                flagParameters[3].Value = r.GetProperty("app_id").GetString();
                flagParameters[4].Value = r.GetProperty("api_key_id").GetString();
                flagParameters[5].Value = r.GetProperty("model").GetString();
                flagParameters[6].Value = r.GetProperty("prompt").GetString();
                flagParameters[7].Value = r.GetProperty("completion").GetString();
                flagParameters[8].Value = r.GetProperty("classifier").GetProperty("name").GetString();
                flagParameters[9].Value = r.GetProperty("classifier").GetProperty("version").GetString();
                flagParameters[10].Value = 50;
                var flagId = (long)insertFlag.ExecuteScalar()!;
                var moderation = r.GetProperty("moderation");
                var flagged = moderation.GetProperty("categories");
                foreach (var score in moderation.GetProperty("category_scores").EnumerateObject())
                {
                    scoreParameters[0].Value = flagId;
                    scoreParameters[1].Value = score.Name;
                    scoreParameters[2].Value = score.Value.GetDouble();
                    scoreParameters[3].Value = flagged.GetProperty(score.Name).GetBoolean() ? 1 : 0;
                    insertScore.ExecuteNonQuery();
                }
            }

            transaction.Commit();
        }

        clock.Stop();
        return payloads.Count / clock.Elapsed.TotalSeconds;
    }

    private static void PrepareBaseline(string path, int existing)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        connection.Open();
        Exec(connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE flag (id INTEGER PRIMARY KEY, upstream_id TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL, org_id TEXT NOT NULL,
                app_id TEXT NOT NULL, key_id TEXT NOT NULL, model TEXT NOT NULL, prompt TEXT NOT NULL, completion TEXT NOT NULL,
                classifier TEXT NOT NULL, version TEXT NOT NULL, status TEXT NOT NULL, priority INTEGER NOT NULL);
            CREATE INDEX flag_queue ON flag (status, priority, id);
            CREATE TABLE flag_score (id INTEGER PRIMARY KEY, flag_id INTEGER NOT NULL REFERENCES flag (id), category TEXT NOT NULL,
                score REAL NOT NULL, flagged INTEGER NOT NULL, UNIQUE (flag_id, category));
            """);
        if (existing == 0)
        {
            return;
        }

        Exec(connection, string.Create(CultureInfo.InvariantCulture, $"""
            BEGIN;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {existing})
            INSERT INTO flag (upstream_id, created_at, org_id, app_id, key_id, model, prompt, completion, classifier, version, status, priority)
            SELECT 'seed-' || i, i, 'org_seed', 'app_seed', 'key_seed', 'model', 'prompt ' || i, 'completion ' || i, 'moderation', 'v1',
                   CASE WHEN i % 10 = 0 THEN 'Decided' ELSE 'New' END, i % 101 FROM n;
            WITH RECURSIVE c(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM c WHERE k < 10)
            INSERT INTO flag_score (flag_id, category, score, flagged) SELECT f.id, 'category-' || c.k, (f.id % 100) / 100.0, 0 FROM flag f, c;
            COMMIT;
            ANALYZE;
            PRAGMA wal_checkpoint(TRUNCATE);
            """));
    }

    /// <summary>A migrated database; with <paramref name="existing"/> &gt; 0, that many flags over the
    /// last 30 days with 11 scores each, 60 % of them in clusters (a quarter of those still open), the
    /// flags mostly past their SLA, and the priority refresh's watermark at now (as after earlier runs).</summary>
    private static void PrepareAppDatabase(string path, int existing)
    {
        var cache = Path.Combine(Path.GetTempPath(), $"reviewconsole-intake-bench-{existing}-{SchemaStamp()}.db");
        if (!File.Exists(cache))
        {
            CopyMigratedTemplate(cache + ".tmp");

            if (existing > 0)
            {
                SeedExisting(cache + ".tmp", existing);
            }

            File.Move(cache + ".tmp", cache, overwrite: true);
        }

        File.Copy(cache, path, overwrite: true);
    }

    private static void SeedExisting(string path, int existing)
    {
        var now = DateTimeOffset.UtcNow;
        var t0 = now.AddDays(-30).UtcTicks;
        var step = TimeSpan.FromDays(30).Ticks / existing;
        var clusters = existing * 6 / 10;
        using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        connection.Open();
        Exec(connection, string.Create(CultureInfo.InvariantCulture, $"""
            PRAGMA journal_mode = WAL;
            BEGIN;
            INSERT INTO Organization (ExternalId, Name, Status, IsHighProfile, CreatedAt) VALUES ('org_seed', 'org_seed', 'Active', 0, {t0});
            INSERT INTO Application (ExternalId, OrganizationId, Name, Status, CreatedAt) VALUES ('app_seed', 1, 'app_seed', 'Active', {t0});
            INSERT INTO ApiKey (ExternalId, Prefix, ApplicationId, OrganizationId, Status, TokensUsedThisMonth, CreatedAt, Version) VALUES ('key_seed', 'key_seed', 1, 1, 'Active', 0, {t0}, 0);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {clusters})
            INSERT INTO FlagCluster (SimHash, Size, FirstSeenAt, LastSeenAt, Excerpt)
            SELECT random(), 1 + (i % 3), {t0} + i * {step * existing / clusters}, {t0} + i * {step * existing / clusters}, 'seeded cluster ' || i FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {existing})
            INSERT INTO Flag (UpstreamId, Source, CreatedAt, IngestedAt, OrganizationId, ApplicationId, ApiKeyId, Model, Prompt, Completion,
                              ClassifierName, ClassifierVersion, TopCategory, TopScore, Status, Priority, SlaDueAt, ClusterId, SimHash, ContentHash, Redacted)
            SELECT 'seed-' || i, 'Api', {t0} + i * {step}, {t0} + i * {step}, 1, 1, 1, 'model', 'prompt ' || i, 'completion ' || i,
                   'omni-moderation', 'seed', 'hate', (i % 100) / 100.0,
                   CASE WHEN i % 10 = 0 THEN 'Decided' ELSE 'New' END, i % 101, {t0} + i * {step} + 288000000000,
                   CASE WHEN i % 5 < 3 THEN 1 + (i * {clusters} / {existing}) % {clusters} ELSE NULL END, random(), '', 0
            FROM n;
            WITH RECURSIVE c(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM c WHERE k < 10)
            INSERT INTO FlagCategoryScore (FlagId, Category, Score, Flagged)
            SELECT f.Id, CASE c.k WHEN 0 THEN 'sexual' WHEN 1 THEN 'hate' WHEN 2 THEN 'harassment' WHEN 3 THEN 'self-harm' WHEN 4 THEN 'sexual/minors'
                     WHEN 5 THEN 'hate/threatening' WHEN 6 THEN 'violence/graphic' WHEN 7 THEN 'self-harm/intent' WHEN 8 THEN 'self-harm/instructions'
                     WHEN 9 THEN 'harassment/threatening' ELSE 'violence' END,
                   (f.Id % 100) / 100.0, c.k = 1
            FROM Flag f, c;
            UPDATE FlagJobLease SET WatermarkAt = {now.UtcTicks};
            COMMIT;
            ANALYZE;
            PRAGMA wal_checkpoint(TRUNCATE);
            """));
    }

    /// <summary>Issues a flags:write token with the service the Admin page uses, on the app's database.</summary>
    private static async Task<string> IssueTokenAsync(AppDatabase database)
    {
        var options = AppDbContextOptions.Build(database.Provider, database.ConnectionString);
        var clock = TimeProvider.System;
        var tokens = new ApiTokenService(new TestDbContextFactory(options), new AuditLog(clock), clock);
        var issued = await tokens.IssueAsync(new IssueTokenRequest("intake-benchmark", [ApiScopes.FlagsWrite], null), new StaffUser("benchmark", "benchmark@localhost"), default);
        return issued.Secret;
    }

    /// <summary>Moderation-shaped records: 11 scores each, 50 organizations, 200 apps, 800 keys, and a
    /// third near-duplicates of seven campaign texts (numbers and a place or product varied).</summary>
    internal static List<string> Records(int count, Random random, string prefix)
    {
        var now = DateTimeOffset.UtcNow;
        var run = prefix + "-" + now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var records = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var key = random.Next(800);
            var app = key % 200;
            var org = app % 50;
            string completion;
            if (i % 3 == 0)
            {
                completion = string.Format(CultureInfo.InvariantCulture, CampaignTexts[random.Next(CampaignTexts.Length)], random.Next(5, 90), Fillers[random.Next(Fillers.Length)], random.Next(10, 99));
            }
            else
            {
                var words = random.Next(25, 90);
                completion = string.Join(' ', Enumerable.Range(0, words).Select(_ => Vocabulary[random.Next(Vocabulary.Length)])) + ".";
            }

            var top = Categories[random.Next(Categories.Length)];
            var categories = new JsonObject();
            var scores = new JsonObject();
            foreach (var category in Categories)
            {
                var score = category == top ? 0.5 + (random.NextDouble() / 2) : random.NextDouble() / 4;
                categories[category] = category == top;
                scores[category] = Math.Round(score, 6);
            }

            var record = new JsonObject
            {
                ["id"] = $"bench-{run}-{i}",
                ["created_at"] = now.AddSeconds(-random.Next(6 * 3600)).ToString("O", CultureInfo.InvariantCulture),
                ["org_id"] = $"org_{org}",
                ["app_id"] = $"app_{app}",
                ["api_key_id"] = $"key_{key}",
                ["model"] = "lm-large-2026-01",
                ["prompt"] = "Write a reply for case " + i.ToString(CultureInfo.InvariantCulture) + " about " + Vocabulary[random.Next(Vocabulary.Length)],
                ["completion"] = completion,
                ["classifier"] = new JsonObject { ["name"] = "omni-moderation", ["version"] = "2026-01-15" },
                ["moderation"] = new JsonObject { ["flagged"] = true, ["categories"] = categories, ["category_scores"] = scores },
            };
            records.Add(record.ToJsonString());
        }

        return records;
    }

}
