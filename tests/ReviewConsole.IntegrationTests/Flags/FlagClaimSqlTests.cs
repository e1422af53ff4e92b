using Microsoft.SqlServer.TransactSql.ScriptDom;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Features.Wellness;
using ReviewConsole.Infrastructure.Database;

namespace ReviewConsole.IntegrationTests.Flags;

/// <summary>The Next statement of the providers that do not run here: SQL Server's is parsed by
/// Microsoft's T-SQL parser; each names the locking its provider needs.</summary>
public sealed class FlagClaimSqlTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Next_SqlServer_ParsesAndUsesReadPastUpdateLocks()
    {
        var statement = FlagClaimSql.Next(SqlDialect.SqlServer, "u-1", TriageRights.Lead, [1, 2], Caps(), Now, Now.AddMinutes(10));

        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(statement.Sql);
        parser.Parse(reader, out var errors);

        Assert.Empty(errors);
        Assert.Contains("WITH (UPDLOCK, READPAST, ROWLOCK)", statement.Sql, StringComparison.Ordinal);
        Assert.Contains("OUTPUT inserted.\"Id\"", statement.Sql, StringComparison.Ordinal);
        Assert.Equal(3, CountOf(statement.Sql, "SELECT TOP (1)"));
    }

    [Fact]
    public void Next_Postgres_SkipsLockedRowsInACte()
    {
        var statement = FlagClaimSql.Next(SqlDialect.Postgres, "u-1", TriageRights.Reviewer, [], Caps(), Now, Now.AddMinutes(10));

        Assert.StartsWith("WITH pick AS", statement.Sql, StringComparison.Ordinal);
        Assert.Equal(2, CountOf(statement.Sql, "FOR UPDATE SKIP LOCKED"));
        Assert.Contains("RETURNING t.\"Id\"", statement.Sql, StringComparison.Ordinal);
        Assert.DoesNotContain("@k0", statement.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_Parameters_CarryEveryCategoryCap()
    {
        var statement = FlagClaimSql.Next(SqlDialect.Sqlite, "u-1", TriageRights.Reviewer, [7], Caps(), Now, Now.AddMinutes(10));

        var values = statement.Parameters.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("self-harm", values["@cc0"]);
        Assert.Equal(5, values["@cv0"]);
        Assert.Equal(200, values["@capDefault"]);
        Assert.Equal(7L, values["@k0"]);
        Assert.Equal(Now.UtcTicks, values["@now"]);
    }

    private static WellnessOptions Caps() => new() { DailyCapPerCategory = 200, CategoryCaps = { ["self-harm"] = 5 } };

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
