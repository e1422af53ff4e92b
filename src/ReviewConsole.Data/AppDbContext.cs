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
        PinIdentitySchema(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }

    /// <summary>
    /// Identity builds its tables from <c>IdentityOptions.Stores</c> when the context has the host's
    /// services, and from its version 1 defaults when it has none, as under <c>dotnet ef</c>'s
    /// design-time factories. The host asks for schema version 2 (IdentitySetup), whose key columns
    /// are 128 characters and phone numbers 256; version 1 leaves them unbounded (450 on SQL Server).
    /// Stated here, so the model the migrations are generated from is the model the host runs with;
    /// otherwise a server database refuses to start with "pending model changes".
    /// </summary>
    private static void PinIdentitySchema(ModelBuilder builder)
    {
        const int keyLength = 128;
        builder.Entity<AppUser>().Property(u => u.PhoneNumber).HasMaxLength(256);
        builder.Entity<IdentityUserLogin<string>>(b =>
        {
            b.Property(l => l.LoginProvider).HasMaxLength(keyLength);
            b.Property(l => l.ProviderKey).HasMaxLength(keyLength);
        });
        builder.Entity<IdentityUserToken<string>>(b =>
        {
            b.Property(t => t.LoginProvider).HasMaxLength(keyLength);
            b.Property(t => t.Name).HasMaxLength(keyLength);
        });
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
