using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewConsole.Data.Actors;

namespace ReviewConsole.Data.UseCases;

internal sealed class GuidelineCategoryConfiguration : IEntityTypeConfiguration<GuidelineCategory>
{
    public void Configure(EntityTypeBuilder<GuidelineCategory> builder)
    {
        builder.Property(c => c.Key).HasMaxLength(100);
        builder.HasIndex(c => c.Key).IsUnique();
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.RiskLevel).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.Clause).HasMaxLength(100);
        builder.Property(c => c.UpdatedBy).HasMaxLength(256);
    }
}

internal sealed class GuidelineCategoryVersionConfiguration : IEntityTypeConfiguration<GuidelineCategoryVersion>
{
    public void Configure(EntityTypeBuilder<GuidelineCategoryVersion> builder)
    {
        builder.Property(v => v.Name).HasMaxLength(200);
        builder.Property(v => v.RiskLevel).HasConversion<string>().HasMaxLength(20);
        builder.Property(v => v.Clause).HasMaxLength(100);
        builder.Property(v => v.ChangedBy).HasMaxLength(256);
        builder.HasOne<GuidelineCategory>().WithMany().HasForeignKey(v => v.GuidelineCategoryId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(v => new { v.GuidelineCategoryId, v.Version }).IsUnique();
    }
}

internal sealed class UseCaseSubmissionConfiguration : IEntityTypeConfiguration<UseCaseSubmission>
{
    public void Configure(EntityTypeBuilder<UseCaseSubmission> builder)
    {
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.State).HasConversion<string>().HasMaxLength(30);
        builder.Property(s => s.QueueReason).HasConversion<string>().HasMaxLength(30);
        builder.Property(s => s.QueueNote).HasMaxLength(1000);
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.Property(s => s.SubmittedOnBehalfBy).HasMaxLength(256);
        builder.Property(s => s.LeaseOwner).HasMaxLength(100);
        builder.Property(s => s.LeaseOwnerName).HasMaxLength(256);
        builder.Property(s => s.Tier).HasMaxLength(30);
        builder.Property(s => s.ProposedTier).HasMaxLength(30);
        builder.HasOne<Organization>().WithMany().HasForeignKey(s => s.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Application>().WithMany().HasForeignKey(s => s.ApplicationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<GuidelineCategory>().WithMany().HasForeignKey(s => s.CategoryId).OnDelete(DeleteBehavior.Restrict);

        // The queue and Next: open states by SLA.
        builder.HasIndex(s => new { s.State, s.SlaDueAt, s.Id });
        builder.HasIndex(s => s.ApplicationId);
        builder.HasIndex(s => s.ReReviewAt);
    }
}

internal sealed class UseCaseRevisionConfiguration : IEntityTypeConfiguration<UseCaseRevision>
{
    public void Configure(EntityTypeBuilder<UseCaseRevision> builder)
    {
        builder.Property(r => r.SubmittedBy).HasMaxLength(256);
        builder.HasOne<UseCaseSubmission>().WithMany().HasForeignKey(r => r.SubmissionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.SubmissionId, r.Number }).IsUnique();
    }
}

internal sealed class UseCaseDecisionConfiguration : IEntityTypeConfiguration<UseCaseDecision>
{
    public void Configure(EntityTypeBuilder<UseCaseDecision> builder)
    {
        builder.Property(d => d.Kind).HasConversion<string>().HasMaxLength(30);
        builder.Property(d => d.FromState).HasConversion<string>().HasMaxLength(30);
        builder.Property(d => d.ToState).HasConversion<string>().HasMaxLength(30);
        builder.Property(d => d.GuidelineClause).HasMaxLength(100);
        builder.Property(d => d.ChecklistScore).HasMaxLength(20);
        builder.Property(d => d.DecidedBy).HasMaxLength(100);
        builder.Property(d => d.DecidedByName).HasMaxLength(256);
        builder.HasOne<UseCaseSubmission>().WithMany().HasForeignKey(d => d.SubmissionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<GuidelineCategory>().WithMany().HasForeignKey(d => d.GuidelineCategoryId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(d => new { d.SubmissionId, d.DecidedAt });
    }
}

internal sealed class ResearchCreditAccountConfiguration : IEntityTypeConfiguration<ResearchCreditAccount>
{
    public void Configure(EntityTypeBuilder<ResearchCreditAccount> builder)
    {
        builder.HasIndex(a => a.GrantActionId).IsUnique();
        builder.HasIndex(a => a.SubmissionId);
        builder.HasIndex(a => a.ApplicationId);
        builder.Property(a => a.GrantedUsd).HasPrecision(18, 4);
        builder.Property(a => a.UsedUsd).HasPrecision(18, 4);
        builder.Ignore(a => a.RemainingUsd);
    }
}
