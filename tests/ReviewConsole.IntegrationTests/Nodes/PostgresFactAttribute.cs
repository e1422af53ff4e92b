using ReviewConsole.Data;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Nodes;

/// <summary>A test that needs real row-level concurrency: it runs only when the suite runs on
/// PostgreSQL (test.sh's second integration run), and says so when skipped on SQLite.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestDatabase.CurrentProvider != DatabaseProvider.Postgres)
        {
            Skip = $"Needs PostgreSQL: set {TestDatabase.PostgresVariable} (test.sh does for its PostgreSQL run).";
        }
    }
}
