using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;

namespace ReviewConsole.Infrastructure.Database;

public static class DatabaseSetup
{
    public static WebApplicationBuilder AddDatabase(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptionsWithValidateOnStart<DatabaseOptions>()
            .Bind(builder.Configuration.GetSection(DatabaseOptions.SectionName));
        builder.Services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();

        var provider = builder.Configuration.GetValue(DatabaseOptions.SectionName + ":Provider", DatabaseProvider.Sqlite);
        var connectionString = ConnectionStringFor(builder.Configuration, provider, builder.Environment.ContentRootPath);

        // A factory, not a scoped context: circuits live long and a context is not thread-safe, so
        // services open one context per operation. Identity's stores still get a scoped context.
        builder.Services.AddDbContextFactory<AppDbContext>(options =>
            AppDbContextOptions.Configure(options, provider, connectionString));
        builder.Services.AddSingleton(new ActiveDatabase(provider, connectionString));
        // Whole microseconds: what PostgreSQL stores, so times read back equal times written.
        builder.Services.AddSingleton<TimeProvider>(StorableTimeProvider.Instance);
        return builder;
    }

    public static string ConnectionStringFor(IConfiguration configuration, DatabaseProvider provider, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var key = provider.ToString();
        var connectionString = configuration.GetConnectionString(key);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new OptionsValidationException(
                "ConnectionStrings:" + key,
                typeof(DatabaseOptions),
                [$"ConnectionStrings:{key} is required when Database:Provider is {key}."]);
        }

        return provider == DatabaseProvider.Sqlite
            ? AppDbContextOptions.ResolveSqlite(connectionString, contentRoot)
            : connectionString;
    }

    /// <summary>Applies migrations when configured (on SQLite after switching the file to WAL mode).</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (!options.MigrateOnStartup)
        {
            return;
        }

        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        await db.Database.MigrateAsync();
    }
}

/// <summary>The provider and connection string this process runs on (health, Hangfire storage).</summary>
public sealed record ActiveDatabase(DatabaseProvider Provider, string ConnectionString);
