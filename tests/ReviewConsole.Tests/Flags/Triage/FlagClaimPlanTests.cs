using Microsoft.Data.Sqlite;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Features.Wellness;
using ReviewConsole.Infrastructure.Database;

namespace ReviewConsole.Tests.Flags.Triage;

/// <summary>Next must cost the same at a million flags as at ten: SQLite's plan for the statement
/// reads each tier's index in priority order and never scans or sorts the flag table.</summary>
public sealed class FlagClaimPlanTests : IDisposable
{
    private readonly TriageFixture fixture = new();

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Next_QueryPlan_UsesTheTierIndexesWithoutScanOrSort(bool lead, bool capped)
    {
        var caps = capped ? new WellnessOptions { CategoryCaps = { ["self-harm"] = 5 } } : new WellnessOptions();
        var now = fixture.Clock.GetUtcNow();
        var statement = FlagClaimSql.Next(SqlDialect.Sqlite, "u-1", lead ? TriageRights.Lead : TriageRights.Reviewer, [1, 2, 3], caps, now, now.AddMinutes(10));

        using var connection = new SqliteConnection(fixture.Database.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + statement.Sql;
        foreach (var (name, value) in statement.Parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var plan = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN f", StringComparison.Ordinal) || line.StartsWith("SCAN t", StringComparison.Ordinal));
        // Only the assigned tier sorts: the reviewer's own assigned flags, a handful found by index.
        Assert.True(plan.Count(line => line.Contains("TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal)) <= 1, string.Join("\n", plan));
        Assert.Contains(plan, line => line.Contains("USING INDEX IX_Flag_Status_Priority_Id", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("USING INDEX IX_Flag_AssignedTo_Status", StringComparison.Ordinal));
    }

    public void Dispose() => fixture.Dispose();
}
