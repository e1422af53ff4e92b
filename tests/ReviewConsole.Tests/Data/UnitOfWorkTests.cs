using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Audit;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Data;

public sealed class UnitOfWorkTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly AuditLog audit = new(TimeProvider.System);
    private readonly StaffUser lead = new("lead-1", "lead@example.test");

    [Fact]
    public async Task BeginTransaction_OutsideTheHelper_IsRefusedLikeOnSqlServer()
    {
        await using var db = database.CreateContext();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await audit.AppendAsync(db, lead, new AuditEntry("test.kind", "Thing", "1", "unwrapped"), default);
        });

        Assert.Contains("execution strategy", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task InTransaction_TransientFailure_RerunsTheWholeUnitOnce()
    {
        var attempts = 0;
        await using (var db = database.CreateContext())
        {
            await db.InTransactionAsync(async ct =>
            {
                attempts++;
                await audit.AppendAsync(db, lead, new AuditEntry("test.kind", "Thing", "1", "attempt " + attempts), ct);
                if (attempts == 1)
                {
                    throw new SqliteException("database is locked", 5);
                }
            });
        }

        await using var read = database.CreateContext();
        var events = await read.Set<AuditEvent>().ToListAsync();
        Assert.Equal(2, attempts);
        var only = Assert.Single(events);
        Assert.Equal("attempt 2", only.Summary);
        Assert.Equal(1, (await read.Set<AuditChainHead>().SingleAsync()).Sequence);
    }

    [Fact]
    public async Task InTransaction_RefusedResult_RollsBackEverything()
    {
        await using (var db = database.CreateContext())
        {
            var result = await db.InTransactionAsync(
                async ct =>
                {
                    await audit.AppendAsync(db, lead, new AuditEntry("test.kind", "Thing", "1", "refused"), ct);
                    return "refused";
                },
                commitWhen: r => r != "refused");
            Assert.Equal("refused", result);
        }

        await using var read = database.CreateContext();
        Assert.Equal(0, await read.Set<AuditEvent>().CountAsync());
    }

    [Fact]
    public async Task InTransaction_Nested_JoinsTheOuterUnit()
    {
        await using (var db = database.CreateContext())
        {
            await db.InTransactionAsync(async ct =>
            {
                await audit.AppendAsync(db, lead, new AuditEntry("test.kind", "Thing", "1", "outer"), ct);
                await db.InTransactionAsync(inner => audit.AppendAsync(db, lead, new AuditEntry("test.kind", "Thing", "2", "inner"), inner), ct);
                return false;
            }, commitWhen: committed => committed);
        }

        await using var read = database.CreateContext();
        Assert.Equal(0, await read.Set<AuditEvent>().CountAsync());
    }

    public void Dispose() => database.Dispose();
}
