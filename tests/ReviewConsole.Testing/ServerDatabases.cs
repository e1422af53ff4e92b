using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ReviewConsole.Data;
using ReviewConsole.Infrastructure.BackgroundJobs;

namespace ReviewConsole.Testing;

/// <summary>
/// Creates and drops the per-test databases on a database server named by an environment variable
/// (see <see cref="TestDatabase"/>). The variable's connection string is the administrative one:
/// its database is only used to run CREATE/DROP DATABASE.
/// </summary>
internal abstract class ServerDatabases(string adminConnectionString)
{
    protected string AdminConnectionString { get; } = adminConnectionString;

    public abstract DatabaseProvider Provider { get; }

    public static ServerDatabases? FromEnvironment()
    {
        var postgres = Environment.GetEnvironmentVariable(TestDatabase.PostgresVariable);
        var sqlServer = Environment.GetEnvironmentVariable(TestDatabase.SqlServerVariable);
        if (!string.IsNullOrWhiteSpace(postgres) && !string.IsNullOrWhiteSpace(sqlServer))
        {
            throw new InvalidOperationException(
                $"Set {TestDatabase.PostgresVariable} or {TestDatabase.SqlServerVariable}, not both: one test run uses one database server.");
        }

        if (!string.IsNullOrWhiteSpace(postgres))
        {
            return new PostgresDatabases(postgres);
        }

        return string.IsNullOrWhiteSpace(sqlServer) ? null : new SqlServerDatabases(sqlServer);
    }

    /// <summary>Creates the database (migrated or empty) and returns its connection string.</summary>
    public abstract string Create(string name, bool migrated);

    /// <summary>Drops the database, ending any connection still open to it (a host's pool, Hangfire).</summary>
    public abstract void Drop(string name, string connectionString);

    protected static void Migrate(DatabaseProvider provider, string connectionString)
    {
        using var db = new AppDbContext(AppDbContextOptions.Build(provider, connectionString));
        db.Database.Migrate();
    }
}

/// <summary>
/// PostgreSQL: the migrations (and Hangfire's schema) run once per test process into a template
/// database; each test's database is a <c>CREATE DATABASE ... TEMPLATE</c> copy of it, which takes
/// milliseconds. The template is dropped when the process exits.
/// </summary>
internal sealed class PostgresDatabases : ServerDatabases
{
    private readonly Lazy<string> template;

    public PostgresDatabases(string adminConnectionString)
        : base(adminConnectionString)
    {
        template = new Lazy<string>(CreateTemplate, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public override string Create(string name, bool migrated)
    {
        var command = migrated
            ? $"CREATE DATABASE \"{name}\" TEMPLATE \"{template.Value}\""
            : $"CREATE DATABASE \"{name}\"";
        using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            TestDatabase.ExecuteAdmin(admin, command);
        }

        return ConnectionStringFor(name, pooling: true);
    }

    public override void Drop(string name, string connectionString)
    {
        using (var connection = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        using var admin = new NpgsqlConnection(AdminConnectionString);
        TestDatabase.ExecuteAdmin(admin, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    private string CreateTemplate()
    {
        var name = $"rc_template_{Environment.ProcessId}_{Guid.NewGuid().ToString("N")[..8]}";
        using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            TestDatabase.ExecuteAdmin(admin, $"CREATE DATABASE \"{name}\"");
        }

        // Unpooled: CREATE DATABASE ... TEMPLATE refuses a template that has open connections.
        var connectionString = ConnectionStringFor(name, pooling: false);
        Migrate(DatabaseProvider.Postgres, connectionString);

        // Hangfire's tables too, as the app would create them on its first start: every test app
        // then starts on a ready schema.
        var options = BackgroundJobsSetup.PostgresStorageOptions();
        _ = new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                using var admin = new NpgsqlConnection(AdminConnectionString);
                TestDatabase.ExecuteAdmin(admin, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            }
            catch (NpgsqlException)
            {
                // The server went first (test.sh stops its throwaway cluster); nothing left to drop.
            }
        };
        return name;
    }

    private string ConnectionStringFor(string database, bool pooling) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Pooling = pooling }.ConnectionString;
}

/// <summary>
/// SQL Server: each test's database is created and migrated for it (SQL Server has no cheap copy
/// of a database by name), then dropped with its connections rolled back.
/// </summary>
internal sealed class SqlServerDatabases(string adminConnectionString) : ServerDatabases(adminConnectionString)
{
    public override DatabaseProvider Provider => DatabaseProvider.SqlServer;

    public override string Create(string name, bool migrated)
    {
        using (var admin = new SqlConnection(AdminConnectionString))
        {
            TestDatabase.ExecuteAdmin(admin, $"CREATE DATABASE [{name}]");
        }

        var connectionString = new SqlConnectionStringBuilder(AdminConnectionString) { InitialCatalog = name }.ConnectionString;
        if (migrated)
        {
            Migrate(DatabaseProvider.SqlServer, connectionString);
        }

        return connectionString;
    }

    public override void Drop(string name, string connectionString)
    {
        using (var connection = new SqlConnection(connectionString))
        {
            SqlConnection.ClearPool(connection);
        }

        using var admin = new SqlConnection(AdminConnectionString);
        TestDatabase.ExecuteAdmin(
            admin,
            $"IF DB_ID(N'{name}') IS NOT NULL ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE",
            $"IF DB_ID(N'{name}') IS NOT NULL DROP DATABASE [{name}]");
    }
}
