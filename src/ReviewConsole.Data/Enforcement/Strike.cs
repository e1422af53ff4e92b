namespace ReviewConsole.Data.Enforcement;

/// <summary>
/// A weighted strike against an organization for a confirmed violation. Strikes add up to the
/// organization's standing; crossing a configured threshold proposes the next sanction.
/// (<see cref="Reason"/>, <see cref="ReasonId"/>) is unique, so recording the strike of one
/// decision twice (a retry, a second node) is impossible.
/// </summary>
public class Strike
{
    public long Id { get; set; }

    public long OrganizationId { get; set; }

    public int Weight { get; set; }

    /// <summary>The violated category (e.g. <c>hate</c>) that chose the weight.</summary>
    public string Category { get; set; } = "";

    public EnforcementReason Reason { get; set; }

    public required string ReasonId { get; set; }

    public string? PolicyClause { get; set; }

    public string Note { get; set; } = "";

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Strikes age out: after this time they no longer count.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Set when an appeal overturned the violation behind the strike.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevokedBy { get; set; }
}

public enum ProposalState
{
    Open,
    Confirmed,
    Dismissed,
}

/// <summary>The sanction a strike threshold proposes, waiting for a human to confirm or dismiss it.</summary>
public class SanctionProposal
{
    public long Id { get; set; }

    public long OrganizationId { get; set; }

    /// <summary>The strike that crossed the threshold.</summary>
    public long StrikeId { get; set; }

    /// <summary>The organization's active strike points when the threshold was crossed.</summary>
    public int Points { get; set; }

    public int Threshold { get; set; }

    public EnforcementKind ProposedKind { get; set; }

    public ProposalState State { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string? DecidedBy { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>The first enforcement action a confirmation requested.</summary>
    public long? EnforcementActionId { get; set; }
}
