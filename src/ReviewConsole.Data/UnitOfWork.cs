using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ReviewConsole.Data;

/// <summary>
/// The one way to run a unit of work: the provider's execution strategy outside, a transaction
/// inside. A transient failure (SQL Server or PostgreSQL failover, SQLite busy) re-runs the whole
/// unit, so the work must be re-runnable: it reads what it needs inside the delegate. Before a
/// retry the change tracker is cleared, so nothing half-saved from the failed attempt leaks in.
/// Called inside a unit that is already running, it joins that unit's transaction.
/// A service never calls <c>BeginTransactionAsync</c> by hand: with a retrying strategy (every
/// provider here has one) EF refuses a transaction the strategy did not start.
/// </summary>
public static class UnitOfWork
{
    public static async Task<T> InTransactionAsync<T>(
        this DbContext db,
        Func<CancellationToken, Task<T>> work,
        CancellationToken cancellationToken = default,
        IsolationLevel? isolationLevel = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(work);
        if (db.Database.CurrentTransaction is not null)
        {
            return await work(cancellationToken);
        }

        var attempt = 0;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(
            (db, work, isolationLevel),
            async (context, state, token) =>
            {
                if (attempt++ > 0)
                {
                    context.ChangeTracker.Clear();
                }

                await using var transaction = state.isolationLevel is { } level
                    ? await context.Database.BeginTransactionAsync(level, token)
                    : await context.Database.BeginTransactionAsync(token);
                var result = await state.work(token);
                await transaction.CommitAsync(token);
                return result;
            },
            verifySucceeded: null,
            cancellationToken);
    }

    public static Task InTransactionAsync(
        this DbContext db,
        Func<CancellationToken, Task> work,
        CancellationToken cancellationToken = default,
        IsolationLevel? isolationLevel = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        return db.InTransactionAsync<bool>(
            async token =>
            {
                await work(token);
                return true;
            },
            cancellationToken,
            isolationLevel);
    }
}
