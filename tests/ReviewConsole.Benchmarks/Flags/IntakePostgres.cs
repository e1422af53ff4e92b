using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ReviewConsole.Benchmarks.Postgres;
using static ReviewConsole.Benchmarks.Postgres.PostgresServer;

namespace ReviewConsole.Benchmarks.Flags;

/// <summary>
/// The intake benchmark's databases on PostgreSQL (<c>-- intake --postgres</c>), the same shapes as the
/// SQLite run's: the app's database migrated with its PostgreSQL migrations and, for the second phase,
/// seeded with set-based SQL (<c>generate_series</c>) mirroring <see cref="IntakeThroughput"/>'s SQLite
/// seed, then <c>VACUUM (ANALYZE)</c>; and the row-by-row baseline on the same server, into the same
/// minimal two-table schema (timestamptz and boolean where SQLite has ticks and 0/1), with Npgsql prepared
/// statements, one transaction per 1,000 records, so the ratio compares PostgreSQL with PostgreSQL.
/// </summary>
internal static class IntakePostgres
{
    /// <summary>Bump when the seed below changes, so cached template databases are rebuilt.</summary>
    private const int SeedVersion = 1;

    private static readonly string[] ScoreCategories =
    [
        "sexual", "hate", "harassment", "self-harm", "sexual/minors", "hate/threatening", "violence/graphic",
        "self-harm/intent", "self-harm/instructions", "harassment/threatening", "violence",
    ];

    /// <summary>The app's database for a phase with <paramref name="existing"/> flags already stored. On the
    /// throwaway cluster it is built in place; on an existing server it is copied from a cached template.</summary>
    public static AppDatabase PrepareAppDatabase(PostgresServer server, int existing)
    {
        var run = string.Create(CultureInfo.InvariantCulture, $"rc_intake_app_{existing}_{Environment.ProcessId}");
        if (!server.Persistent)
        {
            server.Create(run);
            Build(server, run, existing);
        }
        else
        {
            var cache = string.Create(CultureInfo.InvariantCulture, $"rc_intake_cache_{existing}_{Digest($"{SchemaStamp()} v{SeedVersion}")}");
            if (!server.Exists(cache))
            {
                server.Create(cache + "_building", cache: true);
                Build(server, cache + "_building", existing);
                server.Rename(cache + "_building", cache);
            }
            else
            {
                Console.WriteLine($"   app database with {existing:N0} flags: cached template {cache}");
            }

            server.Create(run, template: cache);
        }

        return AppDatabase.Postgres(server.ConnectionString(run), run);
    }

    private static void Build(PostgresServer server, string database, int existing)
    {
        var clock = Stopwatch.StartNew();
        server.Migrate(database);
        if (existing > 0)
        {
            server.Execute(database, SeedSql(existing, DateTimeOffset.UtcNow));
        }

        server.Execute(database, "VACUUM (ANALYZE)");
        Console.WriteLine($"   app database with {existing:N0} flags built in {clock.Elapsed.TotalSeconds:N0} s ({database})");
    }

    /// <summary><see cref="IntakeThroughput"/>'s SQLite seed in PostgreSQL: <paramref name="existing"/> flags
    /// over the last 30 days with 11 scores each, 60 % of them in clusters (a quarter of those still open),
    /// the flags mostly past their SLA, and the priority refresh's watermark at now.</summary>
    private static string SeedSql(int existing, DateTimeOffset now)
    {
        var t0 = now.AddDays(-30);
        var clusters = Math.Max(1, existing * 6 / 10);
        var stepMicroseconds = TimeSpan.FromDays(30).Ticks / existing / 10;
        var clusterStepMicroseconds = stepMicroseconds * existing / clusters;
        var categories = string.Join(", ", ScoreCategories.Select(c => $"'{c}'"));
        var at = Timestamp(t0);
        return string.Create(CultureInfo.InvariantCulture, $"""
            BEGIN;
            INSERT INTO "Organization" ("ExternalId", "Name", "Status", "IsHighProfile", "CreatedAt") VALUES ('org_seed', 'org_seed', 'Active', false, {at});
            INSERT INTO "Application" ("ExternalId", "OrganizationId", "Name", "Status", "CreatedAt")
            SELECT 'app_seed', o."Id", 'app_seed', 'Active', {at} FROM "Organization" o WHERE o."ExternalId" = 'org_seed';
            INSERT INTO "ApiKey" ("ExternalId", "Prefix", "ApplicationId", "OrganizationId", "Status", "TokensUsedThisMonth", "CreatedAt", "Version")
            SELECT 'key_seed', 'key_seed', a."Id", a."OrganizationId", 'Active', 0, {at}, 0 FROM "Application" a WHERE a."ExternalId" = 'app_seed';
            INSERT INTO "FlagCluster" ("SimHash", "Size", "FirstSeenAt", "LastSeenAt", "Excerpt")
            SELECT ('x' || substr(md5('cluster-' || i), 1, 16))::bit(64)::bigint, 1 + (i % 3),
                   {at} + i * {clusterStepMicroseconds} * interval '1 microsecond', {at} + i * {clusterStepMicroseconds} * interval '1 microsecond',
                   'seeded cluster ' || i
            FROM generate_series(1::bigint, {clusters}) i;
            INSERT INTO "Flag" ("UpstreamId", "Source", "CreatedAt", "IngestedAt", "OrganizationId", "ApplicationId", "ApiKeyId", "Model", "Prompt", "Completion",
                                "ClassifierName", "ClassifierVersion", "TopCategory", "TopScore", "Status", "Priority", "SlaDueAt", "ClusterId", "SimHash", "ContentHash", "Redacted")
            SELECT 'seed-' || i, 'Api', {at} + i * {stepMicroseconds} * interval '1 microsecond', {at} + i * {stepMicroseconds} * interval '1 microsecond',
                   k."OrganizationId", k."ApplicationId", k."Id", 'model', 'prompt ' || i, 'completion ' || i,
                   'omni-moderation', 'seed', 'hate', (i % 100) / 100.0,
                   CASE WHEN i % 10 = 0 THEN 'Decided' ELSE 'New' END, i % 101, {at} + i * {stepMicroseconds} * interval '1 microsecond' + interval '8 hours',
                   CASE WHEN i % 5 < 3 THEN c.first + (i * {clusters} / {existing}) % {clusters} END,
                   ('x' || substr(md5('flag-' || i), 1, 16))::bit(64)::bigint, '', false
            FROM generate_series(1::bigint, {existing}) i
            CROSS JOIN (SELECT min("Id") AS first FROM "FlagCluster") c
            CROSS JOIN (SELECT "Id", "OrganizationId", "ApplicationId" FROM "ApiKey" WHERE "ExternalId" = 'key_seed') k;
            INSERT INTO "FlagCategoryScore" ("FlagId", "Category", "Score", "Flagged")
            SELECT f."Id", (ARRAY[{categories}])[n + 1], (f."Id" % 100) / 100.0, n = 1
            FROM "Flag" f CROSS JOIN generate_series(0, 10) n;
            UPDATE "FlagJobLease" SET "WatermarkAt" = {Timestamp(now)};
            COMMIT;
            """);
    }

    /// <summary>The baseline's database: the minimal two-table schema, with <paramref name="existing"/> flag
    /// rows and 11 score rows each when asked, then <c>VACUUM (ANALYZE)</c>. Returns its connection string.</summary>
    public static string PrepareBaseline(PostgresServer server, int existing)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"rc_intake_baseline_{existing}_{Environment.ProcessId}");
        server.Create(name);
        server.Execute(name, """
            CREATE TABLE flag (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, upstream_id text NOT NULL UNIQUE, created_at timestamptz NOT NULL,
                org_id text NOT NULL, app_id text NOT NULL, key_id text NOT NULL, model text NOT NULL, prompt text NOT NULL, completion text NOT NULL,
                classifier text NOT NULL, version text NOT NULL, status text NOT NULL, priority integer NOT NULL);
            CREATE INDEX flag_queue ON flag (status, priority, id);
            CREATE TABLE flag_score (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, flag_id bigint NOT NULL REFERENCES flag (id), category text NOT NULL,
                score double precision NOT NULL, flagged boolean NOT NULL, UNIQUE (flag_id, category));
            """);
        if (existing > 0)
        {
            server.Execute(name, string.Create(CultureInfo.InvariantCulture, $"""
                BEGIN;
                INSERT INTO flag (upstream_id, created_at, org_id, app_id, key_id, model, prompt, completion, classifier, version, status, priority)
                SELECT 'seed-' || i, to_timestamp(i), 'org_seed', 'app_seed', 'key_seed', 'model', 'prompt ' || i, 'completion ' || i, 'moderation', 'v1',
                       CASE WHEN i % 10 = 0 THEN 'Decided' ELSE 'New' END, i % 101
                FROM generate_series(1, {existing}) i;
                INSERT INTO flag_score (flag_id, category, score, flagged)
                SELECT f.id, 'category-' || k, (f.id % 100) / 100.0, false FROM flag f CROSS JOIN generate_series(0, 10) k;
                COMMIT;
                """));
        }

        server.Execute(name, "VACUUM (ANALYZE)");
        return server.ConnectionString(name, pooling: false);
    }

    /// <summary>The baseline: parse each record and insert it row by row (flag, then 11 scores) with
    /// prepared statements, one transaction per 1,000 records.</summary>
    public static double MeasureBaseline(string connectionString, List<string> payloads, int batchSize)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var insertFlag = new NpgsqlCommand(
            """
            INSERT INTO flag (upstream_id, created_at, org_id, app_id, key_id, model, prompt, completion, classifier, version, status, priority)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'New', $11) RETURNING id
            """,
            connection);
        var flagTypes = new[]
        {
            NpgsqlDbType.Text, NpgsqlDbType.TimestampTz, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text,
            NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Integer,
        };
        var flagParameters = flagTypes.Select(type => insertFlag.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type })).ToArray();
        insertFlag.Prepare();
        using var insertScore = new NpgsqlCommand("INSERT INTO flag_score (flag_id, category, score, flagged) VALUES ($1, $2, $3, $4)", connection);
        var scoreParameters = new[] { NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Double, NpgsqlDbType.Boolean }
            .Select(type => insertScore.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type })).ToArray();
        insertScore.Prepare();

        var clock = Stopwatch.StartNew();
        foreach (var batch in payloads.Chunk(batchSize))
        {
            using var transaction = connection.BeginTransaction();
            foreach (var payload in batch)
            {
                using var record = JsonDocument.Parse(payload);
                var r = record.RootElement;
                flagParameters[0].Value = r.GetProperty("id").GetString();
                flagParameters[1].Value = r.GetProperty("created_at").GetDateTimeOffset().ToUniversalTime();
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
                    scoreParameters[3].Value = flagged.GetProperty(score.Name).GetBoolean();
                    insertScore.ExecuteNonQuery();
                }
            }

            transaction.Commit();
        }

        clock.Stop();
        return payloads.Count / clock.Elapsed.TotalSeconds;
    }
}
