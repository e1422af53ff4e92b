using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ReviewConsole.Data.Enforcement;

namespace ReviewConsole.Features.Enforcement;

/// <summary>
/// Enforcement starts at commit, from one place no caller can forget: every context of the app
/// carries this interceptor. It notes the <see cref="EnforcementAction"/> rows a save adds as
/// Pending (or moves to Pending), and hands them to <see cref="EnforcementDispatcher"/> right after
/// the transaction that wrote them commits — or right after the save when there is no transaction.
/// A rolled-back or failed transaction hands over nothing (the rows do not exist). Actions made
/// Pending by bulk updates (approval, re-queue) are not seen here; those callers enqueue themselves.
/// </summary>
public sealed class EnforcementCommitInterceptor(EnforcementDispatcher dispatcher) : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbContext, Pending> pending = new();

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Stage(eventData);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Stage(eventData);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData);
        return result;
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => Unstage(eventData);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Unstage(eventData);
        return Task.CompletedTask;
    }

    public void SaveChangesCanceled(DbContextEventData eventData) => Unstage(eventData);

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Unstage(eventData);
        return Task.CompletedTask;
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Forget(eventData.Context);
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        // A unit re-run by the execution strategy starts a new transaction: whatever the failed
        // attempt staged was rolled back with it.
        Forget(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Dispatch(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Dispatch(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Forget(eventData.Context);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Stage(DbContextEventData eventData)
    {
        if (eventData.Context is not { } context)
        {
            return;
        }

        var entries = context.ChangeTracker.Entries<EnforcementAction>()
            .Where(e => e.Entity.State == EnforcementState.Pending
                && (e.State == EntityState.Added
                    || (e.State == EntityState.Modified && e.Property(a => a.State).IsModified && e.Property(a => a.State).OriginalValue != EnforcementState.Pending)))
            .Select(e => e.Entity)
            .ToList();
        if (entries.Count > 0)
        {
            pending.GetOrCreateValue(context).Staged = entries;
        }
    }

    private void Unstage(DbContextEventData eventData)
    {
        if (eventData.Context is { } context && pending.TryGetValue(context, out var state))
        {
            state.Staged = null;
        }
    }

    private void Saved(SaveChangesCompletedEventData eventData)
    {
        if (eventData.Context is not { } context || !pending.TryGetValue(context, out var state) || state.Staged is not { } staged)
        {
            return;
        }

        state.Staged = null;
        // Ids exist now (the rows were inserted); their due times tell now from later.
        state.Saved.AddRange(staged.Select(a => (a.Id, a.NextAttemptAt)));
        if (context.Database.CurrentTransaction is null)
        {
            Dispatch(context);
        }
    }

    private void Dispatch(DbContext? context)
    {
        if (context is null || !pending.TryGetValue(context, out var state) || state.Saved.Count == 0)
        {
            return;
        }

        var actions = state.Saved.ToList();
        state.Saved.Clear();
        dispatcher.Dispatch(actions);
    }

    private void Forget(DbContext? context)
    {
        if (context is not null && pending.TryGetValue(context, out var state))
        {
            state.Staged = null;
            state.Saved.Clear();
        }
    }

    private sealed class Pending
    {
        public List<EnforcementAction>? Staged { get; set; }

        public List<(long Id, DateTimeOffset? DueAt)> Saved { get; } = [];
    }
}
