using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Audit;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Audit;

public sealed class VerifyAuditChainJobTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
    private readonly AuditLog audit;
    private readonly VerifyAuditChainJob job;
    private readonly StaffUser lead = new("u-1", "lead@example.test");

    public VerifyAuditChainJobTests()
    {
        audit = new AuditLog(clock);
        job = new VerifyAuditChainJob(database.Factory, clock, NullLogger<VerifyAuditChainJob>.Instance) { BatchSize = 3 };
    }

    [Fact]
    public async Task Run_IntactChainAcrossBatches_VerifiesEveryEvent()
    {
        await AppendAsync(10);

        var result = await job.VerifyAsync(fromStart: false, default);

        Assert.Null(result.FirstBrokenSequence);
        Assert.Equal(10, result.LastVerifiedSequence);
        Assert.Equal(10, result.EventsChecked);
        var state = await Query().ChainStateAsync(default);
        Assert.False(state.Broken);
        Assert.Equal(10, state.LastVerifiedSequence);
        Assert.Equal(clock.GetUtcNow(), state.CheckedAt);
    }

    [Fact]
    public async Task Run_AfterNewEvents_ChecksOnlyTheNewOnes()
    {
        await AppendAsync(4);
        await job.VerifyAsync(fromStart: false, default);
        await AppendAsync(3);

        var result = await job.VerifyAsync(fromStart: false, default);

        Assert.Equal(3, result.EventsChecked);
        Assert.Equal(7, result.LastVerifiedSequence);
        Assert.Null(result.FirstBrokenSequence);
    }

    [Fact]
    public async Task Run_RowEditedWithRawSql_NamesThatRowsSequence()
    {
        await AppendAsync(8);
        await RawSqlAsync("UPDATE AuditEvent SET Summary = 'nothing happened' WHERE Sequence = 6");

        var result = await job.VerifyAsync(fromStart: false, default);

        Assert.Equal(6, result.FirstBrokenSequence);
        Assert.Equal(5, result.LastVerifiedSequence);
        Assert.Contains("edited", result.BrokenReason, StringComparison.Ordinal);
        var state = await Query().ChainStateAsync(default);
        Assert.True(state.Broken);
        Assert.Equal(6, state.FirstBrokenSequence);
    }

    [Fact]
    public async Task Run_RowEditedAndRehashed_BreaksAtTheNextLink()
    {
        // A tamperer who recomputes the edited row's own hash still breaks the link of the row after it.
        await AppendAsync(5);
        await using (var db = database.CreateContext())
        {
            var row = await db.Set<AuditEvent>().AsNoTracking().SingleAsync(e => e.Sequence == 3);
            row.Summary = "forged";
            var forgedHash = AuditLog.ComputeHash(row);
            await RawSqlAsync($"UPDATE AuditEvent SET Summary = 'forged', Hash = '{forgedHash}' WHERE Sequence = 3");
        }

        var result = await job.VerifyAsync(fromStart: false, default);

        Assert.Equal(4, result.FirstBrokenSequence);
        Assert.Contains("previous-hash", result.BrokenReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_RowDeleted_NamesTheMissingSequence()
    {
        await AppendAsync(6);
        await RawSqlAsync("DELETE FROM AuditEvent WHERE Sequence = 4");

        var result = await job.VerifyAsync(fromStart: false, default);

        Assert.Equal(4, result.FirstBrokenSequence);
        Assert.Contains("missing", result.BrokenReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AfterBreak_KeepsReportingTheFirstBrokenEvent()
    {
        await AppendAsync(4);
        await RawSqlAsync("UPDATE AuditEvent SET ActorName = 'someone else' WHERE Sequence = 2");
        await job.VerifyAsync(fromStart: false, default);
        await AppendAsync(2);

        var again = await job.VerifyAsync(fromStart: false, default);

        Assert.Equal(2, again.FirstBrokenSequence);
    }

    [Fact]
    public async Task VerifyNow_AfterBreakWasRepaired_ClearsTheFinding()
    {
        await AppendAsync(3);
        await RawSqlAsync("UPDATE AuditEvent SET Summary = 'forged' WHERE Sequence = 2");
        await job.VerifyAsync(fromStart: false, default);
        await RawSqlAsync("UPDATE AuditEvent SET Summary = 'event 1' WHERE Sequence = 2");

        var state = await Query().VerifyNowAsync(default);

        Assert.False(state.Broken);
        Assert.Equal(3, state.LastVerifiedSequence);
    }

    private AuditQueryService Query() => new(database.Factory, audit, Options.Create(new AuditOptions()), job);

    private async Task AppendAsync(int count)
    {
        await using var db = database.CreateContext();
        for (var i = 0; i < count; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await audit.AppendAsync(db, lead, new AuditEntry("test.kind", "Thing", i.ToString(System.Globalization.CultureInfo.InvariantCulture), $"event {i}"), default);
        }
    }

    // The app's contexts refuse to touch audit rows, so the tamperer goes around them, straight to the file.
    private async Task RawSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    public void Dispose() => database.Dispose();
}
