using Microsoft.EntityFrameworkCore.Design;
using ReviewConsole.Data;

namespace ReviewConsole.Migrations.Postgres;

/// <summary>Lets `dotnet ef` build the PostgreSQL model without a server or the host.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args) =>
        new(AppDbContextOptions.Build(DatabaseProvider.Postgres, "Host=design-time;Database=reviewconsole;Username=reviewconsole"));
}
