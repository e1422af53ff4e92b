using System.Diagnostics;
using System.Globalization;
using ReviewConsole.Benchmarks.Postgres;
using static ReviewConsole.Benchmarks.Postgres.PostgresServer;

namespace ReviewConsole.Benchmarks.ReviewerLoop;

/// <summary>
/// The reviewer-loop database on PostgreSQL (<c>-- loop --postgres</c>): the SQLite database
/// <see cref="ReviewerLoopDatabase"/> builds (or has cached) is copied row for row into a database
/// migrated with the app's PostgreSQL migrations (<see cref="SqliteToPostgres"/>), then
/// <c>VACUUM (ANALYZE)</c>. The same rows, so the two providers are measured on the same history.
/// On an existing server the copy is kept as a template database, named after the SQLite file and its
/// build time and the PostgreSQL schema, and each run measures a <c>CREATE DATABASE … TEMPLATE</c> copy;
/// on the throwaway cluster it is built in place.
/// </summary>
internal static class ReviewerLoopPostgres
{
    /// <summary>Bump when the copy changes what it writes, so cached templates are rebuilt.</summary>
    private const int CopyVersion = 1;

    public static AppDatabase Prepare(PostgresServer server, string sqliteDatabase, int flags)
    {
        var run = string.Create(CultureInfo.InvariantCulture, $"rc_loop_run_{flags}_{Environment.ProcessId}");
        if (!server.Persistent)
        {
            server.Create(run);
            Build(server, sqliteDatabase, run, flags);
        }
        else
        {
            var source = new FileInfo(sqliteDatabase);
            var cache = string.Create(CultureInfo.InvariantCulture, $"rc_loop_cache_{flags}_{Digest($"{source.Name} {source.LastWriteTimeUtc.Ticks} {SchemaStamp()} v{CopyVersion}")}");
            if (!server.Exists(cache))
            {
                server.Create(cache + "_building", cache: true);
                Build(server, sqliteDatabase, cache + "_building", flags);
                server.Rename(cache + "_building", cache);
            }
            else
            {
                Console.WriteLine($"   PostgreSQL database for {flags:N0} flags: cached template {cache}");
            }

            server.Create(run, template: cache);
        }

        return AppDatabase.Postgres(server.ConnectionString(run), run);
    }

    private static void Build(PostgresServer server, string sqliteDatabase, string database, int flags)
    {
        var clock = Stopwatch.StartNew();
        server.Migrate(database);
        SqliteToPostgres.Copy(sqliteDatabase, server.ConnectionString(database, pooling: false));
        var copied = clock.Elapsed;
        server.Execute(database, "VACUUM (ANALYZE)");
        Console.WriteLine($"   PostgreSQL database for {flags:N0} flags: migrated and copied from {Path.GetFileName(sqliteDatabase)} in {copied.TotalSeconds:N0} s, VACUUM (ANALYZE) {(clock.Elapsed - copied).TotalSeconds:N0} s ({database})");
    }
}
