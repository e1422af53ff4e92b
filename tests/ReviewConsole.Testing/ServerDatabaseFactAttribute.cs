using ReviewConsole.Data;
using Xunit;

namespace ReviewConsole.Testing;

/// <summary>
/// A test of something that only a database server with concurrent writers can show (row locks,
/// races between transactions). SQLite admits one writer at a time, so there it is skipped, with
/// that reason; it runs in the PostgreSQL (and SQL Server) runs of the integration tests.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ServerDatabaseFactAttribute : FactAttribute
{
    public ServerDatabaseFactAttribute()
    {
        if (TestDatabase.CurrentProvider == DatabaseProvider.Sqlite)
        {
            Skip = "Needs concurrent writers: SQLite admits one at a time. Runs on PostgreSQL (test.sh's second run) and SQL Server.";
        }
    }
}
