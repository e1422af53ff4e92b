using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;

namespace ReviewConsole.Data.Appeals;

internal sealed class AppealConfiguration : IEntityTypeConfiguration<Appeal>
{
    public void Configure(EntityTypeBuilder<Appeal> builder)
    {
        builder.Property(a => a.Source).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.Text).HasMaxLength(8000);
        builder.Property(a => a.Contact).HasMaxLength(256);
        builder.Property(a => a.SubmittedBy).HasMaxLength(256);
        builder.Property(a => a.DecidedBy).HasMaxLength(256);
        builder.Property(a => a.DecidedById).HasMaxLength(100);
        builder.Property(a => a.DecisionNote).HasMaxLength(4000);
        builder.HasOne<EnforcementAction>().WithMany().HasForeignKey(a => a.EnforcementActionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Organization>().WithMany().HasForeignKey(a => a.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => a.EnforcementActionId).IsUnique();
        builder.HasIndex(a => new { a.State, a.DueAt });
        builder.HasIndex(a => a.OrganizationId);
    }
}
