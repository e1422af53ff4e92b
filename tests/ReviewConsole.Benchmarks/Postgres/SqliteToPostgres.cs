using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using ReviewConsole.Data.Audit;
using ReviewConsole.Features.Audit;
using static ReviewConsole.Benchmarks.Postgres.PostgresServer;

namespace ReviewConsole.Benchmarks.Postgres;

/// <summary>
/// Copies every row of an app database on SQLite into a freshly migrated app database on PostgreSQL
/// (the same model, so the same tables and columns): the target's seeded rows are truncated, then each
/// table is copied with Npgsql's binary COPY in foreign-key order (parents first, read from PostgreSQL's
/// catalog), identity sequences are set past the copied ids, and the row counts are checked.
/// <para>Conversions follow how the two providers map the model: a <c>DateTimeOffset</c> is UTC ticks
/// (INTEGER) on SQLite and a timestamptz on PostgreSQL, which keeps whole microseconds, so ticks are cut
/// to whole microseconds (as the app's <c>StorableTimeProvider</c> does for what it writes); bool is 0/1,
/// <c>DateOnly</c> and <c>decimal</c> are text on SQLite. The audit chain hashes each event's time in
/// ticks, so the chain is re-hashed over the stored (microsecond) times with
/// <see cref="AuditLog.ComputeHash"/>, and the chain head and the verification checkpoint follow: the
/// app's verification job finds it intact on PostgreSQL as on SQLite.</para>
/// The audit trail's append-only triggers are disabled (by the database owner) for the copy only.
/// </summary>
internal static class SqliteToPostgres
{
    private sealed record Column(string Name, string Type, Action<NpgsqlBinaryImporter, object> Write);

    private sealed record Table(string Name, List<Column> Columns);

    public static void Copy(string sqlitePath, string postgresConnectionString)
    {
        using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = sqlitePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        source.Open();
        using var target = new NpgsqlConnection(postgresConnectionString);
        target.Open();

        var targetColumns = new Dictionary<string, List<(string Name, string Type)>>(StringComparer.Ordinal);
        foreach (var (table, column, type) in Rows<(string, string, string)>(target, """
            SELECT table_name, column_name, udt_name FROM information_schema.columns
            WHERE table_schema = 'public' AND is_generated = 'NEVER' AND table_name <> '__EFMigrationsHistory'
            ORDER BY table_name, ordinal_position
            """, r => (r.GetString(0), r.GetString(1), r.GetString(2))))
        {
            if (!targetColumns.TryGetValue(table, out var columns))
            {
                targetColumns[table] = columns = [];
            }

            columns.Add((column, type));
        }

        var tables = new List<Table>();
        foreach (var name in Strings(source, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name <> '__EFMigrationsHistory' ORDER BY name"))
        {
            if (!targetColumns.TryGetValue(name, out var columns))
            {
                // SQLite-only bookkeeping (none today) is left behind only when it is empty.
                if (Count(source, name) > 0)
                {
                    throw new InvalidOperationException($"Table {name} has rows on SQLite but no PostgreSQL counterpart.");
                }

                continue;
            }

            var sourceColumns = Strings(source, $"SELECT name FROM pragma_table_info('{name.Replace("'", "''", StringComparison.Ordinal)}')").ToHashSet(StringComparer.Ordinal);
            var targetNames = columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            if (!sourceColumns.SetEquals(targetNames))
            {
                throw new InvalidOperationException(
                    $"Table {name} differs: only on SQLite [{string.Join(", ", sourceColumns.Except(targetNames))}], only on PostgreSQL [{string.Join(", ", targetNames.Except(sourceColumns))}]. Are both databases at the same migration?");
            }

            tables.Add(new Table(name, columns.Select(c => new Column(c.Name, c.Type, Writer(name, c.Name, c.Type))).ToList()));
        }

        var ordered = ParentsFirst(target, tables);
        var triggered = Strings(target, """
            SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT t.tgisinternal AND n.nspname = 'public'
            """).Intersect(tables.Select(t => t.Name)).ToList();

        // The chain head and the verification checkpoint name events by hash; they follow the re-hash.
        var chainHashes = tables.Any(t => t.Name == "AuditChainHead") && tables.Any(t => t.Name == "AuditChainStatus")
            ? Strings(source, """SELECT "LastHash" FROM "AuditChainHead" UNION SELECT "LastVerifiedHash" FROM "AuditChainStatus" """).ToDictionary(h => h, h => h, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

        using (var transaction = target.BeginTransaction())
        {
            foreach (var table in triggered)
            {
                Execute(target, $"ALTER TABLE {Quote(table)} DISABLE TRIGGER USER");
            }

            Execute(target, $"TRUNCATE {string.Join(", ", ordered.Select(t => Quote(t.Name)))} CASCADE");
            foreach (var table in ordered)
            {
                var clock = Stopwatch.StartNew();
                var expected = Count(source, table.Name);
                var copied = CopyTable(source, target, table, chainHashes);
                if (copied != (ulong)expected)
                {
                    throw new InvalidOperationException($"{table.Name}: {expected} rows on SQLite, {copied} copied.");
                }

                if (expected >= 100_000)
                {
                    Console.WriteLine($"      {table.Name}: {expected:N0} rows in {clock.Elapsed.TotalSeconds:N1} s");
                }
            }

            foreach (var table in triggered)
            {
                Execute(target, $"ALTER TABLE {Quote(table)} ENABLE TRIGGER USER");
            }

            foreach (var (before, after) in chainHashes.Where(p => p.Key != p.Value))
            {
                Execute(target, $"""UPDATE "AuditChainHead" SET "LastHash" = '{after}' WHERE "LastHash" = '{before}'""");
                Execute(target, $"""UPDATE "AuditChainStatus" SET "LastVerifiedHash" = '{after}' WHERE "LastVerifiedHash" = '{before}'""");
            }

            transaction.Commit();
        }

        // Identity columns: the next id past the copied ones.
        var copiedNames = tables.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (table, column) in Rows<(string, string)>(target, """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')
            """, r => (r.GetString(0), r.GetString(1))))
        {
            if (copiedNames.Contains(table))
            {
                Execute(target, $"SELECT setval(pg_get_serial_sequence('{Quote(table)}', '{column}'), coalesce((SELECT max({Quote(column)}) FROM {Quote(table)}), 0) + 1, false)");
            }
        }
    }

    /// <summary>Copies one table; returns the rows written. AuditEvent is read in chain order and re-hashed.</summary>
    private static ulong CopyTable(SqliteConnection source, NpgsqlConnection target, Table table, Dictionary<string, string> chainHashes)
    {
        var names = string.Join(", ", table.Columns.Select(c => Quote(c.Name)));
        var audit = table.Name == "AuditEvent";
        using var read = source.CreateCommand();
        read.CommandText = $"SELECT {names} FROM {Quote(table.Name)}" + (audit ? " ORDER BY \"Sequence\"" : "");
        using var reader = read.ExecuteReader();
        using var writer = target.BeginBinaryImport($"COPY {Quote(table.Name)} ({names}) FROM STDIN (FORMAT BINARY)");
        var values = new object[table.Columns.Count];
        var index = table.Columns.Select((c, i) => (c.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        string? previous = null;
        while (reader.Read())
        {
            reader.GetValues(values);
            if (audit)
            {
                previous = Rehash(values, index, previous, chainHashes);
            }

            writer.StartRow();
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] is DBNull)
                {
                    writer.WriteNull();
                }
                else
                {
                    table.Columns[i].Write(writer, values[i]);
                }
            }
        }

        return writer.Complete();
    }

    /// <summary>The event's hash over its stored time (whole microseconds) and the re-hashed previous event.</summary>
    private static string Rehash(object[] values, Dictionary<string, int> index, string? previous, Dictionary<string, string> chainHashes)
    {
        string? Text(string column) => values[index[column]] as string;
        var e = new AuditEvent
        {
            Sequence = (long)values[index["Sequence"]],
            OccurredAt = new DateTimeOffset(Microseconds((long)values[index["OccurredAt"]]), TimeSpan.Zero),
            ActorId = Text("ActorId")!,
            ActorName = Text("ActorName")!,
            Kind = Text("Kind")!,
            TargetType = Text("TargetType")!,
            TargetId = Text("TargetId")!,
            Summary = Text("Summary")!,
            BeforeJson = Text("BeforeJson"),
            AfterJson = Text("AfterJson"),
            Reason = Text("Reason"),
            RequestId = Text("RequestId"),
            PreviousHash = previous ?? Text("PreviousHash")!,
            Hash = "",
        };
        e.Hash = AuditLog.ComputeHash(e);
        var old = Text("Hash")!;
        if (chainHashes.ContainsKey(old))
        {
            chainHashes[old] = e.Hash;
        }

        values[index["PreviousHash"]] = e.PreviousHash;
        values[index["Hash"]] = e.Hash;
        return e.Hash;
    }

    private static long Microseconds(long ticks) => ticks - (ticks % 10);

    /// <summary>How a SQLite value is written to a PostgreSQL column of type <paramref name="type"/> (udt_name).</summary>
    private static Action<NpgsqlBinaryImporter, object> Writer(string table, string column, string type)
    {
        var inv = CultureInfo.InvariantCulture;
        return type switch
        {
            "int8" => (w, v) => w.Write(Convert.ToInt64(v, inv), NpgsqlDbType.Bigint),
            "int4" => (w, v) => w.Write(Convert.ToInt32(v, inv), NpgsqlDbType.Integer),
            "int2" => (w, v) => w.Write(Convert.ToInt16(v, inv), NpgsqlDbType.Smallint),
            "bool" => (w, v) => w.Write(v is string s ? s is "1" or "true" or "True" : Convert.ToInt64(v, inv) != 0, NpgsqlDbType.Boolean),
            "float8" => (w, v) => w.Write(Convert.ToDouble(v, inv), NpgsqlDbType.Double),
            "float4" => (w, v) => w.Write(Convert.ToSingle(v, inv), NpgsqlDbType.Real),
            "numeric" => (w, v) => w.Write(v is string s ? decimal.Parse(s, NumberStyles.Float, inv) : Convert.ToDecimal(v, inv), NpgsqlDbType.Numeric),
            "timestamptz" => (w, v) => w.Write(
                v is long ticks
                    ? new DateTimeOffset(Microseconds(ticks), TimeSpan.Zero)
                    : new DateTimeOffset(Microseconds(DateTimeOffset.Parse((string)v, inv, DateTimeStyles.AssumeUniversal).UtcTicks), TimeSpan.Zero),
                NpgsqlDbType.TimestampTz),
            "date" => (w, v) => w.Write(DateOnly.ParseExact((string)v, "yyyy-MM-dd", inv), NpgsqlDbType.Date),
            "text" => (w, v) => w.Write(v as string ?? Convert.ToString(v, inv)!, NpgsqlDbType.Text),
            "varchar" => (w, v) => w.Write(v as string ?? Convert.ToString(v, inv)!, NpgsqlDbType.Varchar),
            "bpchar" => (w, v) => w.Write(v as string ?? Convert.ToString(v, inv)!, NpgsqlDbType.Char),
            "bytea" => (w, v) => w.Write((byte[])v, NpgsqlDbType.Bytea),
            "uuid" => (w, v) => w.Write(v is string s ? Guid.Parse(s) : new Guid((byte[])v), NpgsqlDbType.Uuid),
            _ => throw new NotSupportedException($"{table}.{column}: no conversion from SQLite to PostgreSQL's {type} here."),
        };
    }

    /// <summary>The tables with every table a foreign key points to before it (self-references aside).</summary>
    private static List<Table> ParentsFirst(NpgsqlConnection target, List<Table> tables)
    {
        var byName = tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var parents = tables.ToDictionary(t => t.Name, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var (child, parent) in Rows<(string, string)>(target, """
            SELECT child.relname, parent.relname FROM pg_constraint c
            JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid
            JOIN pg_namespace n ON n.oid = child.relnamespace
            WHERE c.contype = 'f' AND n.nspname = 'public'
            """, r => (r.GetString(0), r.GetString(1))))
        {
            if (child != parent && parents.TryGetValue(child, out var set) && byName.ContainsKey(parent))
            {
                set.Add(parent);
            }
        }

        var ordered = new List<Table>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        while (ordered.Count < tables.Count)
        {
            var ready = tables.Where(t => !done.Contains(t.Name) && parents[t.Name].IsSubsetOf(done)).ToList();
            if (ready.Count == 0)
            {
                throw new InvalidOperationException($"Foreign keys form a cycle among: {string.Join(", ", tables.Where(t => !done.Contains(t.Name)).Select(t => t.Name))}.");
            }

            foreach (var table in ready)
            {
                ordered.Add(table);
                done.Add(table.Name);
            }
        }

        return ordered;
    }

    private static long Count(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {Quote(table)}";
        return (long)command.ExecuteScalar()!;
    }

    private static List<string> Strings(System.Data.Common.DbConnection connection, string sql) => Rows(connection, sql, r => r.GetString(0));

    private static List<T> Rows<T>(System.Data.Common.DbConnection connection, string sql, Func<System.Data.Common.DbDataReader, T> map)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.ExecuteNonQuery();
    }
}
