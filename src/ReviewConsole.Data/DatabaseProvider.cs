namespace ReviewConsole.Data;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
    Postgres,
}

/// <summary>The migrations assembly of each provider; one per provider, as EF requires.</summary>
public static class MigrationAssemblies
{
    public const string Sqlite = "ReviewConsole.Migrations.Sqlite";
    public const string SqlServer = "ReviewConsole.Migrations.SqlServer";
    public const string Postgres = "ReviewConsole.Migrations.Postgres";

    public static string For(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => Sqlite,
        DatabaseProvider.SqlServer => SqlServer,
        DatabaseProvider.Postgres => Postgres,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
    };
}
