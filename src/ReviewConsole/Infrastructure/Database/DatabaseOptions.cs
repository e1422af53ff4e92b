using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;

namespace ReviewConsole.Infrastructure.Database;

public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary><c>Sqlite</c> (embedded default), <c>SqlServer</c> or <c>Postgres</c> (production, several nodes).</summary>
    [EnumDataType(typeof(DatabaseProvider))]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending migrations at start-up; production deployments may apply them out of band.</summary>
    public bool MigrateOnStartup { get; set; } = true;
}

[OptionsValidator]
public sealed partial class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>;
