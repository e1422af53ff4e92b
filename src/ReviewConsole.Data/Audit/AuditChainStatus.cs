namespace ReviewConsole.Data.Audit;

/// <summary>
/// The result of the last audit-chain verification (one row). The job resumes from
/// <see cref="LastVerifiedSequence"/> so each run checks only new events, and it records the first
/// broken event so the console can name it until an auditor has looked.
/// </summary>
public class AuditChainStatus
{
    public const int SingletonId = 1;

    public int Id { get; set; }

    /// <summary>The highest sequence whose hash and link were verified (0 = nothing verified yet).</summary>
    public long LastVerifiedSequence { get; set; }

    /// <summary>The hash of the event at <see cref="LastVerifiedSequence"/>, the link the next run checks against.</summary>
    public string LastVerifiedHash { get; set; } = AuditChainHead.GenesisHash;

    /// <summary>The first event whose content, link or position does not match; null while the chain is intact.</summary>
    public long? FirstBrokenSequence { get; set; }

    public string? BrokenReason { get; set; }

    public DateTimeOffset? BrokenDetectedAt { get; set; }

    public DateTimeOffset? CheckedAt { get; set; }

    /// <summary>Events checked by the last run (0 when nothing new was appended).</summary>
    public long EventsCheckedLastRun { get; set; }
}
