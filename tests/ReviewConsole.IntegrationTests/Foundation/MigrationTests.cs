using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using ReviewConsole.Data;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Foundation;

/// <summary>
/// The checks that keep every provider's migrations honest. Each provider's migrations must match
/// the model (offline, no server needed); SQL Server is not runnable here, so its script is also
/// checked against Microsoft's parser. Applying every migration to an empty database runs on the
/// provider this test run is on (SQLite, or PostgreSQL/SQL Server, see TestDatabase).
/// </summary>
public sealed partial class MigrationTests
{
    // Never opened: building the model, diffing it and generating a script need no server.
    private const string UnusedSqlServer = "Server=unused;Database=x;TrustServerCertificate=true";
    private const string UnusedPostgres = "Host=unused;Database=x;Username=x";

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.SqlServer, DatabaseProvider.Postgres];

    [Theory]
    [MemberData(nameof(Providers))]
    public void Model_EachProvider_HasNoPendingModelChanges(DatabaseProvider provider)
    {
        using var db = CreateContext(provider);

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(
            db.Database.HasPendingModelChanges(),
            $"The model has changes without a {provider} migration: run migrations/add-migration.sh <Name>.");
    }

    [Fact]
    public void IdempotentScript_SqlServer_ParsesWithoutErrors()
    {
        using var db = CreateContext(DatabaseProvider.SqlServer);
        var migrations = db.Database.GetMigrations().ToList();

        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        // Guards against parsing an empty or partial script: every migration is in it, guarded by the history table.
        Assert.All(migrations, id => Assert.Contains($"N'{id}'", script));
        Assert.Contains("CREATE TABLE [AspNetUsers]", script);
        Assert.Contains("[__EFMigrationsHistory]", script);

        var batches = GoLine().Split(script).Where(b => !string.IsNullOrWhiteSpace(b)).ToList();
        Assert.True(batches.Count > 1, "The idempotent script is expected to hold several GO-separated batches.");
        var errors = new List<string>();
        var dynamicSql = 0;
        foreach (var batch in batches)
        {
            var fragment = Parse(batch, errors);

            // The idempotent script wraps some statements (filtered indexes) in EXEC(N'...'), which
            // the parser sees as a string: parse those strings as T-SQL too.
            var execs = new ExecStringCollector();
            fragment?.Accept(execs);
            foreach (var sql in execs.Statements)
            {
                dynamicSql++;
                Parse(sql, errors);
            }
        }

        Assert.True(errors.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, errors));
        Assert.True(dynamicSql > 0, "Expected the filtered unique indexes of Identity as EXEC(N'...') statements.");
    }

    [Fact]
    public async Task Migrate_EmptyDatabase_AppliesEveryMigration()
    {
        using var database = TestDatabase.CreateEmpty();
        await using var db = database.CreateContext();
        Assert.Empty(await db.Database.GetAppliedMigrationsAsync());

        await db.Database.MigrateAsync();

        var all = db.Database.GetMigrations().ToList();
        Assert.NotEmpty(all);
        Assert.Equal(all, await db.Database.GetAppliedMigrationsAsync());
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        // The schema is really there, not only the history rows.
        Assert.Equal(0, await db.Users.CountAsync());
        Assert.Equal(0, await db.JobHeartbeats.CountAsync());
    }

    private static TSqlFragment? Parse(string sql, List<string> errors)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        var fragment = parser.Parse(reader, out var parseErrors);
        errors.AddRange(parseErrors.Select(e => $"line {e.Line}: {e.Message} in:{Environment.NewLine}{sql.Trim()}"));
        return fragment;
    }

    private static AppDbContext CreateContext(DatabaseProvider provider) => new(provider switch
    {
        DatabaseProvider.Sqlite => AppDbContextOptions.Build(DatabaseProvider.Sqlite, "Data Source=:memory:"),
        DatabaseProvider.SqlServer => AppDbContextOptions.Build(DatabaseProvider.SqlServer, UnusedSqlServer),
        _ => AppDbContextOptions.Build(provider, UnusedPostgres),
    });

    [GeneratedRegex(@"^\s*GO\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex GoLine();

    private sealed class ExecStringCollector : TSqlFragmentVisitor
    {
        public List<string> Statements { get; } = [];

        // EXEC(N'ALTER TABLE [t] DROP CONSTRAINT ' + @var + ';') (AlterColumn drops a default
        // constraint found at run time): a variable stands for a quoted name.
        public override void Visit(ExecutableStringList node) =>
            Statements.Add(string.Concat(node.Strings.Select(s => s switch
            {
                StringLiteral literal => literal.Value,
                VariableReference => "[placeholder]",
                _ => throw new InvalidOperationException($"Unexpected {s.GetType().Name} in EXEC(...)."),
            })));
    }
}
