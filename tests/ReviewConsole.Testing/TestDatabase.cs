using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;

namespace ReviewConsole.Testing;

/// <summary>
/// A fresh, fully migrated database per test. On SQLite (the default) the migrations run once per
/// test process into a template file that each test copies. With <see cref="PostgresVariable"/> or
/// <see cref="SqlServerVariable"/> set to a connection string (an account that may create and drop
/// databases), each test gets its own database on that server instead, dropped when it is disposed:
/// on PostgreSQL a copy of a template database migrated once per process, on SQL Server a database
/// migrated for the test.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    /// <summary>A PostgreSQL connection string: run the tests on that server (test.sh sets it for its PostgreSQL run).</summary>
    public const string PostgresVariable = "REVIEWCONSOLE_TEST_POSTGRES";

    /// <summary>A SQL Server connection string: run the tests on that server.</summary>
    public const string SqlServerVariable = "REVIEWCONSOLE_TEST_SQLSERVER";

    private static readonly string Root = Path.Combine(Path.GetTempPath(), "reviewconsole-tests", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
    private static readonly Lazy<string> Template = new(CreateTemplate, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<ServerDatabases?> Server = new(ServerDatabases.FromEnvironment, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string? serverDatabaseName;
    private readonly string? filePath;

    public TestDatabase()
        : this(migrated: true)
    {
    }

    private TestDatabase(bool migrated)
    {
        if (Server.Value is { } server)
        {
            serverDatabaseName = "rc_test_" + Guid.NewGuid().ToString("N");
            ConnectionString = server.Create(serverDatabaseName, migrated);
        }
        else
        {
            Directory.CreateDirectory(Root);
            filePath = Path.Combine(Root, $"{(migrated ? "db" : "empty")}-{Guid.NewGuid():N}.db");
            if (migrated)
            {
                File.Copy(Template.Value, filePath);
            }

            ConnectionString = new SqliteConnectionStringBuilder { DataSource = filePath }.ToString();
        }

        Options = AppDbContextOptions.Build(Provider, ConnectionString);
        Factory = new TestDbContextFactory(Options);
    }

    /// <summary>The provider every test database of this process is on (set by the environment variables above).</summary>
    public static DatabaseProvider CurrentProvider => Server.Value?.Provider ?? DatabaseProvider.Sqlite;

    public DatabaseProvider Provider { get; } = CurrentProvider;

    /// <summary>The SQLite file; SQLite only (see <see cref="CurrentProvider"/>).</summary>
    public string FilePath => filePath ?? throw new InvalidOperationException($"This test database is on {Provider}, not a SQLite file.");

    /// <summary>What names this database where it lives: the SQLite file's path or the server database's name.</summary>
    public string Name => filePath ?? serverDatabaseName!;

    public string ConnectionString { get; }

    public DbContextOptions<AppDbContext> Options { get; }

    public IDbContextFactory<AppDbContext> Factory { get; }

    public AppDbContext CreateContext() => new(Options);

    /// <summary>An empty (unmigrated) database of the current provider, for migration tests.</summary>
    public static TestDatabase CreateEmpty() => new(migrated: false);

    /// <summary>
    /// Runs one statement on a plain ADO.NET connection, outside EF and its interceptors (the audit
    /// trail's append-only guard among them), as someone with database access would. Quote
    /// identifiers with double quotes ("AuditEvent"), which all three providers accept.
    /// </summary>
    public async Task<int> ExecuteRawAsync(string sql)
    {
        await using var db = CreateContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Drops the audit trail's append-only triggers, as a tamperer with DDL rights would
    /// have to before editing audit rows (tests of what the verification then finds).</summary>
    public async Task DropAuditTriggersAsync()
    {
        var statements = Provider switch
        {
            DatabaseProvider.Sqlite => [ReviewConsole.Data.Audit.AuditAppendOnlyTriggers.SqliteDrop],
            DatabaseProvider.Postgres => [ReviewConsole.Data.Audit.AuditAppendOnlyTriggers.PostgresDrop],
            _ => ReviewConsole.Data.Audit.AuditAppendOnlyTriggers.SqlServerDrop,
        };
        foreach (var statement in statements)
        {
            await ExecuteRawAsync(statement);
        }
    }

    public void Dispose()
    {
        if (serverDatabaseName is not null)
        {
            Server.Value!.Drop(serverDatabaseName, ConnectionString);
            return;
        }

        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try
            {
                File.Delete(filePath + suffix);
            }
            catch (IOException)
            {
                // A connection still open elsewhere in the process; the temp folder is per process.
            }
        }
    }

    private static string CreateTemplate()
    {
        Directory.CreateDirectory(Root);
        var path = Path.Combine(Root, "template.db");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        using (var db = new AppDbContext(AppDbContextOptions.Build(DatabaseProvider.Sqlite, connectionString)))
        {
            db.Database.Migrate();
            db.Database.ExecuteSqlRaw("PRAGMA wal_checkpoint(TRUNCATE);");
        }

        return path;
    }

    /// <summary>Runs statements on the server's administrative connection (the one in the variable).</summary>
    internal static void ExecuteAdmin(DbConnection connection, params string[] statements)
    {
        connection.Open();
        foreach (var statement in statements)
        {
            using var command = connection.CreateCommand();
            command.CommandText = statement;
            command.CommandTimeout = 120;
            command.ExecuteNonQuery();
        }
    }
}

public sealed class TestDbContextFactory(DbContextOptions<AppDbContext> options) : IDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext() => new(options);
}
