using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;

namespace ReviewConsole.Testing;

/// <summary>
/// A fresh, fully migrated SQLite database file per test. The migrations run once per test
/// process into a template file; each test copies it (much faster than migrating every time).
/// </summary>
public sealed class TestDatabase : IDisposable
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "reviewconsole-tests", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    private static readonly Lazy<string> Template = new(CreateTemplate, LazyThreadSafetyMode.ExecutionAndPublication);

    public TestDatabase()
    {
        FilePath = Path.Combine(Root, $"db-{Guid.NewGuid():N}.db");
        File.Copy(Template.Value, FilePath);
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = FilePath }.ToString();
        Options = AppDbContextOptions.Build(DatabaseProvider.Sqlite, ConnectionString);
        Factory = new TestDbContextFactory(Options);
    }

    public string FilePath { get; }

    public string ConnectionString { get; }

    public DbContextOptions<AppDbContext> Options { get; }

    public IDbContextFactory<AppDbContext> Factory { get; }

    public AppDbContext CreateContext() => new(Options);

    /// <summary>An empty (unmigrated) database file path, for migration tests.</summary>
    public static string NewEmptyFile()
    {
        Directory.CreateDirectory(Root);
        return Path.Combine(Root, $"empty-{Guid.NewGuid():N}.db");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try
            {
                File.Delete(FilePath + suffix);
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
}

public sealed class TestDbContextFactory(DbContextOptions<AppDbContext> options) : IDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext() => new(options);
}
