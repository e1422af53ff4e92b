using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ReviewConsole.Data;

namespace ReviewConsole.Benchmarks.Postgres;

/// <summary>
/// The PostgreSQL server a benchmark runs on, from its command line:
/// <list type="bullet">
/// <item><c>--postgres</c> alone: a throwaway cluster started with <c>tests/pg-cluster.sh</c> (as test.sh
/// does: Debian's package, a Unix socket in a new folder under the temp folder, superuser <c>rc</c>)
/// and stopped, folder removed, when the benchmark ends;</item>
/// <item><c>--postgres-connection CS</c> (or <c>--postgres CS</c>): an existing server; <c>CS</c>'s login
/// must be allowed to create databases. The benchmark's own databases are dropped at the end; cached
/// seeded databases (templates) stay for the next run.</item>
/// </list>
/// Each benchmark database is created, migrated with the app's own PostgreSQL migrations and seeded;
/// on an existing server a seeded database is kept as a template and each run measures a
/// <c>CREATE DATABASE … TEMPLATE</c> copy of it.
/// </summary>
internal sealed class PostgresServer : IDisposable
{
    private readonly string? clusterFolder;
    private readonly string repositoryRoot;
    private readonly List<string> runDatabases = [];
    private int stopped;

    private PostgresServer(string adminConnectionString, string? clusterFolder, string repositoryRoot)
    {
        AdminConnectionString = adminConnectionString;
        this.clusterFolder = clusterFolder;
        this.repositoryRoot = repositoryRoot;
        if (clusterFolder is not null)
        {
            // Ctrl+C or a kill: the cluster must not outlive the benchmark.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
            Console.CancelKeyPress += (_, _) => Dispose();
        }
    }

    /// <summary>The connection string with the right to create databases (its database: <c>postgres</c>).</summary>
    public string AdminConnectionString { get; }

    /// <summary>False for the throwaway cluster: nothing built on it outlives the run, so nothing is cached.</summary>
    public bool Persistent => clusterFolder is null;

    /// <summary>The server named by the arguments, or null when none is (the benchmark runs on SQLite).</summary>
    public static PostgresServer? FromArguments(string[] args, string repositoryRoot)
    {
        var connection = Value(args, "--postgres-connection");
        if (connection is null && Value(args, "--postgres") is { } inline && inline.Contains('=', StringComparison.Ordinal))
        {
            connection = inline;
        }

        if (connection is not null)
        {
            var builder = new NpgsqlConnectionStringBuilder(connection);
            if (string.IsNullOrEmpty(builder.Database))
            {
                builder.Database = "postgres";
            }

            return new PostgresServer(builder.ConnectionString, null, repositoryRoot);
        }

        if (!args.Contains("--postgres"))
        {
            return null;
        }

        var folder = Directory.CreateTempSubdirectory("reviewconsole-bench-pg-").FullName;
        var start = new ProcessStartInfo("bash", [Path.Combine(repositoryRoot, "tests", "pg-cluster.sh"), "start", folder])
        {
            WorkingDirectory = repositoryRoot,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not run tests/pg-cluster.sh.");
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        if (process.ExitCode != 0 || !output.StartsWith("Host=", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"tests/pg-cluster.sh start {folder} failed ({process.ExitCode}): {output}");
        }

        return new PostgresServer(output.Split('\n')[^1], folder, repositoryRoot);
    }

    private static string? Value(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && !args[at + 1].StartsWith("--", StringComparison.Ordinal) ? args[at + 1] : null;
    }

    /// <summary>Version and the settings that decide write cost, for the report.</summary>
    public string Describe()
    {
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(
            """
            SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'),
                   current_setting('full_page_writes'), current_setting('shared_buffers'), current_setting('max_connections')
            """,
            connection);
        using var reader = command.ExecuteReader();
        reader.Read();
        var where = clusterFolder is null ? "existing server" : "throwaway cluster from tests/pg-cluster.sh (Unix socket)";
        return $"PostgreSQL {reader.GetString(0)}, {where}; fsync={reader.GetString(1)}, synchronous_commit={reader.GetString(2)}, full_page_writes={reader.GetString(3)}, shared_buffers={reader.GetString(4)}, max_connections={reader.GetString(5)}";
    }

    public string ConnectionString(string database, bool pooling = true) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Pooling = pooling, CommandTimeout = 0 }.ConnectionString;

    public bool Exists(string database)
    {
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        return command.ExecuteScalar() is not null;
    }

    /// <summary>Creates <paramref name="database"/> (dropping one of that name first), empty or as a copy
    /// of <paramref name="template"/>; a run database (<paramref name="cache"/> false) is dropped when the
    /// benchmark ends.</summary>
    public void Create(string database, string? template = null, bool cache = false)
    {
        // A template must have no open connection, our pools' idle ones included.
        NpgsqlConnection.ClearAllPools();
        Admin($"DROP DATABASE IF EXISTS {Quote(database)} WITH (FORCE)");
        Admin(template is null ? $"CREATE DATABASE {Quote(database)}" : $"CREATE DATABASE {Quote(database)} TEMPLATE {Quote(template)}");
        if (!cache)
        {
            lock (runDatabases)
            {
                runDatabases.Add(database);
            }
        }
    }

    public void Rename(string from, string to)
    {
        NpgsqlConnection.ClearAllPools();
        Admin($"DROP DATABASE IF EXISTS {Quote(to)} WITH (FORCE)");
        Admin($"ALTER DATABASE {Quote(from)} RENAME TO {Quote(to)}");
    }

    /// <summary>Applies the app's PostgreSQL migrations to <paramref name="database"/>.</summary>
    public void Migrate(string database)
    {
        using var db = new AppDbContext(AppDbContextOptions.Build(DatabaseProvider.Postgres, ConnectionString(database, pooling: false)));
        db.Database.Migrate();
    }

    /// <summary>Runs <paramref name="sql"/> (one or more statements) on <paramref name="database"/>, without a time limit.</summary>
    public void Execute(string database, string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString(database, pooling: false));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.ExecuteNonQuery();
    }

    /// <summary>The newest of the app's PostgreSQL migrations: seeded databases are cached per schema.</summary>
    public static string SchemaStamp()
    {
        using var db = new AppDbContext(AppDbContextOptions.Build(DatabaseProvider.Postgres, "Host=unused"));
        return db.Database.GetMigrations().Last();
    }

    /// <summary>A short, identifier-safe digest (database names are limited to 63 bytes).</summary>
    public static string Digest(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..12];

    /// <summary>A timestamptz literal (whole microseconds, UTC).</summary>
    public static string Timestamp(DateTimeOffset value) =>
        "'" + value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00'::timestamptz";

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private void Admin(string sql)
    {
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.ExecuteNonQuery();
    }

    /// <summary>Stops the throwaway cluster (and removes its folder), or drops this run's databases on an existing server.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        if (clusterFolder is not null)
        {
            using var stop = Process.Start(new ProcessStartInfo("bash", [Path.Combine(repositoryRoot, "tests", "pg-cluster.sh"), "stop", clusterFolder]) { WorkingDirectory = repositoryRoot });
            stop?.WaitForExit();
            return;
        }

        List<string> databases;
        lock (runDatabases)
        {
            databases = [.. runDatabases];
        }

        foreach (var database in databases)
        {
            try
            {
                Admin($"DROP DATABASE IF EXISTS {Quote(database)} WITH (FORCE)");
            }
            catch (NpgsqlException e)
            {
                Console.WriteLine($"Could not drop the benchmark database {database}: {e.Message}");
            }
        }
    }
}
