using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReviewConsole.Data.Incidents;

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> builder)
    {
        builder.Property(i => i.Title).HasMaxLength(200);
        builder.Property(i => i.Summary).HasMaxLength(4000);
        builder.Property(i => i.MisuseType).HasConversion<string>().HasMaxLength(40);
        builder.Property(i => i.Severity).HasConversion<string>().HasMaxLength(10);
        builder.Property(i => i.SeverityAtResolution).HasConversion<string>().HasMaxLength(10);
        builder.Property(i => i.HarmLevel).HasConversion<string>().HasMaxLength(20);
        builder.Property(i => i.Reversibility).HasConversion<string>().HasMaxLength(30);
        builder.Property(i => i.DetectionSource).HasConversion<string>().HasMaxLength(30);
        builder.Property(i => i.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(i => i.CommanderId).HasMaxLength(100);
        builder.Property(i => i.CommanderName).HasMaxLength(256);
        builder.Property(i => i.CommunicationsOwnerId).HasMaxLength(100);
        builder.Property(i => i.CommunicationsOwnerName).HasMaxLength(256);
        builder.Property(i => i.OpenedBy).HasMaxLength(256);
        builder.Property(i => i.Version).IsConcurrencyToken();
        builder.HasMany(i => i.Responders).WithOne().HasForeignKey(r => r.IncidentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(i => new { i.Status, i.Severity });
        builder.HasIndex(i => i.DetectedAt);
    }
}

internal sealed class IncidentResponderConfiguration : IEntityTypeConfiguration<IncidentResponder>
{
    public void Configure(EntityTypeBuilder<IncidentResponder> builder)
    {
        builder.Property(r => r.UserId).HasMaxLength(100);
        builder.Property(r => r.UserName).HasMaxLength(256);
        builder.HasIndex(r => new { r.IncidentId, r.UserId }).IsUnique();
    }
}

internal sealed class IncidentRoleChangeConfiguration : IEntityTypeConfiguration<IncidentRoleChange>
{
    public void Configure(EntityTypeBuilder<IncidentRoleChange> builder)
    {
        builder.Property(r => r.Role).HasConversion<string>().HasMaxLength(30);
        builder.Property(r => r.UserId).HasMaxLength(100);
        builder.Property(r => r.UserName).HasMaxLength(256);
        builder.Property(r => r.ChangedBy).HasMaxLength(256);
        builder.HasOne<Incident>().WithMany().HasForeignKey(r => r.IncidentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.IncidentId, r.ChangedAt });
    }
}

internal sealed class IncidentStatusChangeConfiguration : IEntityTypeConfiguration<IncidentStatusChange>
{
    public void Configure(EntityTypeBuilder<IncidentStatusChange> builder)
    {
        builder.Property(s => s.From).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.To).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.ChangedBy).HasMaxLength(256);
        builder.Property(s => s.Note).HasMaxLength(2000);
        builder.HasOne<Incident>().WithMany().HasForeignKey(s => s.IncidentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.IncidentId, s.RecordedAt });
    }
}

internal sealed class IncidentTimelineEntryConfiguration : IEntityTypeConfiguration<IncidentTimelineEntry>
{
    public void Configure(EntityTypeBuilder<IncidentTimelineEntry> builder)
    {
        builder.Property(t => t.Kind).HasConversion<string>().HasMaxLength(30);
        builder.Property(t => t.Author).HasMaxLength(256);
        builder.Property(t => t.Text).HasMaxLength(4000);
        builder.HasOne<Incident>().WithMany().HasForeignKey(t => t.IncidentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => new { t.IncidentId, t.At });
        // An enforcement outcome is written once per action (the sync re-runs safely).
        builder.HasIndex(t => new { t.IncidentId, t.Kind, t.EnforcementActionId });
    }
}

internal sealed class IncidentLinkConfiguration : IEntityTypeConfiguration<IncidentLink>
{
    public void Configure(EntityTypeBuilder<IncidentLink> builder)
    {
        builder.Property(l => l.Type).HasConversion<string>().HasMaxLength(30);
        builder.Property(l => l.LinkedBy).HasMaxLength(256);
        builder.HasOne<Incident>().WithMany().HasForeignKey(l => l.IncidentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(l => new { l.IncidentId, l.Type, l.TargetId }).IsUnique();
        // "Which incidents is this flag / org / action part of" from the other pages.
        builder.HasIndex(l => new { l.Type, l.TargetId });
    }
}

internal sealed class RetrospectiveConfiguration : IEntityTypeConfiguration<Retrospective>
{
    public void Configure(EntityTypeBuilder<Retrospective> builder)
    {
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.UpdatedBy).HasMaxLength(256);
        builder.Property(r => r.SubmittedBy).HasMaxLength(256);
        builder.Property(r => r.ApprovedBy).HasMaxLength(256);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasOne<Incident>().WithMany().HasForeignKey(r => r.IncidentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => r.IncidentId).IsUnique();
    }
}

internal sealed class RetrospectiveAuthorConfiguration : IEntityTypeConfiguration<RetrospectiveAuthor>
{
    public void Configure(EntityTypeBuilder<RetrospectiveAuthor> builder)
    {
        builder.Property(a => a.UserId).HasMaxLength(100);
        builder.Property(a => a.UserName).HasMaxLength(256);
        builder.HasIndex(a => new { a.IncidentId, a.UserId }).IsUnique();
        builder.HasOne<Incident>().WithMany().HasForeignKey(a => a.IncidentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IncidentActionItemConfiguration : IEntityTypeConfiguration<IncidentActionItem>
{
    public void Configure(EntityTypeBuilder<IncidentActionItem> builder)
    {
        builder.Property(a => a.Title).HasMaxLength(500);
        builder.Property(a => a.OwnerId).HasMaxLength(100);
        builder.Property(a => a.OwnerName).HasMaxLength(256);
        builder.Property(a => a.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.Resolution).HasMaxLength(2000);
        builder.Property(a => a.CreatedBy).HasMaxLength(256);
        builder.HasOne<Incident>().WithMany().HasForeignKey(a => a.IncidentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => new { a.Status, a.DueOn });
        builder.HasIndex(a => a.IncidentId);
    }
}
