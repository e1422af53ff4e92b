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
    public void IsTampering_Statements_ClassifiesByStatement(string sql, bool expected) =>
        Assert.Equal(expected, AuditCommandGuard.IsTampering(sql));

    private async Task AppendAsync(string summary)
    {
        await using var db = database.CreateContext();
        await audit.AppendAsync(db, admin, new AuditEntry("test.kind", "Thing", "1", summary), default);
    }

    public void Dispose() => database.Dispose();
}
