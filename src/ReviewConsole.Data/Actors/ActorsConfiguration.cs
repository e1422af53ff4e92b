using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReviewConsole.Data.Actors;

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> builder)
    {
        builder.Property(o => o.ExternalId).HasMaxLength(100);
        builder.HasIndex(o => o.ExternalId).IsUnique();
        builder.Property(o => o.Name).HasMaxLength(200);
        builder.Property(o => o.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(o => o.ContactEmail).HasMaxLength(256);
        builder.HasIndex(o => o.Name);
        builder.Property(o => o.LimitAllowedModels).HasMaxLength(1000);
    }
}

internal sealed class ApplicationConfiguration : IEntityTypeConfiguration<Application>
{
    public void Configure(EntityTypeBuilder<Application> builder)
    {
        builder.Property(a => a.ExternalId).HasMaxLength(100);
        builder.HasIndex(a => a.ExternalId).IsUnique();
        builder.Property(a => a.Name).HasMaxLength(200);
        builder.Property(a => a.Status).HasConversion<string>().HasMaxLength(20);
        builder.HasOne(a => a.Organization).WithMany(o => o.Applications).HasForeignKey(a => a.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(a => a.LimitAllowedModels).HasMaxLength(1000);
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.Property(k => k.ExternalId).HasMaxLength(100);
        builder.HasIndex(k => k.ExternalId).IsUnique();
        builder.Property(k => k.Prefix).HasMaxLength(40);
        builder.Property(k => k.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(k => k.AllowedModels).HasMaxLength(1000);
        builder.HasOne(k => k.Application).WithMany(a => a.Keys).HasForeignKey(k => k.ApplicationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Organization>().WithMany().HasForeignKey(k => k.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(k => k.OrganizationId);
        builder.HasIndex(k => k.Version);
    }
}

internal sealed class KeyRegistryHeadConfiguration : IEntityTypeConfiguration<KeyRegistryHead>
{
    public void Configure(EntityTypeBuilder<KeyRegistryHead> builder)
    {
        builder.Property(h => h.Id).ValueGeneratedNever();
        builder.HasData(new KeyRegistryHead { Id = KeyRegistryHead.SingletonId, Version = 0 });
    }
}

internal sealed class KeyUsageDayConfiguration : IEntityTypeConfiguration<KeyUsageDay>
{
    public void Configure(EntityTypeBuilder<KeyUsageDay> builder)
    {
        builder.HasIndex(u => new { u.ApiKeyId, u.Day }).IsUnique();
        builder.HasIndex(u => new { u.ApplicationId, u.Day });
        builder.Property(u => u.ReportedBy).HasMaxLength(256);
        builder.HasOne<ApiKey>().WithMany().HasForeignKey(u => u.ApiKeyId).OnDelete(DeleteBehavior.Restrict);
    }
}
