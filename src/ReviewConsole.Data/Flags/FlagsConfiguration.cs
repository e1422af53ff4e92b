using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewConsole.Data.Actors;

namespace ReviewConsole.Data.Flags;

internal sealed class FlagConfiguration : IEntityTypeConfiguration<Flag>
{
    public void Configure(EntityTypeBuilder<Flag> builder)
    {
        builder.Property(f => f.UpstreamId).HasMaxLength(200);
        builder.HasIndex(f => f.UpstreamId).IsUnique();
        builder.Property(f => f.Source).HasConversion<string>().HasMaxLength(20);
        builder.Property(f => f.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(f => f.Model).HasMaxLength(100);
        builder.Property(f => f.ClassifierName).HasMaxLength(100);
        builder.Property(f => f.ClassifierVersion).HasMaxLength(50);
        builder.Property(f => f.TopCategory).HasMaxLength(100);
        builder.Property(f => f.ContentHash).HasMaxLength(64);
        builder.Property(f => f.LeaseOwner).HasMaxLength(100);
        builder.Property(f => f.AssignedTo).HasMaxLength(100);
        builder.HasOne<Organization>().WithMany().HasForeignKey(f => f.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Application>().WithMany().HasForeignKey(f => f.ApplicationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ApiKey>().WithMany().HasForeignKey(f => f.ApiKeyId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<FlagCluster>().WithMany().HasForeignKey(f => f.ClusterId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(f => f.Scores).WithOne().HasForeignKey(s => s.FlagId).OnDelete(DeleteBehavior.Cascade);

        // The Next claim and the queue's default order: open flags by priority, then age.
        builder.HasIndex(f => new { f.Status, f.Priority, f.Id });
        // Keyset paging on the queue's other sort keys.
        builder.HasIndex(f => new { f.CreatedAt, f.Id });
        builder.HasIndex(f => new { f.SlaDueAt, f.Id });
        builder.HasIndex(f => new { f.TopCategory, f.Status });
        builder.HasIndex(f => new { f.OrganizationId, f.CreatedAt });
        // No index on ClusterId alone: (ClusterId, Status) and (ClusterId, Priority, Id) lead with it
        // (FlagTriageConfiguration), and a third copy cost every intake insert one more B-tree.
        // Partial: almost every flag has no lease, and SQLite's ANALYZE counts all those NULLs as one
        // value of ~N rows, so with a full index its planner scanned the table for a reviewer's leases
        // (0.2-0.9 s per Next at 1M flags). The partial index holds only the leased rows.
        builder.HasIndex(f => f.LeaseOwner).HasFilter("\"LeaseOwner\" IS NOT NULL");
    }
}

internal sealed class FlagCategoryScoreConfiguration : IEntityTypeConfiguration<FlagCategoryScore>
{
    public void Configure(EntityTypeBuilder<FlagCategoryScore> builder)
    {
        builder.Property(s => s.Category).HasMaxLength(100);
        // (Category, Flagged), not (Category, Score): the below-threshold sample and the category
        // merge look scores up by category and flag, never by score order, and an index ordered by
        // score takes every new score at a random place (11 per flag) — the costliest write of
        // intake. This one appends each new row at the end of its (category, flagged) run.
        builder.HasIndex(s => new { s.Category, s.Flagged });
        builder.HasIndex(s => new { s.FlagId, s.Category }).IsUnique();
    }
}

internal sealed class FlagClusterConfiguration : IEntityTypeConfiguration<FlagCluster>
{
    public void Configure(EntityTypeBuilder<FlagCluster> builder)
    {
        builder.Property(c => c.Excerpt).HasMaxLength(300);
        builder.HasIndex(c => c.SimHash);
        builder.HasIndex(c => c.LastSeenAt);
    }
}

internal sealed class FlagDecisionConfiguration : IEntityTypeConfiguration<FlagDecision>
{
    public void Configure(EntityTypeBuilder<FlagDecision> builder)
    {
        builder.Property(d => d.Verdict).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.Action).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.ConfirmedCategories).HasMaxLength(1000);
        builder.Property(d => d.PolicyClause).HasMaxLength(200);
        builder.Property(d => d.Reason).HasMaxLength(4000);
        builder.Property(d => d.DecidedBy).HasMaxLength(100);
        builder.Property(d => d.DecidedByName).HasMaxLength(256);
        builder.Property(d => d.PolicyVersions).HasMaxLength(1000);
        builder.HasOne<Flag>().WithMany().HasForeignKey(d => d.FlagId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(d => d.Labels).WithOne().HasForeignKey(l => l.DecisionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(d => new { d.FlagId, d.DecidedAt });
        builder.HasIndex(d => new { d.DecidedBy, d.DecidedAt });
        builder.HasIndex(d => d.DecidedAt);
    }
}

internal sealed class DecisionLabelConfiguration : IEntityTypeConfiguration<DecisionLabel>
{
    public void Configure(EntityTypeBuilder<DecisionLabel> builder)
    {
        builder.Property(l => l.Category).HasMaxLength(100);
        builder.Property(l => l.ClassifierName).HasMaxLength(100);
        builder.Property(l => l.ClassifierVersion).HasMaxLength(50);
        builder.Property(l => l.Outcome).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(l => new { l.ClassifierName, l.ClassifierVersion, l.Category });
        builder.HasIndex(l => l.LabeledAt);
    }
}

internal sealed class IngestionErrorConfiguration : IEntityTypeConfiguration<IngestionError>
{
    public void Configure(EntityTypeBuilder<IngestionError> builder)
    {
        builder.Property(e => e.Source).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.Reason).HasMaxLength(1000);
        builder.Property(e => e.UpstreamId).HasMaxLength(200);
        builder.Property(e => e.Origin).HasMaxLength(500);
        builder.Property(e => e.RawPayload).HasMaxLength(4000);
        builder.HasIndex(e => e.ReceivedAt);
        // The admin list filters by source and pages newest first.
        builder.HasIndex(e => new { e.Source, e.Id });
    }
}

internal sealed class FeedCursorConfiguration : IEntityTypeConfiguration<FeedCursor>
{
    public void Configure(EntityTypeBuilder<FeedCursor> builder)
    {
        builder.HasKey(c => c.Name);
        builder.Property(c => c.Name).HasMaxLength(100);
        builder.Property(c => c.Cursor).HasMaxLength(1000);
        builder.Property(c => c.LastError).HasMaxLength(2000);
    }
}

internal sealed class FlagJobLeaseConfiguration : IEntityTypeConfiguration<FlagJobLease>
{
    public void Configure(EntityTypeBuilder<FlagJobLease> builder)
    {
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(100);
        builder.Property(l => l.Owner).HasMaxLength(200);
        // The row exists from the start, so taking the lease is always one conditional update.
        builder.HasData(new FlagJobLease { Name = FlagJobLease.PriorityRefresh });
    }
}
