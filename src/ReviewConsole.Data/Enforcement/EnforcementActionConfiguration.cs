using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReviewConsole.Data.Enforcement;

internal sealed class EnforcementActionConfiguration : IEntityTypeConfiguration<EnforcementAction>
{
    public void Configure(EntityTypeBuilder<EnforcementAction> builder)
    {
        builder.Property(a => a.Kind).HasConversion<string>().HasMaxLength(40);
        builder.Property(a => a.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.TargetType).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.Reason).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.ReasonId).HasMaxLength(100);
        builder.Property(a => a.PolicyClause).HasMaxLength(200);
        builder.Property(a => a.Note).HasMaxLength(4000);
        builder.Property(a => a.ParametersJson).HasMaxLength(4000);
        builder.Property(a => a.RequestedBy).HasMaxLength(256);
        builder.Property(a => a.ApprovedBy).HasMaxLength(256);
        builder.Property(a => a.CancelledBy).HasMaxLength(256);
        builder.Property(a => a.RequestedById).HasMaxLength(100);
        builder.Property(a => a.ApprovedById).HasMaxLength(100);
        builder.Property(a => a.PreviousStateJson).HasMaxLength(4000);
        builder.Property(a => a.PlatformResponse).HasMaxLength(500);
        // Partial indexes on mostly-NULL lookup columns keep SQLite's planner statistics honest.
        builder.HasIndex(a => a.ReversesActionId).HasFilter("\"ReversesActionId\" IS NOT NULL");
        builder.Property(a => a.RequestGroupId).HasMaxLength(32);
        builder.HasIndex(a => a.RequestGroupId).HasFilter("\"RequestGroupId\" IS NOT NULL");
        builder.HasIndex(a => new { a.State, a.LeaseExpiresAt });
        builder.Property(a => a.IdempotencyKey).HasMaxLength(64);
        builder.HasIndex(a => a.IdempotencyKey).IsUnique();
        builder.Property(a => a.LastError).HasMaxLength(4000);
        builder.HasIndex(a => new { a.State, a.NextAttemptAt });
        builder.HasIndex(a => new { a.TargetType, a.TargetId });
        builder.HasIndex(a => a.OrganizationId);
        builder.HasIndex(a => new { a.Reason, a.ReasonId });
        // Statistics of a period read these from the index alone: enforcement by kind and in effect,
        // and decision-to-effect times, instead of scanning every action ever requested.
        builder.HasIndex(a => new { a.RequestedAt, a.ReversesActionId, a.Kind, a.State });
        builder.HasIndex(a => new { a.Reason, a.State, a.CompletedAt, a.ReasonId });
        builder.Property(a => a.NoticeOptOutReason).HasMaxLength(1000);
    }
}
