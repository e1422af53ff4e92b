using System.Data.Common;
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
/// Second line of the append-only rule (the first is the database's triggers, see
/// <see cref="AuditAppendOnlyTriggers"/>): refuses any statement that would change, remove or
/// unprotect audit events, whatever produced it (<c>ExecuteUpdate</c>/<c>ExecuteDelete</c> or raw SQL
/// through a context). The text is scanned rather than matched: comments are dropped, string
/// literals are checked as statements of their own (dynamic SQL such as <c>EXEC(N'...')</c>), and a
/// statement is refused when it names the audit table, its guard table or its triggers together
/// with UPDATE, DELETE, TRUNCATE, DROP, ALTER, MERGE, REPLACE or DISABLE anywhere in it (so
/// <c>WITH ... UPDATE</c> and <c>INSERT ... ON CONFLICT DO UPDATE</c> are caught too). Statements
/// are checked one by one, so a batch that updates another table and inserts an audit event
/// passes; a CREATE (a trigger or index on the table) is checked only from its body on.
/// </summary>
public sealed class AuditCommandGuard : DbCommandInterceptor
{
    public static readonly AuditCommandGuard Instance = new();

    private static readonly HashSet<string> ChangingWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "UPDATE", "DELETE", "TRUNCATE", "DROP", "ALTER", "MERGE", "REPLACE", "DISABLE", "RENAME",
    };

    private static readonly HashSet<string> BodyStarts = new(StringComparer.OrdinalIgnoreCase) { "BEGIN", "AS", "EXECUTE" };

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

    /// <summary>True when <paramref name="sql"/> holds a statement that changes, removes or unprotects audit events.</summary>
    public static bool IsTampering(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        if (sql.IndexOf("audit", StringComparison.OrdinalIgnoreCase) < 0)
        {
            return false;
        }

        foreach (var statement in Statements(sql))
        {
            var words = statement;
            if (words.Count > 0 && string.Equals(words[0], "CREATE", StringComparison.OrdinalIgnoreCase))
            {
                var body = words.FindIndex(BodyStarts.Contains);
                words = body < 0 ? [] : words[body..];
            }

            if (words.Exists(IsProtected) && words.Exists(ChangingWords.Contains))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsProtected(string identifier) =>
        identifier.Equals("AuditEvent", StringComparison.OrdinalIgnoreCase)
        || identifier.Equals("AuditEventGuard", StringComparison.OrdinalIgnoreCase)
        || identifier.StartsWith("TR_AuditEvent_", StringComparison.OrdinalIgnoreCase)
        || identifier.Equals("audit_event_append_only", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Splits SQL into statements of words: comments dropped, quoted identifiers ("x", [x], `x`) kept
    /// as one word, string literals ('x', N'x', $$x$$) split off as statements of their own, and
    /// statements ended by semicolons.
    /// </summary>
    internal static List<List<string>> Statements(string sql)
    {
        var statements = new List<List<string>>();
        var current = new List<string>();
        var word = new global::System.Text.StringBuilder();
        void EndWord()
        {
            if (word.Length > 0)
            {
                current.Add(word.ToString());
                word.Clear();
            }
        }

        void EndStatement()
        {
            EndWord();
            if (current.Count > 0)
            {
                statements.Add(current);
                current = [];
            }
        }

        void Literal(string text)
        {
            // The literal's text is checked as SQL of its own (dynamic SQL); the statement around it goes on.
            var outer = current;
            EndWord();
            foreach (var inner in Statements(text))
            {
                statements.Add(inner);
            }

            current = outer;
        }

        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                EndWord();
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                EndWord();
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
            }
            else if (c == '\'')
            {
                var text = new global::System.Text.StringBuilder();
                i++;
                while (i < sql.Length)
                {
                    if (sql[i] == '\'')
                    {
                        if (i + 1 < sql.Length && sql[i + 1] == '\'')
                        {
                            text.Append('\'');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    text.Append(sql[i++]);
                }

                // N'...' leaves an N word behind; it is harmless.
                Literal(text.ToString());
            }
            else if (c == '$' && i + 1 < sql.Length && sql[i + 1] == '$')
            {
                var end = sql.IndexOf("$$", i + 2, StringComparison.Ordinal);
                var text = end < 0 ? sql[(i + 2)..] : sql[(i + 2)..end];
                i = end < 0 ? sql.Length : end + 2;
                Literal(text);
            }
            else if (c is '"' or '[' or '`')
            {
                EndWord();
                var close = c == '[' ? ']' : c;
                var end = sql.IndexOf(close, i + 1);
                var identifier = end < 0 ? sql[(i + 1)..] : sql[(i + 1)..end];
                current.Add(identifier);
                i = end < 0 ? sql.Length : end + 1;
            }
            else if (c == ';')
            {
                EndStatement();
                i++;
            }
            else if (char.IsLetterOrDigit(c) || c is '_' or '$' or '#' or '@')
            {
                word.Append(c);
                i++;
            }
            else
            {
                EndWord();
                i++;
            }
        }

        EndStatement();
        return statements;
    }

    private static void Check(DbCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (IsTampering(command.CommandText))
        {
            throw new AuditTamperingException("Statements that change, remove or unprotect audit events (UPDATE, DELETE, TRUNCATE, DROP, ALTER, ...) are refused: the audit trail is append-only.");
        }
    }
}
