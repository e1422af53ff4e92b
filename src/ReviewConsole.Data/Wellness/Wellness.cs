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

/// <summary>
/// How many flags of one category a reviewer was shown on one UTC day: the counter the exposure cap
/// is enforced on. Every path that shows content raises it with a conditional update
/// (<c>Count + n &lt;= cap</c>) in the transaction of its claim, so concurrent claims — other tabs,
/// other nodes — can never take a reviewer past the cap.
/// </summary>
public class ReviewerExposureDay
{
    public required string ReviewerId { get; set; }

    /// <summary>Midnight UTC of the day counted.</summary>
    public DateTimeOffset Day { get; set; }

    public required string Category { get; set; }

    public int Count { get; set; }
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

    /// <summary>When the current stretch of continuous reviewing began (null = none), kept here so the
    /// break reminder survives a reload or a new circuit.</summary>
    public DateTimeOffset? StretchStartedAt { get; set; }

    /// <summary>The reviewer's last triage activity, to tell a continuing stretch from a new one.</summary>
    public DateTimeOffset? LastActivityAt { get; set; }

    /// <summary>Reminders are snoozed until then.</summary>
    public DateTimeOffset? BreakSnoozedUntil { get; set; }

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

internal sealed class ReviewerExposureDayConfiguration : IEntityTypeConfiguration<ReviewerExposureDay>
{
    public void Configure(EntityTypeBuilder<ReviewerExposureDay> builder)
    {
        builder.HasKey(d => new { d.ReviewerId, d.Day, d.Category });
        builder.Property(d => d.ReviewerId).HasMaxLength(100);
        builder.Property(d => d.Category).HasMaxLength(100);
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
