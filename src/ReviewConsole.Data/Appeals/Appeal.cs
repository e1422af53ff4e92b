namespace ReviewConsole.Data.Appeals;

public enum AppealSource
{
    Api,
    Staff,
}

public enum AppealState
{
    Open,
    Upheld,
    Overturned,
}

/// <summary>
/// An organization's appeal against one sanction (an enforcement action). One appeal per sanction
/// (unique <see cref="EnforcementActionId"/>); decided by someone other than the original decider.
/// <see cref="Text"/> is written by the appellant: rendered as text only.
/// </summary>
public class Appeal
{
    public long Id { get; set; }

    public long EnforcementActionId { get; set; }

    public long OrganizationId { get; set; }

    public AppealSource Source { get; set; }

    public required string Text { get; set; }

    /// <summary>Who to answer (as the appellant gave it).</summary>
    public string? Contact { get; set; }

    /// <summary>The API token or staff member that filed it.</summary>
    public required string SubmittedBy { get; set; }

    public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>The SLA: decide before this.</summary>
    public DateTimeOffset DueAt { get; set; }

    public AppealState State { get; set; }

    public string? DecidedBy { get; set; }

    public string? DecidedById { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public string? DecisionNote { get; set; }
}
