using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Audit;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Audit;

public sealed class AuditLogTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly AuditLog audit = new(TimeProvider.System);
    private readonly StaffUser lead = new("u-1", "lead@example.test");

    [Fact]
    public async Task Append_ThreeEvents_ChainsHashesInSequence()
    {
        await using (var db = database.CreateContext())
        {
            for (var i = 0; i < 3; i++)
            {
                await audit.AppendAsync(db, lead, new AuditEntry("test.kind", "Thing", i.ToString(), $"event {i}"), default);
            }
        }

        await using var read = database.CreateContext();
        var events = await read.Set<AuditEvent>().OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Sequence));
        Assert.Equal(AuditChainHead.GenesisHash, events[0].PreviousHash);
        Assert.Equal(events[0].Hash, events[1].PreviousHash);
        Assert.Equal(events[1].Hash, events[2].PreviousHash);
        Assert.All(events, e => Assert.Equal(AuditLog.ComputeHash(e), e.Hash));
    }

    [Fact]
    public async Task ComputeHash_AnyFieldEdited_ChangesHash()
    {
        await using var db = database.CreateContext();
        var appended = await audit.AppendAsync(db, lead, new AuditEntry("flag.decided", "Flag", "42", "Violation"), default);
        var original = appended.Hash;

        appended.Summary = "No violation";

        Assert.NotEqual(original, AuditLog.ComputeHash(appended));
    }

    [Fact]
    public async Task Append_RolledBackTransaction_LeavesChainUntouched()
    {
        await using (var db = database.CreateContext())
        {
            await db.InTransactionAsync(
                async ct => await audit.AppendAsync(db, lead, new AuditEntry("test.kind", "Thing", "1", "rolled back"), ct),
                commitWhen: _ => false);
        }

        await using var read = database.CreateContext();
        Assert.Equal(0, await read.Set<AuditEvent>().CountAsync());
        var head = await read.Set<AuditChainHead>().SingleAsync();
        Assert.Equal(0, head.Sequence);
    }

    [Fact]
    public async Task Append_ConcurrentWriters_KeepOneGaplessChain()
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, 40), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            await using var db = database.CreateContext();
            await audit.AppendAsync(db, lead, new AuditEntry("test.kind", "Thing", i.ToString(), "parallel"), ct);
        });

        await using var read = database.CreateContext();
        var events = await read.Set<AuditEvent>().OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), events.Select(e => e.Sequence));
        for (var i = 1; i < events.Count; i++)
        {
            Assert.Equal(events[i - 1].Hash, events[i].PreviousHash);
        }
    }

    public void Dispose() => database.Dispose();
}
