using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Data;

public sealed class SqlitePragmaTests
{
    [Fact]
    public async Task Connection_WaitsForABusyDatabaseAndWritesThroughWal_SettingsAppliedOncePerPooledHandle()
    {
        Assert.Equal(DatabaseProvider.Sqlite, TestDatabase.CurrentProvider);
        using var database = new TestDatabase();
        await using (var db = database.CreateContext())
        {
            Assert.Equal(10_000L, await ScalarAsync(db, "PRAGMA busy_timeout"));
            Assert.Equal("wal", await ScalarAsync(db, "PRAGMA journal_mode"));
            Assert.Equal(1L, await ScalarAsync(db, "PRAGMA synchronous")); // NORMAL

            // Changed on this handle: the next context gets the same pooled handle, and it is not
            // configured a second time.
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous = FULL");
        }

        await using (var db = database.CreateContext())
        {
            Assert.Equal(2L, await ScalarAsync(db, "PRAGMA synchronous")); // FULL: the pragmas did not run again
            Assert.Equal(10_000L, await ScalarAsync(db, "PRAGMA busy_timeout"));
        }
    }

    private static async Task<object?> ScalarAsync(AppDbContext db, string sql)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            return await command.ExecuteScalarAsync();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
