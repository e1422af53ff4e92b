using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReviewConsole.Data.Policies;

internal sealed class PolicyCategoryConfiguration : IEntityTypeConfiguration<PolicyCategory>
{
    public void Configure(EntityTypeBuilder<PolicyCategory> builder)
    {
        builder.Property(c => c.Key).HasMaxLength(100);
        builder.HasIndex(c => c.Key).IsUnique();
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.PolicyClause).HasMaxLength(200);
        builder.Property(c => c.UpdatedBy).HasMaxLength(256);
        PolicyCategorySeed.Apply(builder);
    }
}

internal sealed class PolicyCategoryVersionConfiguration : IEntityTypeConfiguration<PolicyCategoryVersion>
{
    public void Configure(EntityTypeBuilder<PolicyCategoryVersion> builder)
    {
        builder.Property(v => v.PolicyClause).HasMaxLength(200);
        builder.Property(v => v.ChangedBy).HasMaxLength(256);
        builder.HasOne<PolicyCategory>().WithMany().HasForeignKey(v => v.PolicyCategoryId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(v => new { v.PolicyCategoryId, v.Version }).IsUnique();
        PolicyCategorySeed.Apply(builder);
    }
}
