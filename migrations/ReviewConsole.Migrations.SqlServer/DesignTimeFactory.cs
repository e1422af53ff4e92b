using Microsoft.EntityFrameworkCore.Design;
using ReviewConsole.Data;

namespace ReviewConsole.Migrations.SqlServer;

/// <summary>Lets `dotnet ef` build the SQL Server model without a server or the host.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args) =>
        new(AppDbContextOptions.Build(DatabaseProvider.SqlServer, "Server=(design-time);Database=ReviewConsole;Integrated Security=true;TrustServerCertificate=true"));
}
