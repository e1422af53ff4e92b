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
    public async Task Run_AfterNewEvents_RewalksTheWholeChain()
    {
        await AppendAsync(4);
        await job.VerifyAsync(fromStart: false, default);
        await AppendAsync(3);

        var result = await job.VerifyAsync(fromStart: false, default);

        Assert.Equal(7, result.EventsChecked);
        Assert.Equal(7, result.LastVerifiedSequence);
        Assert.Null(result.FirstBrokenSequence);
    }

    [Fact]
    public async Task Run_RowEditedAfterAVerifiedRun_NamesThatRow()
    {
        await AppendAsync(8);
        Assert.Null((await job.VerifyAsync(fromStart: false, default)).FirstBrokenSequence);
        await RawSqlAsync("UPDATE AuditEvent SET Summary = 'nothing happened' WHERE Sequence = 3");

        var result = await RunAndReadAsync();

        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Contains("edited", result.BrokenReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_RowDeletedAfterAVerifiedRun_NamesTheMissingRow()
    {
        await AppendAsync(8);
        await job.VerifyAsync(fromStart: false, default);
        await RawSqlAsync("DELETE FROM AuditEvent WHERE Sequence = 5");

        var result = await RunAndReadAsync();

        Assert.Equal(5, result.FirstBrokenSequence);
        Assert.Contains("missing", result.BrokenReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TailDeletedAfterAVerifiedRun_NamesTheFirstMissingRow()
    {
        await AppendAsync(8);
        await job.VerifyAsync(fromStart: false, default);
        await RawSqlAsync("DELETE FROM AuditEvent WHERE Sequence >= 7", expectedRows: 2);

        var result = await RunAndReadAsync();

        Assert.Equal(7, result.FirstBrokenSequence);
        Assert.Contains("missing", result.BrokenReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ChainRewrittenWithFreshHashesAfterAVerifiedRun_IsCaughtAtTheCheckpoint()
    {
        // A tamperer who edits row 2 and recomputes every later hash leaves a chain that is consistent
        // in itself; the hash verified last time at the checkpoint (#6) no longer matches.
        await AppendAsync(6);
        await job.VerifyAsync(fromStart: false, default);
        await RewriteFromAsync(2, "forged");

        var result = await RunAndReadAsync();

        Assert.Equal(6, result.FirstBrokenSequence);
        Assert.Contains("checkpoint", result.BrokenReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ChainAndCheckpointRewritten_SignedCheckpointCatchesIt()
    {
        var signed = new VerifyAuditChainJob(database.Factory, clock, NullLogger<VerifyAuditChainJob>.Instance,
            Options.Create(new AuditOptions { CheckpointKey = new string('k', 40) }))
        { BatchSize = 3 };
        await AppendAsync(6);
        await signed.VerifyAsync(fromStart: false, default);
        var newHead = await RewriteFromAsync(2, "forged");
        await RawSqlAsync($"UPDATE AuditChainStatus SET LastVerifiedHash = '{newHead}' WHERE Id = 1");

        var result = await signed.VerifyAsync(fromStart: false, default);

        Assert.Equal(6, result.FirstBrokenSequence);
        Assert.Contains("signature", result.BrokenReason, StringComparison.Ordinal);
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

    /// <summary>Rewrites <paramref name="sequence"/>'s summary and recomputes every hash from there to
    /// the end, as someone with write access and the hashing code could; returns the new last hash.</summary>
    private async Task<string> RewriteFromAsync(long sequence, string summary)
    {
        await using var db = database.CreateContext();
        var rows = await db.Set<AuditEvent>().AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
        var previous = rows.Single(r => r.Sequence == sequence - 1).Hash;
        foreach (var row in rows.Where(r => r.Sequence >= sequence))
        {
            if (row.Sequence == sequence)
            {
                row.Summary = summary;
            }

            row.PreviousHash = previous;
            row.Hash = AuditLog.ComputeHash(row);
            previous = row.Hash;
            await RawSqlAsync($"UPDATE AuditEvent SET Summary = '{row.Summary}', PreviousHash = '{row.PreviousHash}', Hash = '{row.Hash}' WHERE Sequence = {row.Sequence}");
        }

        await RawSqlAsync($"UPDATE AuditChainHead SET LastHash = '{previous}' WHERE Id = 1");
        return previous;
    }

    /// <summary>The scheduled run, then what a later run reports (the finding stays until an auditor re-verifies).</summary>
    private async Task<AuditChainVerification> RunAndReadAsync()
    {
        await job.RunAsync(default);
        return await job.VerifyAsync(fromStart: false, default);
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

    // The app's contexts refuse to touch audit rows and the database's triggers refuse too, so the
    // tamperer goes around both: straight to the file, dropping the triggers first.
    private async Task RawSqlAsync(string sql, int expectedRows = 1)
    {
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using (var drop = connection.CreateCommand())
        {
            drop.CommandText = AuditAppendOnlyTriggers.SqliteDrop;
            await drop.ExecuteNonQueryAsync();
        }

        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.Equal(expectedRows, await command.ExecuteNonQueryAsync());
    }

    public void Dispose() => database.Dispose();
}

