using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewConsole.Data.Actors;

namespace ReviewConsole.Data.Enforcement;

internal sealed class StrikeConfiguration : IEntityTypeConfiguration<Strike>
{
    public void Configure(EntityTypeBuilder<Strike> builder)
    {
        builder.Property(s => s.Category).HasMaxLength(100);
        builder.Property(s => s.Reason).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.ReasonId).HasMaxLength(100);
        builder.Property(s => s.PolicyClause).HasMaxLength(200);
        builder.Property(s => s.Note).HasMaxLength(2000);
        builder.Property(s => s.CreatedBy).HasMaxLength(256);
        builder.Property(s => s.RevokedBy).HasMaxLength(256);
        builder.HasOne<Organization>().WithMany().HasForeignKey(s => s.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => new { s.Reason, s.ReasonId }).IsUnique();
        builder.HasIndex(s => new { s.OrganizationId, s.CreatedAt });
        // Standing (the sum of active points) is read from this index alone: the busiest
        // organization has tens of thousands of strikes, and the table rows need not be touched.
        builder.HasIndex(s => new { s.OrganizationId, s.RevokedAt, s.ExpiresAt, s.Weight });
    }
}

internal sealed class SanctionProposalConfiguration : IEntityTypeConfiguration<SanctionProposal>
{
    public void Configure(EntityTypeBuilder<SanctionProposal> builder)
    {
        builder.Property(p => p.ProposedKind).HasConversion<string>().HasMaxLength(40);
        builder.Property(p => p.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.DecidedBy).HasMaxLength(256);
        builder.HasOne<Organization>().WithMany().HasForeignKey(p => p.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Strike>().WithMany().HasForeignKey(p => p.StrikeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => p.StrikeId).IsUnique();
        builder.HasIndex(p => new { p.State, p.CreatedAt });
        builder.HasIndex(p => p.OrganizationId);
    }
}
