using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewConsole.Data.Flags;

namespace ReviewConsole.Data.Statistics;

/// <summary>
/// How far the statistics rollup has folded the flag and decision tables (by id), and a version that
/// every change of the rollup bumps, so a reader can tell whether the rollup moved while it read.
/// One row (<see cref="SingletonId"/>).
/// </summary>
public class StatisticsRollupState
{
    public const int SingletonId = 1;

    public int Id { get; set; }

    /// <summary>Flags with an id up to this are counted in <see cref="FlagDayCount"/>.</summary>
    public long FlagWatermark { get; set; }

    /// <summary>Decisions with an id up to this are in <see cref="DecisionFact"/> and the day counts.</summary>
    public long DecisionWatermark { get; set; }

    public long Version { get; set; }
}

/// <summary>Flags flagged (by <c>CreatedAt</c>) on one UTC day, by top category and source.</summary>
public class FlagDayCount
{
    public DateOnly Day { get; set; }

    public required string TopCategory { get; set; }

    public FlagSource Source { get; set; }

    public int Count { get; set; }
}

/// <summary>
/// Decisions made on one UTC day by verdict and by the day of the same flag's previous decision
/// (<see cref="DecisionFact.None"/> for a first decision): the flags reviewed in a period of whole days
/// are the decisions in it whose previous decision lies before it.
/// </summary>
public class DecisionDayCount
{
    public DateOnly Day { get; set; }

    public DateOnly PreviousDay { get; set; }

    public Verdict Verdict { get; set; }

    public int Count { get; set; }
}

/// <summary>
/// Non-escalation decisions made on one UTC day by the day of the flag's previous non-escalation
/// decision and by flag→decision latency bucket: the histogram that locates the median's bucket, whose
/// exact values are then read from <see cref="DecisionFact"/>.
/// </summary>
public class LatencyDayCount
{
    public DateOnly Day { get; set; }

    public DateOnly PreviousDay { get; set; }

    public int Bucket { get; set; }

    public int Count { get; set; }
}

/// <summary>What one decision contributes to the statistics; derived from the flag's decisions in
/// time order (a later-inserted but earlier-dated decision re-derives its flag's facts).</summary>
public class DecisionFact
{
    /// <summary>"No previous decision": earlier than every day.</summary>
    public static readonly DateOnly None = DateOnly.MinValue;

    public long DecisionId { get; set; }

    public long FlagId { get; set; }

    public DateOnly Day { get; set; }

    public DateOnly PreviousDay { get; set; }

    public Verdict Verdict { get; set; }

    /// <summary>Day of the flag's previous non-escalation decision; null for an escalation (no latency).</summary>
    public DateOnly? LatencyPreviousDay { get; set; }

    public int? LatencyBucket { get; set; }

    /// <summary>Decision time minus the flag's <c>CreatedAt</c>, exact, in ticks.</summary>
    public long? LatencyTicks { get; set; }
}

internal sealed class StatisticsRollupConfiguration :
    IEntityTypeConfiguration<StatisticsRollupState>,
    IEntityTypeConfiguration<FlagDayCount>,
    IEntityTypeConfiguration<DecisionDayCount>,
    IEntityTypeConfiguration<LatencyDayCount>,
    IEntityTypeConfiguration<DecisionFact>
{
    public void Configure(EntityTypeBuilder<StatisticsRollupState> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.HasData(new StatisticsRollupState { Id = StatisticsRollupState.SingletonId });
    }

    public void Configure(EntityTypeBuilder<FlagDayCount> builder)
    {
        builder.HasKey(c => new { c.Day, c.TopCategory, c.Source });
        builder.Property(c => c.TopCategory).HasMaxLength(100);
        builder.Property(c => c.Source).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(c => c.TopCategory);
    }

    public void Configure(EntityTypeBuilder<DecisionDayCount> builder)
    {
        builder.HasKey(c => new { c.Day, c.PreviousDay, c.Verdict });
        builder.Property(c => c.Verdict).HasConversion<string>().HasMaxLength(20);
    }

    public void Configure(EntityTypeBuilder<LatencyDayCount> builder) =>
        builder.HasKey(c => new { c.Day, c.PreviousDay, c.Bucket });

    public void Configure(EntityTypeBuilder<DecisionFact> builder)
    {
        builder.HasKey(f => f.DecisionId);
        builder.Property(f => f.DecisionId).ValueGeneratedNever();
        builder.Property(f => f.Verdict).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(f => f.FlagId);
        // The median's bucket, over a period's days, read from the index alone.
        builder.HasIndex(f => new { f.LatencyBucket, f.Day, f.LatencyPreviousDay, f.LatencyTicks });
    }
}
