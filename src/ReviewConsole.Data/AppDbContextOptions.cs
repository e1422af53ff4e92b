using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Audit;

namespace ReviewConsole.Data;

/// <summary>One place that turns (provider, connection string) into context options, shared by the
/// host, the design-time factories and the tests, so all of them see the same model.</summary>
public static class AppDbContextOptions
{
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                options.UseSqlite(connectionString, sqlite => sqlite
                        .MigrationsAssembly(MigrationAssemblies.Sqlite)
                        .ExecutionStrategy(dependencies => new SqliteRetryingExecutionStrategy(dependencies)))
                    .AddInterceptors(SqlitePragmaInterceptor.Instance);
                break;
            case DatabaseProvider.SqlServer:
                options.UseSqlServer(connectionString, sql =>
                {
                    sql.MigrationsAssembly(MigrationAssemblies.SqlServer);
                    sql.EnableRetryOnFailure(3);
                });
                break;
            case DatabaseProvider.Postgres:
                options.UseNpgsql(connectionString, npgsql =>
                {
                    npgsql.MigrationsAssembly(MigrationAssemblies.Postgres);
                    npgsql.EnableRetryOnFailure(3);
                });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider.");
        }

        // Every context of the app (host factory, Identity's scoped context, jobs, tests) is built
        // here, so the audit trail's append-only guard cannot be bypassed by a differently built one,
        // and every saved decision label reaches its classifier's counters.
        options.AddInterceptors(AuditAppendOnlyInterceptor.Instance, AuditCommandGuard.Instance, Flags.ClassifierLabelCountInterceptor.Instance);

        return options;
    }

    public static DbContextOptions<AppDbContext> Build(DatabaseProvider provider, string connectionString)
    {
        var builder = new DbContextOptionsBuilder<AppDbContext>();
        Configure(builder, provider, connectionString);
        return builder.Options;
    }

    /// <summary>Makes a relative SQLite data source absolute under <paramref name="baseDirectory"/>
    /// and creates its folder, so the database lands in the content root's data/ wherever the
    /// process was started from.</summary>
    public static string ResolveSqlite(string connectionString, string baseDirectory)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var source = builder.DataSource;
        if (string.IsNullOrEmpty(source) || source == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            return connectionString;
        }

        if (!Path.IsPathRooted(source))
        {
            source = Path.GetFullPath(Path.Combine(baseDirectory, source));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        builder.DataSource = source;
        return builder.ToString();
    }
}
