using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ReviewConsole.Data.Audit;

internal sealed class AuditChainStatusConfiguration : IEntityTypeConfiguration<AuditChainStatus>
{
    public void Configure(EntityTypeBuilder<AuditChainStatus> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.LastVerifiedHash).HasMaxLength(64).IsFixedLength();
        builder.Property(s => s.CheckpointSignature).HasMaxLength(64);
        builder.Property(s => s.BrokenReason).HasMaxLength(1000);
        builder.HasData(new AuditChainStatus { Id = AuditChainStatus.SingletonId, LastVerifiedSequence = 0, LastVerifiedHash = AuditChainHead.GenesisHash });
    }
}
