using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewConsole.Data.Actors;

namespace ReviewConsole.Data.Enforcement;

internal sealed class NoticeTemplateVersionConfiguration : IEntityTypeConfiguration<NoticeTemplateVersion>
{
    public void Configure(EntityTypeBuilder<NoticeTemplateVersion> builder)
    {
        builder.Property(t => t.Key).HasMaxLength(60);
        builder.HasIndex(t => new { t.Key, t.Version }).IsUnique();
        builder.Property(t => t.Name).HasMaxLength(200);
        builder.Property(t => t.Subject).HasMaxLength(300);
        builder.Property(t => t.Body).HasMaxLength(8000);
        builder.Property(t => t.CreatedBy).HasMaxLength(256);
        builder.HasData(DefaultNoticeTemplates.All.Select(t => new NoticeTemplateVersion
        {
            Id = t.Id,
            Key = t.Key,
            Version = t.Version,
            Name = t.Name,
            Subject = t.Subject,
            Body = t.Body,
            CreatedBy = t.CreatedBy,
            CreatedAt = t.CreatedAt,
        }));
    }
}

internal sealed class NoticeConfiguration : IEntityTypeConfiguration<Notice>
{
    public void Configure(EntityTypeBuilder<Notice> builder)
    {
        builder.HasIndex(n => n.EnforcementActionId).IsUnique();
        builder.HasIndex(n => new { n.OrganizationId, n.Id });
        builder.Property(n => n.TemplateKey).HasMaxLength(60);
        builder.Property(n => n.Subject).HasMaxLength(300);
        builder.Property(n => n.Body).HasMaxLength(8000);
        builder.HasOne<Organization>().WithMany().HasForeignKey(n => n.OrganizationId).OnDelete(DeleteBehavior.Restrict);
    }
}
