namespace ReviewConsole.Data.Audit;

/// <summary>
/// One append-only audit event. <see cref="Hash"/> is SHA-256 over the previous event's hash and
/// this event's content, so any edit or deletion breaks the chain at that row.
/// </summary>
public class AuditEvent
{
    public long Id { get; set; }

    /// <summary>Position in the chain, 1-based and gapless (assigned under the chain head's lock).</summary>
    public long Sequence { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>The staff user id, <c>system</c> for jobs, or <c>token:{id}</c> for API tokens.</summary>
    public required string ActorId { get; set; }

    public string ActorName { get; set; } = "";

    /// <summary>Dotted kind, e.g. <c>flag.decided</c>, <c>enforcement.approved</c>, <c>user.signin-failed</c>.</summary>
    public required string Kind { get; set; }

    public string TargetType { get; set; } = "";

    public string TargetId { get; set; } = "";

    public string Summary { get; set; } = "";

    public string? BeforeJson { get; set; }

    public string? AfterJson { get; set; }

    public string? Reason { get; set; }

    public string? RequestId { get; set; }

    public required string PreviousHash { get; set; }

    public required string Hash { get; set; }
}

/// <summary>The single row that serializes appends: its lock orders events across app nodes.</summary>
public class AuditChainHead
{
    public const int SingletonId = 1;
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public int Id { get; set; }

    public long Sequence { get; set; }

    public string LastHash { get; set; } = GenesisHash;
}
