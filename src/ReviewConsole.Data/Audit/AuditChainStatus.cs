namespace ReviewConsole.Data.Audit;

/// <summary>
/// The result of the last audit-chain verification (one row). Every run re-walks the whole chain;
/// <see cref="LastVerifiedSequence"/> and <see cref="LastVerifiedHash"/> are the checkpoint the next
/// run must pass through unchanged (optionally HMAC-signed with a key kept outside the database), and
/// the first broken event is kept so the console names it until an auditor has looked.
/// </summary>
public class AuditChainStatus
{
    public const int SingletonId = 1;

    public int Id { get; set; }

    /// <summary>The highest sequence whose hash and link were verified (0 = nothing verified yet).</summary>
    public long LastVerifiedSequence { get; set; }

    /// <summary>The hash of the event at <see cref="LastVerifiedSequence"/>, the link the next run checks against.</summary>
    public string LastVerifiedHash { get; set; } = AuditChainHead.GenesisHash;

    /// <summary>HMAC-SHA256 of the checkpoint under Audit:CheckpointKey (null when no key is configured).</summary>
    public string? CheckpointSignature { get; set; }

    /// <summary>The first event whose content, link or position does not match; null while the chain is intact.</summary>
    public long? FirstBrokenSequence { get; set; }

    public string? BrokenReason { get; set; }

    public DateTimeOffset? BrokenDetectedAt { get; set; }

    public DateTimeOffset? CheckedAt { get; set; }

    /// <summary>Events checked by the last run (the whole chain up to the first break).</summary>
    public long EventsCheckedLastRun { get; set; }
}
