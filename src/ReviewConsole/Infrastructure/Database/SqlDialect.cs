using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ReviewConsole.Infrastructure.Database;

/// <summary>Which SQL a hand-written statement must speak, chosen by the context's provider name.</summary>
public enum SqlDialect
{
    Sqlite,
    SqlServer,
    Postgres,
}

/// <summary>
/// The few statements EF cannot express (an UPDATE that picks its own row with a locking read and
/// returns it) run through here: on the context's connection, inside its current transaction, with
/// values converted the way the model stores them (UTC ticks on SQLite).
/// </summary>
public static class RawSql
{
    public static SqlDialect DialectOf(DbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Database.ProviderName switch
        {
            "Microsoft.EntityFrameworkCore.Sqlite" => SqlDialect.Sqlite,
            "Microsoft.EntityFrameworkCore.SqlServer" => SqlDialect.SqlServer,
            "Npgsql.EntityFrameworkCore.PostgreSQL" => SqlDialect.Postgres,
            var other => throw new NotSupportedException($"No hand-written SQL for the provider {other}."),
        };
    }

    /// <summary>A timestamp as the column stores it: ticks on SQLite, the value itself elsewhere.</summary>
    public static object Time(SqlDialect dialect, DateTimeOffset value) =>
        dialect == SqlDialect.Sqlite ? value.UtcTicks : value.ToUniversalTime();

    /// <summary>The literal a boolean column compares with.</summary>
    public static string True(SqlDialect dialect) => dialect == SqlDialect.Postgres ? "TRUE" : "1";

    /// <summary>Runs <paramref name="sql"/> and returns the first column of every row as a long.</summary>
    public static async Task<List<long>> QueryLongsAsync(DbContext db, string sql, IReadOnlyList<KeyValuePair<string, object?>> parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(parameters);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = Command(db, sql, parameters);
            var result = new List<long>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                result.Add(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
            }

            return result;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public static async Task<int> ExecuteAsync(DbContext db, string sql, IReadOnlyList<KeyValuePair<string, object?>> parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(parameters);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = Command(db, sql, parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static DbCommand Command(DbContext db, string sql, IReadOnlyList<KeyValuePair<string, object?>> parameters)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        // Only statements built in this codebase from constants reach here; values go in parameters.
#pragma warning disable CA2100 // Review SQL queries for security vulnerabilities: the text is ours, values are parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
