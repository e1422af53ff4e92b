using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReviewConsole.Data.Flags;

/// <summary>A reviewer's named queue filter (the filter itself as JSON, so new filter fields need no migration).</summary>
public class SavedFilter
{
    public long Id { get; set; }

    public required string OwnerId { get; set; }

    public required string Name { get; set; }

    public string FilterJson { get; set; } = "{}";

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class SavedFilterConfiguration : IEntityTypeConfiguration<SavedFilter>
{
    public void Configure(EntityTypeBuilder<SavedFilter> builder)
    {
        builder.Property(f => f.OwnerId).HasMaxLength(100);
        builder.Property(f => f.Name).HasMaxLength(100);
        builder.Property(f => f.FilterJson).HasMaxLength(4000);
        builder.HasIndex(f => new { f.OwnerId, f.Name }).IsUnique();
    }
}
