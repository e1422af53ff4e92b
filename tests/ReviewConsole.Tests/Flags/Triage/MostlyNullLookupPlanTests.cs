using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;

namespace ReviewConsole.Tests.Flags.Triage;

/// <summary>
/// Lookups on columns that are NULL on almost every row (a reviewer's leases, assigned flags, an
/// action's request group, the action a reversal undoes) must stay index searches once ANALYZE has
/// run on a production-sized database. ANALYZE counts all the NULLs of a full index as one value of
/// ~N rows, after which SQLite's planner scanned the million-row flag table for every Next
/// (0.2–0.9 s). The statistics below are those of the reviewer-loop benchmark's 1,000,000-flag
/// database; the indexes are partial (IS NOT NULL), so their statistics count only real values.
/// </summary>
public sealed class MostlyNullLookupPlanTests : IDisposable
{
    private readonly TriageFixture fixture = new();

    [Fact]
    public void LeaseOwnerLookup_AfterAnalyzeAtAMillionFlags_SearchesThePartialIndex()
    {
        using var db = fixture.Database.CreateContext();
        var userId = "u-1";
        var sql = db.Set<Flag>().Where(f => f.LeaseOwner == userId).Select(f => new { f.Id, f.Status, f.LeaseExpiresAt, f.Priority }).ToQueryString();

        var plan = PlanWithProductionStatistics(sql, userId);

        Assert.Contains(plan, line => line.StartsWith("SEARCH f USING INDEX IX_Flag_LeaseOwner", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN", StringComparison.Ordinal));
    }

    [Fact]
    public void AssignedLookup_AfterAnalyzeAtAMillionFlags_SearchesThePartialIndex()
    {
        using var db = fixture.Database.CreateContext();
        var userId = "u-1";
        var statuses = new[] { FlagStatus.New, FlagStatus.Escalated };
        var sql = db.Set<Flag>().Where(f => f.AssignedTo == userId && statuses.Contains(f.Status)).Select(f => f.Id).ToQueryString();

        var plan = PlanWithProductionStatistics(sql, userId);

        Assert.Contains(plan, line => line.Contains("USING", StringComparison.Ordinal) && line.Contains("IX_Flag_AssignedTo_Status", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN", StringComparison.Ordinal));
    }

    [Fact]
    public void RequestGroupLookup_AfterAnalyze_SearchesThePartialIndex()
    {
        using var db = fixture.Database.CreateContext();
        var group = "g-1";
        var sql = db.Set<EnforcementAction>().Where(a => a.RequestGroupId == group).Select(a => a.Id).ToQueryString();

        var plan = PlanWithProductionStatistics(sql, group);

        Assert.Contains(plan, line => line.Contains("IX_EnforcementAction_RequestGroupId", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN", StringComparison.Ordinal));
    }

    public void Dispose() => fixture.Dispose();

    /// <summary>Runs ANALYZE on the (small) test database, replaces the flag and action statistics
    /// with those of a million-flag database whose leases and groups are mostly NULL (as
    /// <c>ANALYZE</c> writes them for the partial indexes: only the non-NULL rows), reloads them, and
    /// returns SQLite's plan for <paramref name="sql"/>.</summary>
    private List<string> PlanWithProductionStatistics(string sql, string value)
    {
        using var connection = new SqliteConnection(fixture.Database.ConnectionString);
        connection.Open();
        Execute(connection, "ANALYZE");
        Execute(connection, "DELETE FROM sqlite_stat1 WHERE tbl IN ('Flag', 'EnforcementAction')");
        foreach (var (index, stat) in ActualStatistics(connection))
        {
            var name = index.Name.Length == 0 ? "NULL" : $"'{index.Name}'";
            Execute(connection, $"INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('{index.Table}', {name}, '{stat}')");
        }

        Execute(connection, "ANALYZE sqlite_schema");

        // EF names parameters after the captured variables; the plan does not depend on their values.
        using var command = connection.CreateCommand();
        var select = sql[sql.IndexOf("SELECT", StringComparison.Ordinal)..];
        command.CommandText = "EXPLAIN QUERY PLAN " + select;
        foreach (var name in Regex.Matches(select, "@[A-Za-z0-9_]+").Select(m => m.Value).Distinct(StringComparer.Ordinal))
        {
            command.Parameters.AddWithValue(name, value);
        }
        var plan = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }

    /// <summary>The benchmark database's figures, for the indexes that exist in this schema. A
    /// partial index gets the count of its rows (a few hundred leases or groups); a full index on
    /// the same column would have been written as "1000000 1000000".</summary>
    private static List<((string Table, string Name) Index, string Stat)> ActualStatistics(SqliteConnection connection)
    {
        var known = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Flag|"] = "1000000",
            ["Flag|IX_Flag_Status_TopCategory_SlaDueAt_CreatedAt"] = "1000000 333334 19608 1 1",
            ["Flag|IX_Flag_ClusterId_Status"] = "1000000 45 45",
            ["Flag|IX_Flag_ClusterId_Priority_Id"] = "1000000 45 4 1",
            ["Flag|IX_Flag_UpstreamId"] = "1000000 1",
            ["Flag|IX_Flag_TopCategory_Status"] = "1000000 58824 19608",
            ["Flag|IX_Flag_Status_Priority_Id"] = "1000000 333334 3301 1",
            ["Flag|IX_Flag_SlaDueAt_Id"] = "1000000 1 1",
            ["Flag|IX_Flag_OrganizationId_CreatedAt"] = "1000000 2000 1",
            ["Flag|IX_Flag_CreatedAt_Id"] = "1000000 1 1",
            ["Flag|IX_Flag_ClusterId"] = "1000000 45",
            ["Flag|IX_Flag_ApplicationId"] = "1000000 667",
            ["Flag|IX_Flag_ApiKeyId"] = "1000000 334",
            ["EnforcementAction|"] = "95248",
            ["EnforcementAction|IX_EnforcementAction_OrganizationId"] = "95248 191",
            ["EnforcementAction|IX_EnforcementAction_IdempotencyKey"] = "95248 1",
            ["EnforcementAction|IX_EnforcementAction_TargetType_TargetId"] = "95248 47624 28",
            ["EnforcementAction|IX_EnforcementAction_State_NextAttemptAt"] = "95248 95248 95248",
            ["EnforcementAction|IX_EnforcementAction_State_LeaseExpiresAt"] = "95248 95248 95248",
            ["EnforcementAction|IX_EnforcementAction_Reason_ReasonId"] = "95248 95248 1",
        };

        // Indexes on mostly-NULL columns: what ANALYZE writes depends on whether they are partial.
        var mostlyNull = new Dictionary<string, (string Partial, string Full)>(StringComparer.Ordinal)
        {
            ["Flag|IX_Flag_LeaseOwner"] = ("2 1", "1000000 1000000"),
            ["Flag|IX_Flag_AssignedTo_Status"] = ("40 4 2", "1000000 1000000 333334"),
            ["EnforcementAction|IX_EnforcementAction_RequestGroupId"] = ("300 2", "95248 95248"),
            ["EnforcementAction|IX_EnforcementAction_ReversesActionId"] = ("100 1", "95248 95248"),
        };

        var indexes = new List<(string Table, string Name, bool Partial)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT tbl_name, name, sql LIKE '% WHERE %' FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('Flag', 'EnforcementAction') AND sql IS NOT NULL";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                indexes.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2)));
            }
        }

        var rows = new List<((string, string), string)>
        {
            (("Flag", ""), known["Flag|"]),
            (("EnforcementAction", ""), known["EnforcementAction|"]),
        };
        foreach (var (table, name, partial) in indexes)
        {
            var key = table + "|" + name;
            if (mostlyNull.TryGetValue(key, out var stat))
            {
                rows.Add(((table, name), partial ? stat.Partial : stat.Full));
            }
            else if (known.TryGetValue(key, out var figure))
            {
                rows.Add(((table, name), figure));
            }
        }

        return rows;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
