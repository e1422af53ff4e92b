using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewConsole.Data.Flags;

namespace ReviewConsole.Data.Quality;

internal sealed class DoubleReviewConfiguration : IEntityTypeConfiguration<DoubleReview>
{
    public void Configure(EntityTypeBuilder<DoubleReview> builder)
    {
        builder.Property(r => r.State).HasConversion<string>().HasMaxLength(30);
        builder.Property(r => r.FirstVerdict).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.SecondVerdict).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.FirstAction).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.SecondAction).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.FirstReviewerId).HasMaxLength(100);
        builder.Property(r => r.SecondReviewerId).HasMaxLength(100);
        builder.Property(r => r.AdjudicatedBy).HasMaxLength(100);
        builder.Property(r => r.FirstReviewerName).HasMaxLength(256);
        builder.Property(r => r.SecondReviewerName).HasMaxLength(256);
        builder.Property(r => r.AdjudicatedByName).HasMaxLength(256);
        builder.Property(r => r.FirstCategories).HasMaxLength(1000);
        builder.Property(r => r.SecondCategories).HasMaxLength(1000);
        builder.Property(r => r.FirstClause).HasMaxLength(200);
        builder.Property(r => r.SecondClause).HasMaxLength(200);
        builder.Property(r => r.FirstReason).HasMaxLength(4000);
        builder.Property(r => r.SecondReason).HasMaxLength(4000);
        builder.Property(r => r.PolicyVersions).HasMaxLength(1000);
        builder.HasOne<Flag>().WithMany().HasForeignKey(r => r.FlagId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => r.FlagId).IsUnique();
        builder.HasIndex(r => new { r.State, r.SampledAt });
        builder.HasIndex(r => r.SecondAt);
    }
}

internal sealed class DoubleReviewMemberConfiguration : IEntityTypeConfiguration<DoubleReviewMember>
{
    public void Configure(EntityTypeBuilder<DoubleReviewMember> builder)
    {
        builder.HasKey(m => new { m.DoubleReviewId, m.FlagId });
        builder.HasOne<DoubleReview>().WithMany().HasForeignKey(m => m.DoubleReviewId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Flag>().WithMany().HasForeignKey(m => m.FlagId).OnDelete(DeleteBehavior.Restrict);
        // A flag is held by one review at most, as a single flag is (the DoubleReview.FlagId index).
        builder.HasIndex(m => m.FlagId).IsUnique();
    }
}

internal sealed class GoldenItemConfiguration : IEntityTypeConfiguration<GoldenItem>
{
    public void Configure(EntityTypeBuilder<GoldenItem> builder)
    {
        builder.Property(g => g.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(g => g.ExpectedVerdict).HasConversion<string>().HasMaxLength(20);
        builder.Property(g => g.ExpectedCategories).HasMaxLength(1000);
        builder.Property(g => g.ExpectedClause).HasMaxLength(200);
        builder.Property(g => g.ExpectedDecision).HasConversion<string>().HasMaxLength(30);
        builder.Property(g => g.Note).HasMaxLength(2000);
        builder.Property(g => g.PromotedBy).HasMaxLength(100);
        builder.Property(g => g.PromotedByName).HasMaxLength(256);
        builder.HasIndex(g => new { g.Kind, g.SourceId }).IsUnique();
        builder.HasIndex(g => g.IsActive);
    }
}

internal sealed class GoldenAnswerConfiguration : IEntityTypeConfiguration<GoldenAnswer>
{
    public void Configure(EntityTypeBuilder<GoldenAnswer> builder)
    {
        builder.Property(a => a.ReviewerId).HasMaxLength(100);
        builder.Property(a => a.ReviewerName).HasMaxLength(256);
        builder.Property(a => a.Verdict).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.Categories).HasMaxLength(1000);
        builder.Property(a => a.Clause).HasMaxLength(200);
        builder.Property(a => a.Decision).HasConversion<string>().HasMaxLength(30);
        builder.HasOne<GoldenItem>().WithMany().HasForeignKey(a => a.GoldenItemId).OnDelete(DeleteBehavior.Cascade);
        // One attempt per reviewer and item: a reviewer never sees the same known answer twice.
        builder.HasIndex(a => new { a.GoldenItemId, a.ReviewerId }).IsUnique();
        builder.HasIndex(a => new { a.ReviewerId, a.AnsweredAt });
    }
}

internal sealed class UnknownCategoryConfiguration : IEntityTypeConfiguration<UnknownCategory>
{
    public void Configure(EntityTypeBuilder<UnknownCategory> builder)
    {
        builder.Property(u => u.Key).HasMaxLength(100);
        builder.Property(u => u.MappedTo).HasMaxLength(100);
        builder.Property(u => u.ResolvedBy).HasMaxLength(256);
        builder.HasIndex(u => u.Key).IsUnique();
    }
}
