using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReviewConsole.Data.Flags;

/// <summary>Indexes the triage claim needs, kept apart from the ingestion-owned configuration.</summary>
internal sealed class FlagTriageConfiguration : IEntityTypeConfiguration<Flag>
{
    public void Configure(EntityTypeBuilder<Flag> builder)
    {
        // Next offers flags assigned to the reviewer first: an index lookup, not a scan.
        // Partial (few flags are assigned): see the LeaseOwner index.
        builder.HasIndex(f => new { f.AssignedTo, f.Status }).HasFilter("\"AssignedTo\" IS NOT NULL");
        // A cluster's open members are counted (counters on write) and listed by this range.
        builder.HasIndex(f => new { f.ClusterId, f.Status });
        // The cluster panel's first members by priority: read in order, never sorted.
        builder.HasIndex(f => new { f.ClusterId, f.Priority, f.Id });
        // The dashboard's queue depths group the open flags by status and category from this
        // covering index alone (open flags only, never the decided millions).
        builder.HasIndex(f => new { f.Status, f.TopCategory, f.SlaDueAt, f.CreatedAt });
    }
}

/// <summary>The actor panel's prior decisions of an organization: newest first, one index range.</summary>
internal sealed class FlagDecisionTriageConfiguration : IEntityTypeConfiguration<FlagDecision>
{
    public void Configure(EntityTypeBuilder<FlagDecision> builder) =>
        builder.HasIndex(d => new { d.OrganizationId, d.DecidedAt });
}
