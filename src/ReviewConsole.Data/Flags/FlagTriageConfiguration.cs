using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReviewConsole.Data.Flags;

/// <summary>Indexes the triage claim needs, kept apart from the ingestion-owned configuration.</summary>
internal sealed class FlagTriageConfiguration : IEntityTypeConfiguration<Flag>
{
    public void Configure(EntityTypeBuilder<Flag> builder)
    {
        // Next offers flags assigned to the reviewer first: an index lookup, not a scan.
        builder.HasIndex(f => new { f.AssignedTo, f.Status });
    }
}
