using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReviewConsole.Data.System;

internal sealed class JobHeartbeatConfiguration : IEntityTypeConfiguration<JobHeartbeat>
{
    public void Configure(EntityTypeBuilder<JobHeartbeat> builder)
    {
        builder.HasKey(h => h.Name);
        builder.Property(h => h.Name).HasMaxLength(100);
        builder.Property(h => h.Node).HasMaxLength(200);
    }
}
