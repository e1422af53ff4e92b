using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using SQLitePCL;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>
/// The writes of an intake chunk, set-based. Two implementations behind one shape:
/// <see cref="SqlIntakeStore"/> sends multi-row <c>INSERT … ON CONFLICT DO NOTHING RETURNING</c> and
/// <c>UPDATE … FROM (VALUES …)</c> statements (SQLite and PostgreSQL speak the same dialect for these),
/// built from EF's model (table and column names, value converters) so columns other features add
/// to these tables are written too; <see cref="EfIntakeStore"/> uses EF's batched SaveChanges and
/// works on every provider (SQL Server). Both run inside the caller's transaction.
/// </summary>
internal abstract class IntakeStore(AppDbContext db)
{
    protected AppDbContext Db => db;

    public static IntakeStore For(AppDbContext db, bool bulkSql)
    {
        ArgumentNullException.ThrowIfNull(db);
        return bulkSql && SqlIntakeStore.Supports(db) ? new SqlIntakeStore(db) : new EfIntakeStore(db);
    }

    /// <summary>Inserts new clusters (with the size the chunk gives them; <see cref="UpdateClustersAsync"/>
    /// corrects it if some members turn out to be stored already) and returns their ids by SimHash (distinct within a chunk by construction).</summary>
    public abstract Task<IReadOnlyDictionary<long, long>> InsertClustersAsync(IReadOnlyList<FlagCluster> clusters, CancellationToken cancellationToken);

    /// <summary>Inserts flags with their scores, skipping any whose upstream id is already stored (a
    /// concurrent writer); returns the new ids by upstream id.</summary>
    public abstract Task<IReadOnlyDictionary<string, long>> InsertFlagsAsync(IReadOnlyList<Flag> flags, CancellationToken cancellationToken);

    /// <summary>Adds members to clusters (or removes, for a negative n), once per cluster: <c>Size = Size + n</c> and
    /// <c>OpenCount = OpenCount + n</c> (new flags are open; the counters the reviewer's pages read,
    /// see FlagCounters), <c>LastSeenAt</c> moved forward.</summary>
    public abstract Task UpdateClustersAsync(IReadOnlyList<ClusterDelta> deltas, CancellationToken cancellationToken);

    /// <summary>Writes recomputed priorities of open flags (a flag decided meanwhile is left alone).</summary>
    public abstract Task<int> UpdatePrioritiesAsync(IReadOnlyList<PriorityUpdate> updates, CancellationToken cancellationToken);

    public Task<int> DeleteEmptyClustersAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken) =>
        db.Set<FlagCluster>().Where(c => ids.Contains(c.Id) && c.Size == 0).ExecuteDeleteAsync(cancellationToken);
}

internal readonly record struct ClusterDelta(long Id, int Added, DateTimeOffset LastSeenAt);

internal readonly record struct PriorityUpdate(long Id, int Priority, string BreakdownJson);

/// <summary>Any provider: EF's batched inserts and one conditional update per cluster or flag.</summary>
internal sealed class EfIntakeStore(AppDbContext db) : IntakeStore(db)
{
    public override async Task<IReadOnlyDictionary<long, long>> InsertClustersAsync(IReadOnlyList<FlagCluster> clusters, CancellationToken cancellationToken)
    {
        Db.AddRange(clusters);
        await Db.SaveChangesAsync(cancellationToken);
        Db.ChangeTracker.Clear();
        return clusters.ToDictionary(c => c.SimHash, c => c.Id);
    }

    /// <summary>A concurrent writer's upstream id fails the whole insert on the unique index; the
    /// ingestion service then stores the chunk one record at a time, where it reads as a duplicate.</summary>
    public override async Task<IReadOnlyDictionary<string, long>> InsertFlagsAsync(IReadOnlyList<Flag> flags, CancellationToken cancellationToken)
    {
        Db.AddRange(flags);
        await Db.SaveChangesAsync(cancellationToken);
        Db.ChangeTracker.Clear();
        return flags.ToDictionary(f => f.UpstreamId, f => f.Id, StringComparer.Ordinal);
    }

    public override async Task UpdateClustersAsync(IReadOnlyList<ClusterDelta> deltas, CancellationToken cancellationToken)
    {
        foreach (var d in deltas)
        {
            await Db.Set<FlagCluster>().Where(c => c.Id == d.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Size, c => c.Size + d.Added)
                    .SetProperty(c => c.OpenCount, c => c.OpenCount + d.Added)
                    .SetProperty(c => c.LastSeenAt, c => c.LastSeenAt > d.LastSeenAt ? c.LastSeenAt : d.LastSeenAt), cancellationToken);
        }
    }

    public override async Task<int> UpdatePrioritiesAsync(IReadOnlyList<PriorityUpdate> updates, CancellationToken cancellationToken)
    {
        var updated = 0;
        foreach (var u in updates)
        {
            updated += await Db.Set<Flag>()
                .Where(f => f.Id == u.Id && (f.Status == FlagStatus.New || f.Status == FlagStatus.Escalated))
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.Priority, u.Priority).SetProperty(f => f.PriorityBreakdownJson, u.BreakdownJson), cancellationToken);
        }

        return updated;
    }
}

/// <summary>
/// SQLite and PostgreSQL. Inserts: on PostgreSQL multi-row statements with parameters (rows per
/// statement capped well under its parameter limit); on SQLite one prepared single-row statement
/// per table, bound by position (SQLite is in process: a statement costs no round trip, and
/// measured per row it is several times cheaper than either shape through Microsoft.Data.Sqlite).
/// Updates: one <c>UPDATE … FROM (VALUES …)</c> per batch on both.
/// </summary>
internal sealed class SqlIntakeStore(AppDbContext db) : IntakeStore(db)
{
    /// <summary>Parameters per multi-row statement. SQLite (the updates here) finds each bound
    /// parameter by a linear scan of the statement's names, so a statement of n parameters costs
    /// O(n²) to bind: about a hundred keeps that negligible while a statement still carries dozens
    /// of rows.</summary>
    public const int MaxParametersPerStatement = 100;

    /// <summary>Parameters per multi-row insert on PostgreSQL: each statement is a round trip to the
    /// server's process, and at a hundred parameters a chunk of 1,000 flags took 333 flag and 440
    /// score statements. Npgsql binds by position, so a large statement costs nothing extra to bind.</summary>
    public const int PostgresParametersPerInsert = 2_000;

    /// <summary>Rows per SQLite insert statement when the rows' ids are not needed (bound by position).</summary>
    public const int SqliteRowsPerStatement = 64;

    private static readonly ConcurrentDictionary<(IModel Model, Type Type), TableInfo> Tables = new();

    private readonly ISqlGenerationHelper sql = db.GetService<ISqlGenerationHelper>();

    public static bool Supports(AppDbContext db) =>
        db.Database.ProviderName is "Microsoft.EntityFrameworkCore.Sqlite" or "Npgsql.EntityFrameworkCore.PostgreSQL";

    public override async Task<IReadOnlyDictionary<long, long>> InsertClustersAsync(IReadOnlyList<FlagCluster> clusters, CancellationToken cancellationToken)
    {
        var table = Table<FlagCluster>();
        var ids = new Dictionary<long, long>(clusters.Count);
        await InsertAsync(table, clusters, null, nameof(FlagCluster.SimHash), (cluster, id) => ids[cluster.SimHash] = id, cancellationToken);
        return ids;
    }

    public override async Task<IReadOnlyDictionary<string, long>> InsertFlagsAsync(IReadOnlyList<Flag> flags, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<string, long>(flags.Count, StringComparer.Ordinal);
        await InsertAsync(Table<Flag>(), flags, nameof(Flag.UpstreamId), nameof(Flag.UpstreamId), (flag, id) => ids[flag.UpstreamId] = id, cancellationToken);
        var scores = new List<FlagCategoryScore>(flags.Count * 11);
        foreach (var flag in flags)
        {
            if (ids.TryGetValue(flag.UpstreamId, out var id))
            {
                foreach (var score in flag.Scores)
                {
                    score.FlagId = id;
                    scores.Add(score);
                }
            }
        }

        if (Db.Database.GetDbConnection() is NpgsqlConnection postgres)
        {
            await CopyScoresAsync(postgres, scores, cancellationToken);
        }
        else
        {
            await InsertAsync(Table<FlagCategoryScore>(), scores, null, null, null, cancellationToken);
        }

        return ids;
    }

    /// <summary>
    /// Scores on PostgreSQL by binary <c>COPY</c> in the chunk's transaction: eleven rows a flag, no
    /// ids to read back and no conflict to skip (their flags are new in this transaction), so the
    /// fastest bulk path PostgreSQL has. An error (a constraint) surfaces as the
    /// <see cref="PostgresException"/> the ingestion service's one-record-at-a-time fallback handles.
    /// </summary>
    private async Task CopyScoresAsync(NpgsqlConnection connection, List<FlagCategoryScore> scores, CancellationToken cancellationToken)
    {
        if (scores.Count == 0)
        {
            return;
        }

        var table = Table<FlagCategoryScore>();
        var columns = string.Join(", ", new[] { nameof(FlagCategoryScore.Category), nameof(FlagCategoryScore.FlagId), nameof(FlagCategoryScore.Flagged), nameof(FlagCategoryScore.Score) }
            .Select(p => sql.DelimitIdentifier(table.Column(p).Name)));
        await using var writer = await connection.BeginBinaryImportAsync($"COPY {table.Name} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var score in scores)
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(score.Category, NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(score.FlagId, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(score.Flagged, NpgsqlDbType.Boolean, cancellationToken);
            await writer.WriteAsync(score.Score, NpgsqlDbType.Double, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    public override async Task UpdateClustersAsync(IReadOnlyList<ClusterDelta> deltas, CancellationToken cancellationToken)
    {
        var t = Table<FlagCluster>();
        string Col(string property) => sql.DelimitIdentifier(t.Column(property).Name);
        var id = Col(nameof(FlagCluster.Id));
        var size = Col(nameof(FlagCluster.Size));
        var open = Col(nameof(FlagCluster.OpenCount));
        var lastSeen = Col(nameof(FlagCluster.LastSeenAt));
        var columns = new[] { t.Column(nameof(FlagCluster.Id)), t.Column(nameof(FlagCluster.Size)), t.Column(nameof(FlagCluster.LastSeenAt)) };
        foreach (var batch in deltas.Chunk(MaxParametersPerStatement / 3))
        {
            await using var command = NewCommand();
            var values = new StringBuilder();
            foreach (var d in batch)
            {
                values.Append(values.Length == 0 ? "(" : ", (");
                AppendParameter(command, values, columns[0], d.Id).Append(", ");
                AppendParameter(command, values, columns[1], d.Added).Append(", ");
                AppendParameter(command, values, columns[2], d.LastSeenAt).Append(')');
            }

            command.CommandText = string.Create(CultureInfo.InvariantCulture, $"""
                WITH "d" ("Id", "Added", "At") AS (VALUES {values})
                UPDATE {t.Name} SET {size} = {t.Name}.{size} + "d"."Added", {open} = {t.Name}.{open} + "d"."Added",
                    {lastSeen} = CASE WHEN "d"."At" > {t.Name}.{lastSeen} THEN "d"."At" ELSE {t.Name}.{lastSeen} END
                FROM "d" WHERE {t.Name}.{id} = "d"."Id"
                """);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public override async Task<int> UpdatePrioritiesAsync(IReadOnlyList<PriorityUpdate> updates, CancellationToken cancellationToken)
    {
        var t = Table<Flag>();
        string Col(string property) => sql.DelimitIdentifier(t.Column(property).Name);
        var columns = new[] { t.Column(nameof(Flag.Id)), t.Column(nameof(Flag.Priority)), t.Column(nameof(Flag.PriorityBreakdownJson)), t.Column(nameof(Flag.Status)) };
        var updated = 0;
        foreach (var batch in updates.Chunk(MaxParametersPerStatement / 3))
        {
            await using var command = NewCommand();
            var values = new StringBuilder();
            foreach (var u in batch)
            {
                values.Append(values.Length == 0 ? "(" : ", (");
                AppendParameter(command, values, columns[0], u.Id).Append(", ");
                AppendParameter(command, values, columns[1], u.Priority).Append(", ");
                AppendParameter(command, values, columns[2], u.BreakdownJson).Append(')');
            }

            var open = new StringBuilder();
            AppendParameter(command, open, columns[3], FlagStatus.New).Append(", ");
            AppendParameter(command, open, columns[3], FlagStatus.Escalated);
            command.CommandText = string.Create(CultureInfo.InvariantCulture, $"""
                WITH "d" ("Id", "Priority", "Json") AS (VALUES {values})
                UPDATE {t.Name} SET {Col(nameof(Flag.Priority))} = "d"."Priority", {Col(nameof(Flag.PriorityBreakdownJson))} = "d"."Json"
                FROM "d" WHERE {t.Name}.{Col(nameof(Flag.Id))} = "d"."Id" AND {t.Name}.{Col(nameof(Flag.Status))} IN ({open})
                """);
            updated += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return updated;
    }

    /// <summary>Inserts rows; with a conflict column, rows whose value is already stored are skipped
    /// (<c>ON CONFLICT DO NOTHING</c>), and <paramref name="inserted"/> hears of each row stored with
    /// its generated id (found by <paramref name="keyProperty"/>, unique within the call).</summary>
    private Task InsertAsync<T>(TableInfo table, IReadOnlyList<T> rows, string? conflictProperty, string? keyProperty, Action<T, long>? inserted, CancellationToken cancellationToken)
        where T : class
    {
        if (rows.Count == 0)
        {
            return Task.CompletedTask;
        }

        var tail = new StringBuilder();
        if (conflictProperty is not null)
        {
            tail.Append(" ON CONFLICT (").Append(sql.DelimitIdentifier(table.Column(conflictProperty).Name)).Append(") DO NOTHING");
        }

        if (Db.Database.GetDbConnection() is SqliteConnection sqlite)
        {
            InsertSqlite(sqlite, table, rows, tail.ToString(), inserted);
            return Task.CompletedTask;
        }

        return InsertMultiRowAsync(table, rows, tail, keyProperty, inserted, cancellationToken);
    }

    /// <summary>
    /// SQLite runs in this process, so a statement costs no round trip: one single-row statement,
    /// prepared once and re-run per row, is the fastest shape. It is driven through SQLitePCL with
    /// values bound by position — Microsoft.Data.Sqlite looks every parameter up by name on every
    /// execution and creates a reader per row, which cost more than the insert itself. The row's id
    /// is SQLite's last rowid when the statement changed a row (<c>ON CONFLICT DO NOTHING</c>
    /// changes none). It runs on the connection of the caller's transaction; an error becomes the
    /// <see cref="SqliteException"/> the ingestion service's one-record-at-a-time fallback handles.
    /// </summary>
    private void InsertSqlite<T>(SqliteConnection connection, TableInfo table, IReadOnlyList<T> rows, string tail, Action<T, long>? inserted)
        where T : class
    {
        var handle = connection.Handle ?? throw new InvalidOperationException("The intake connection is not open.");
        var columns = table.Insertable;

        // Rows whose ids nobody reads (scores) go several to a statement: an AUTOINCREMENT table
        // writes its sqlite_sequence row once per statement, not once per row, and each step has
        // less to set up. Positional parameters cost nothing to bind however many there are.
        var perStatement = inserted is null ? Math.Min(SqliteRowsPerStatement, rows.Count) : 1;
        sqlite3_stmt? full = null;
        try
        {
            for (var offset = 0; offset < rows.Count; offset += perStatement)
            {
                var count = Math.Min(perStatement, rows.Count - offset);
                var statement = count == perStatement
                    ? full ??= PrepareSqliteInsert(handle, table, count, tail)
                    : PrepareSqliteInsert(handle, table, count, tail);
                try
                {
                    var parameter = 1;
                    for (var i = 0; i < count; i++)
                    {
                        var row = rows[offset + i];
                        for (var c = 0; c < columns.Count; c++)
                        {
                            Bind(statement, parameter++, columns[c].ToProvider(row), handle);
                        }
                    }

                    var rc = raw.sqlite3_step(statement);
                    raw.sqlite3_reset(statement);
                    if (rc != raw.SQLITE_DONE)
                    {
                        Check(rc, handle);
                    }

                    if (inserted is not null && raw.sqlite3_changes(handle) == 1)
                    {
                        inserted(rows[offset], raw.sqlite3_last_insert_rowid(handle));
                    }
                }
                finally
                {
                    if (statement != full)
                    {
                        statement.Dispose();
                    }
                }
            }
        }
        finally
        {
            full?.Dispose();
        }
    }

    private sqlite3_stmt PrepareSqliteInsert(sqlite3 handle, TableInfo table, int rowCount, string tail)
    {
        var columns = table.Insertable;
        var text = new StringBuilder("INSERT INTO ").Append(table.Name).Append(" (")
            .Append(string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Name)))).Append(") VALUES ");
        for (var r = 0; r < rowCount; r++)
        {
            text.Append(r == 0 ? "(" : ", (").Append(string.Join(", ", Enumerable.Repeat("?", columns.Count))).Append(')');
        }

        Check(raw.sqlite3_prepare_v2(handle, text.Append(tail).ToString(), out var statement), handle);
        return statement;
    }

    private static void Bind(sqlite3_stmt statement, int index, object value, sqlite3 handle)
    {
        var rc = value switch
        {
            DBNull => raw.sqlite3_bind_null(statement, index),
            string text => raw.sqlite3_bind_text(statement, index, text),
            long number => raw.sqlite3_bind_int64(statement, index, number),
            int number => raw.sqlite3_bind_int64(statement, index, number),
            short number => raw.sqlite3_bind_int64(statement, index, number),
            byte number => raw.sqlite3_bind_int64(statement, index, number),
            bool flag => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
            double real => raw.sqlite3_bind_double(statement, index, real),
            float real => raw.sqlite3_bind_double(statement, index, real),
            byte[] blob => raw.sqlite3_bind_blob(statement, index, blob),
            _ => throw new InvalidOperationException($"The intake cannot bind a {value.GetType().Name} for SQLite; add it to IntakeStore.Bind."),
        };
        Check(rc, handle);
    }

    private static void Check(int rc, sqlite3 handle)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, handle);
        }
    }

    /// <summary>PostgreSQL: multi-row statements (a round trip per statement), ids read back with
    /// <c>RETURNING</c>. Statements of one shape are prepared once and re-executed with new values.</summary>
    private async Task InsertMultiRowAsync<T>(TableInfo table, IReadOnlyList<T> rows, StringBuilder tail, string? keyProperty, Action<T, long>? inserted, CancellationToken cancellationToken)
        where T : class
    {
        var columns = table.Insertable;
        Dictionary<object, T>? byKey = null;
        if (inserted is not null)
        {
            var key = table.Column(keyProperty ?? throw new ArgumentNullException(nameof(keyProperty)));
            tail.Append(" RETURNING ").Append(sql.DelimitIdentifier(table.Column(table.KeyProperty).Name)).Append(", ").Append(sql.DelimitIdentifier(key.Name));
            byKey = rows.ToDictionary(r => key.ToProvider(r), r => r);
        }

        // Only PostgreSQL gets here: SQLite takes InsertSqlite.
        var perStatement = Math.Max(1, PostgresParametersPerInsert / columns.Count);
        DbCommand? full = null;
        try
        {
            for (var offset = 0; offset < rows.Count; offset += perStatement)
            {
                var count = Math.Min(perStatement, rows.Count - offset);
                DbCommand command;
                if (count == perStatement)
                {
                    if (full is null)
                    {
                        full = InsertCommand(table, count, tail.ToString());
                        if (rows.Count >= 2 * perStatement)
                        {
                            // Run again for the next rows: parsed and planned by the server once.
                            await full.PrepareAsync(cancellationToken);
                        }
                    }

                    command = full;
                }
                else
                {
                    command = InsertCommand(table, count, tail.ToString());
                }

                try
                {
                    var parameter = 0;
                    for (var i = 0; i < count; i++)
                    {
                        var row = rows[offset + i];
                        foreach (var column in columns)
                        {
                            command.Parameters[parameter++].Value = column.ToProvider(row);
                        }
                    }

                    if (byKey is null)
                    {
                        await command.ExecuteNonQueryAsync(cancellationToken);
                        continue;
                    }

                    await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        inserted!(byKey[reader.GetValue(1)], reader.GetInt64(0));
                    }
                }
                finally
                {
                    if (command != full)
                    {
                        await command.DisposeAsync();
                    }
                }
            }
        }
        finally
        {
            if (full is not null)
            {
                await full.DisposeAsync();
            }
        }
    }

    private DbCommand InsertCommand(TableInfo table, int rows, string tail)
    {
        var command = NewCommand();
        var columns = table.Insertable;
        var text = new StringBuilder(64 + (rows * columns.Count * 8));
        text.Append("INSERT INTO ").Append(table.Name).Append(" (").Append(string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Name)))).Append(") VALUES ");
        for (var i = 0; i < rows; i++)
        {
            text.Append(i == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Count; c++)
            {
                if (c > 0)
                {
                    text.Append(", ");
                }

                AppendParameter(command, text, columns[c], null);
            }

            text.Append(')');
        }

        command.CommandText = text.Append(tail).ToString();
        return command;
    }

    private DbCommand NewCommand()
    {
        var command = Db.Database.GetDbConnection().CreateCommand();
        command.Transaction = Db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Intake writes run inside the chunk's transaction.");
        command.CommandTimeout = Db.Database.GetCommandTimeout() ?? 30;
        return command;
    }

    private static StringBuilder AppendParameter(DbCommand command, StringBuilder text, ColumnInfo column, object? value)
    {
        var name = "@p" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
        // CreateParameter applies the column's value converter (ticks for DateTimeOffset on SQLite, names for enums).
        command.Parameters.Add(column.Mapping.CreateParameter(command, name, value, column.Property.IsNullable));
        return text.Append(name);
    }

    private TableInfo Table<T>() => Tables.GetOrAdd((Db.Model, typeof(T)), key => TableInfo.For(key.Model, key.Type, sql));

    internal sealed class ColumnInfo(IProperty property, string name, RelationalTypeMapping mapping)
    {
        private readonly IClrPropertyGetter getter = property.GetGetter();
        private readonly Func<object?, object?>? toProvider = mapping.Converter?.ConvertToProvider;

        public IProperty Property => property;

        public string Name => name;

        public RelationalTypeMapping Mapping => mapping;

        /// <summary>The column's value in <paramref name="entity"/> as the database stores it (value converters applied).</summary>
        public object ToProvider(object entity)
        {
            var value = getter.GetClrValueUsingContainingEntity(entity);
            return (value is null || toProvider is null ? value : toProvider(value)) ?? DBNull.Value;
        }
    }

    /// <summary>A table's quoted name and its columns, from EF's model.</summary>
    internal sealed class TableInfo
    {
        private readonly Dictionary<string, ColumnInfo> byProperty;

        private TableInfo(string name, Dictionary<string, ColumnInfo> byProperty, IReadOnlyList<ColumnInfo> insertable)
        {
            Name = name;
            this.byProperty = byProperty;
            Insertable = insertable;
        }

        public string Name { get; }

        /// <summary>Columns an insert names: all but the store-generated ones (identity key, defaults computed by the database).</summary>
        public IReadOnlyList<ColumnInfo> Insertable { get; }

        /// <summary>The store-generated key (<c>Id</c>) a multi-row insert reads back.</summary>
        public string KeyProperty { get; private init; } = "";

        public ColumnInfo Column(string property) => byProperty[property];

        public static TableInfo For(IModel model, Type clrType, ISqlGenerationHelper sql)
        {
            var entityType = model.FindEntityType(clrType) ?? throw new InvalidOperationException($"{clrType.Name} is not in the model.");
            var tableName = entityType.GetTableName() ?? throw new InvalidOperationException($"{clrType.Name} has no table.");
            var store = StoreObjectIdentifier.Table(tableName, entityType.GetSchema());
            var columns = entityType.GetProperties()
                .Select(p => new ColumnInfo(p, p.GetColumnName(store) ?? p.Name, (RelationalTypeMapping)p.GetTypeMapping()))
                .ToDictionary(c => c.Property.Name, StringComparer.Ordinal);
            var insertable = columns.Values.Where(c => c.Property.ValueGenerated == ValueGenerated.Never && !c.Property.IsShadowProperty()).ToList();
            var key = entityType.FindPrimaryKey()?.Properties is [var single] ? single.Name : "";
            return new TableInfo(sql.DelimitIdentifier(tableName, entityType.GetSchema()), columns, insertable) { KeyProperty = key };
        }
    }
}
