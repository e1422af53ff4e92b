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
    public static Task<T> InTransactionAsync<T>(
        this DbContext db,
        Func<CancellationToken, Task<T>> work,
        CancellationToken cancellationToken = default)
        => db.InTransactionAsync(work, static _ => true, cancellationToken);

    /// <summary>Runs the unit and commits only when <paramref name="commitWhen"/> accepts its
    /// result; otherwise everything the unit wrote is rolled back and the result returned (a
    /// refused decision after a partial write, say). Joined to an outer unit, a refusal throws,
    /// since the outer unit could otherwise commit half of it.</summary>
    public static async Task<T> InTransactionAsync<T>(
        this DbContext db,
        Func<CancellationToken, Task<T>> work,
        Func<T, bool> commitWhen,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(commitWhen);
        if (db.Database.CurrentTransaction is not null)
        {
            var joined = await work(cancellationToken);
            return commitWhen(joined)
                ? joined
                : throw new InvalidOperationException("A unit of work joined to an outer transaction refused to commit; the outer unit must not commit either.");
        }

        var attempt = 0;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(
            (work, commitWhen),
            async (context, state, token) =>
            {
                if (attempt++ > 0)
                {
                    context.ChangeTracker.Clear();
                }

                await using var transaction = await context.Database.BeginTransactionAsync(token);
                var result = await state.work(token);
                if (state.commitWhen(result))
                {
                    await transaction.CommitAsync(token);
                }
                else
                {
                    await transaction.RollbackAsync(token);
                }

                return result;
            },
            verifySucceeded: null,
            cancellationToken);
    }

    public static Task InTransactionAsync(
        this DbContext db,
        Func<CancellationToken, Task> work,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return db.InTransactionAsync<bool>(
            async token =>
            {
                await work(token);
                return true;
            },
            cancellationToken);
    }
}
