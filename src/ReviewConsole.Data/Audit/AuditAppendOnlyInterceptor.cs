using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ReviewConsole.Data.Audit;

/// <summary>Thrown when code tries to change or remove an audit event.</summary>
public sealed class AuditTamperingException(string message) : InvalidOperationException(message);

/// <summary>
/// Keeps the audit trail append-only for every context built through
/// <see cref="AppDbContextOptions"/>: tracked audit events may be added, never modified or deleted,
/// and no UPDATE or DELETE statement against the audit table reaches the database (that also
/// covers <c>ExecuteUpdate</c>/<c>ExecuteDelete</c>, which bypass change tracking).
/// </summary>
public sealed class AuditAppendOnlyInterceptor : SaveChangesInterceptor
{
    public static readonly AuditAppendOnlyInterceptor Instance = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Guard(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Guard(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Guard(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        foreach (var entry in context.ChangeTracker.Entries<AuditEvent>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted)
            {
                throw new AuditTamperingException(
                    $"Audit event #{entry.Entity.Sequence} cannot be {(entry.State == EntityState.Deleted ? "deleted" : "modified")}: the audit trail is append-only.");
            }
        }
    }
}

/// <summary>
/// Refuses UPDATE and DELETE statements on the audit event table, whatever produced them
/// (<c>ExecuteUpdate</c>/<c>ExecuteDelete</c> or raw SQL through a context). Statements are checked one
/// by one, so a batch that updates another table and inserts an audit event passes.
/// </summary>
public sealed partial class AuditCommandGuard : DbCommandInterceptor
{
    public static readonly AuditCommandGuard Instance = new();

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    /// <summary>True when <paramref name="sql"/> holds a statement that updates or deletes audit events.</summary>
    public static bool IsTampering(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        if (!sql.Contains("AuditEvent", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var statement in sql.Split(';'))
        {
            // SQL Server writes "UPDATE [a] SET ... FROM [AuditEvent] AS [a]", SQLite
            // "UPDATE "AuditEvent" AS "a" SET ..."; both start with the verb and name the table.
            if (ChangingVerb().IsMatch(statement) && AuditTable().IsMatch(statement))
            {
                return true;
            }
        }

        return false;
    }

    private static void Check(DbCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (IsTampering(command.CommandText))
        {
            throw new AuditTamperingException("UPDATE and DELETE statements on the audit event table are refused: the audit trail is append-only.");
        }
    }

    [GeneratedRegex(@"^\s*(SET\s+NOCOUNT\s+ON\s*)?(UPDATE|DELETE)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ChangingVerb();

    // The table name as an identifier ("AuditEvent", [AuditEvent], `AuditEvent` or bare), not
    // AuditEventX or AuditChainHead.
    [GeneratedRegex(@"(^|[\s.\[""`(])AuditEvent([\]""`\s;)]|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AuditTable();
}
