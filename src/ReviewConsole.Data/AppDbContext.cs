using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Identity;
using ReviewConsole.Data.System;

namespace ReviewConsole.Data;

/// <summary>
/// The one context of the console: Identity, Data Protection keys and every feature's entities.
/// Feature entities are configured by <see cref="IEntityTypeConfiguration{TEntity}"/> classes in
/// their feature folder and reached through <c>Set&lt;T&gt;()</c> or the properties below.
/// </summary>
public class AppDbContext(DbContextOptions<AppDbContext> options)
    : IdentityDbContext<AppUser, IdentityRole, string>(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<JobHeartbeat> JobHeartbeats => Set<JobHeartbeat>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        base.ConfigureConventions(configurationBuilder);
        if (Database.IsSqlite())
        {
            // SQLite has no date type: EF stores DateTimeOffset as text and cannot order or compare
            // it in SQL. UTC ticks keep ordering, range filters and keyset paging in the database.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        }
        else if (Database.IsNpgsql())
        {
            // timestamptz (an instant, ordered and compared in SQL); Npgsql writes UTC offsets only.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcDateTimeOffsetConverter>();
        }
    }
}
