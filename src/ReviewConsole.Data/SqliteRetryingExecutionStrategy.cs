using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ReviewConsole.Data;

/// <summary>
/// SQLite's execution strategy, retrying like SQL Server's and PostgreSQL's: a unit that meets a
/// busy or locked database (SQLITE_BUSY, SQLITE_LOCKED — e.g. a read transaction that cannot be
/// upgraded while another connection writes) is re-run whole. Being a retrying strategy, it
/// refuses user transactions it did not start, exactly as the server providers do, so an
/// unwrapped <c>BeginTransactionAsync</c> fails every test that reaches it instead of failing
/// only in production.
/// </summary>
public sealed class SqliteRetryingExecutionStrategy(ExecutionStrategyDependencies dependencies)
    : ExecutionStrategy(dependencies, MaxRetries, TimeSpan.FromMilliseconds(500))
{
    private const int MaxRetries = 6;
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    protected override bool ShouldRetryOn(Exception exception)
        => exception is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked };
}
