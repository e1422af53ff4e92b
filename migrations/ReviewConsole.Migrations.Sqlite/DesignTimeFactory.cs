using Microsoft.EntityFrameworkCore.Design;
using ReviewConsole.Data;

namespace ReviewConsole.Migrations.Sqlite;

/// <summary>Lets `dotnet ef` build the SQLite model without starting the host.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args) =>
        new(AppDbContextOptions.Build(DatabaseProvider.Sqlite, "Data Source=design-time.db"));
}
