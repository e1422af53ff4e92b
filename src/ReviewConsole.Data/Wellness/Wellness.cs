using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReviewConsole.Data.Wellness;

/// <summary>
/// One reviewer's exposure to one flagged category of one flag, recorded when the flag is claimed.
/// Daily caps count these rows (distinct flags per category per UTC day); the unique index keeps a
/// re-claim of the same flag from counting twice.
/// </summary>
public class ReviewerExposure
{
    public long Id { get; set; }

    public required string ReviewerId { get; set; }

    public string ReviewerName { get; set; } = "";

    public long FlagId { get; set; }

    public required string Category { get; set; }

    public DateTimeOffset ExposedAt { get; set; }
}

/// <summary>A reviewer's own wellness settings, overriding the category defaults.</summary>
public class WellnessPreference
{
    public required string UserId { get; set; }

    /// <summary>Blur every category's content, sensitive or not.</summary>
    public bool BlurAll { get; set; }

    /// <summary>Space-separated category keys the reviewer chose to see unblurred despite the default.</summary>
    public string UnblurredCategories { get; set; } = "";

    /// <summary>Grayscale images/content in blurred views (on by default).</summary>
    public bool Grayscale { get; set; } = true;

    /// <summary>Personal break reminder interval; null = the configured default.</summary>
    public int? BreakReminderMinutes { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class ReviewerExposureConfiguration : IEntityTypeConfiguration<ReviewerExposure>
{
    public void Configure(EntityTypeBuilder<ReviewerExposure> builder)
    {
        builder.Property(e => e.ReviewerId).HasMaxLength(100);
        builder.Property(e => e.ReviewerName).HasMaxLength(256);
        builder.Property(e => e.Category).HasMaxLength(100);
        builder.HasIndex(e => new { e.ReviewerId, e.FlagId, e.Category }).IsUnique();
        builder.HasIndex(e => new { e.ReviewerId, e.ExposedAt });
        builder.HasIndex(e => e.ExposedAt);
    }
}

internal sealed class WellnessPreferenceConfiguration : IEntityTypeConfiguration<WellnessPreference>
{
    public void Configure(EntityTypeBuilder<WellnessPreference> builder)
    {
        builder.HasKey(p => p.UserId);
        builder.Property(p => p.UserId).HasMaxLength(100);
        builder.Property(p => p.UnblurredCategories).HasMaxLength(2000);
    }
}
