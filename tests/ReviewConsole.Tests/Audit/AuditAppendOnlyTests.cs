using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.System;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Audit;

public sealed class AuditAppendOnlyTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly AuditLog audit = new(TimeProvider.System);
    private readonly StaffUser admin = new("u-1", "admin@example.test");

    [Fact]
    public async Task SaveChanges_AuditEventModified_Throws()
    {
        await AppendAsync("original");
        await using var db = database.CreateContext();
        var stored = await db.Set<AuditEvent>().SingleAsync();
        stored.Summary = "rewritten";

        var error = await Assert.ThrowsAsync<AuditTamperingException>(() => db.SaveChangesAsync());

        Assert.Contains("#1", error.Message, StringComparison.Ordinal);
        await using var read = database.CreateContext();
        Assert.Equal("original", (await read.Set<AuditEvent>().SingleAsync()).Summary);
    }

    [Fact]
    public async Task SaveChanges_AuditEventDeleted_Throws()
    {
        await AppendAsync("kept");
        await using var db = database.CreateContext();
        db.Remove(await db.Set<AuditEvent>().SingleAsync());

        await Assert.ThrowsAsync<AuditTamperingException>(() => db.SaveChangesAsync());

        await using var read = database.CreateContext();
        Assert.Equal(1, await read.Set<AuditEvent>().CountAsync());
    }

    [Fact]
    public async Task ExecuteUpdateAndDelete_OnAuditEvents_AreRefused()
    {
        await AppendAsync("kept");
        await using var db = database.CreateContext();

        await Assert.ThrowsAsync<AuditTamperingException>(() => db.Set<AuditEvent>().ExecuteUpdateAsync(s => s.SetProperty(e => e.Summary, "x")));
        await Assert.ThrowsAsync<AuditTamperingException>(() => db.Set<AuditEvent>().ExecuteDeleteAsync());
        await Assert.ThrowsAsync<AuditTamperingException>(() => db.Database.ExecuteSqlRawAsync("UPDATE \"AuditEvent\" SET \"Summary\" = 'x'"));

        await using var read = database.CreateContext();
        Assert.Equal("kept", (await read.Set<AuditEvent>().SingleAsync()).Summary);
    }

    [Fact]
    public async Task Append_WithOtherPendingUpdatesInSameSave_IsAllowed()
    {
        await using (var seed = database.CreateContext())
        {
            seed.JobHeartbeats.Add(new JobHeartbeat { Name = "x", LastRunAt = DateTimeOffset.UnixEpoch });
            await seed.SaveChangesAsync();
        }

        await using var db = database.CreateContext();
        var heartbeat = await db.JobHeartbeats.SingleAsync();
        heartbeat.Node = "changed";

        await audit.AppendAsync(db, admin, new AuditEntry("test.kind", "Thing", "1", "with an update"), default);

        await using var read = database.CreateContext();
        Assert.Equal("changed", (await read.JobHeartbeats.SingleAsync()).Node);
        Assert.Equal(1, await read.Set<AuditEvent>().CountAsync());
    }

    [Theory]
    [InlineData("UPDATE \"AuditEvent\" AS \"a\" SET \"Summary\" = @p", true)]
    [InlineData("UPDATE [a] SET [a].[Summary] = @p FROM [AuditEvent] AS [a]", true)]
    [InlineData("DELETE FROM \"AuditEvent\" AS \"a\"", true)]
    [InlineData("DELETE FROM [a] FROM [AuditEvent] AS [a] WHERE [a].[Id] = 1", true)]
    [InlineData("SET NOCOUNT ON; UPDATE [dbo].[AuditEvent] SET [Hash] = 'x'", true)]
    [InlineData("UPDATE \"Flag\" SET \"Status\" = 2 WHERE \"Id\" = 1; INSERT INTO \"AuditEvent\" (\"Summary\") VALUES (@p0)", false)]
    [InlineData("UPDATE \"AuditChainHead\" AS \"a\" SET \"Sequence\" = \"a\".\"Sequence\" + 1", false)]
    [InlineData("SELECT * FROM \"AuditEvent\"", false)]
    [InlineData("TRUNCATE TABLE [AuditEvent]", true)]
    [InlineData("DROP TABLE \"AuditEvent\"", true)]
    [InlineData("ALTER TABLE \"AuditEvent\" DISABLE TRIGGER ALL", true)]
    [InlineData("DISABLE TRIGGER [TR_AuditEvent_AppendOnly] ON [AuditEvent]", true)]
    [InlineData("DROP TRIGGER \"TR_AuditEvent_NoUpdate\"", true)]
    [InlineData("DROP TABLE [AuditEventGuard]", true)]
    [InlineData("WITH x AS (SELECT 1 AS n) UPDATE \"AuditEvent\" SET \"Summary\" = 'y'", true)]
    [InlineData("WITH doomed AS (SELECT Id FROM AuditEvent WHERE Sequence = 4) DELETE FROM AuditEvent WHERE Id IN (SELECT Id FROM doomed)", true)]
    [InlineData("/* housekeeping */ UPDATE AuditEvent SET Summary = 'x'", true)]
    [InlineData("-- fix a typo\nDELETE FROM AuditEvent WHERE Sequence = 2", true)]
    [InlineData("EXEC(N'DELETE FROM [AuditEvent]')", true)]
    [InlineData("INSERT OR REPLACE INTO \"AuditEvent\" (\"Id\", \"Summary\") VALUES (1, 'x')", true)]
    [InlineData("INSERT INTO \"AuditEvent\" (\"Summary\") VALUES ('y') ON CONFLICT (\"Id\") DO UPDATE SET \"Summary\" = 'z'", true)]
    [InlineData("MERGE INTO [AuditEvent] AS t USING (SELECT 1 AS Id) AS s ON t.Id = s.Id WHEN MATCHED THEN DELETE;", true)]
    [InlineData("INSERT INTO \"AuditEvent\" (\"Summary\") VALUES ('please update and delete the key')", false)]
    [InlineData("UPDATE \"Flag\" SET \"Note\" = 'see AuditEvent 4' WHERE \"Id\" = 1", false)]
    [InlineData(AuditAppendOnlyTriggers.SqliteCreate, false)]
    public void IsTampering_Statements_ClassifiesByStatement(string sql, bool expected) =>
        Assert.Equal(expected, AuditCommandGuard.IsTampering(sql));

    [Fact]
    public void IsTampering_SqlServerMigrationScripts_AreAllowed() =>
        Assert.All(AuditAppendOnlyTriggers.SqlServerCreate, sql => Assert.False(AuditCommandGuard.IsTampering(sql)));

    [Theory]
    [InlineData("UPDATE AuditEvent SET Summary = 'rewritten' WHERE Sequence = 1")]
    [InlineData("DELETE FROM AuditEvent WHERE Sequence = 1")]
    [InlineData("DELETE FROM AuditEvent")]
    public async Task Database_UpdateOrDeleteAroundTheApp_IsRefusedByTheTriggers(string sql)
    {
        await AppendAsync("kept");
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;

        var error = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => command.ExecuteNonQueryAsync());

        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
        await using var read = database.CreateContext();
        Assert.Equal("kept", (await read.Set<AuditEvent>().SingleAsync()).Summary);
    }

    private async Task AppendAsync(string summary)
    {
        await using var db = database.CreateContext();
        await audit.AppendAsync(db, admin, new AuditEntry("test.kind", "Thing", "1", summary), default);
    }

    public void Dispose() => database.Dispose();
}
