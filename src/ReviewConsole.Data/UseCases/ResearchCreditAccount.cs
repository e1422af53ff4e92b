namespace ReviewConsole.Data.UseCases;

/// <summary>
/// The research-credit ledger of one approved research access submission: credits granted (by the
/// GrantResearchCredits action taking effect), credits used (kept up to date by every usage report
/// of the application's keys since the grant) and what remains. Exhaustion is stamped once, by the
/// usage write that crossed it, which also puts the use case back in the queue.
/// </summary>
public class ResearchCreditAccount
{
    public long Id { get; set; }

    public long SubmissionId { get; set; }

    public long ApplicationId { get; set; }

    public long OrganizationId { get; set; }

    public decimal GrantedUsd { get; set; }

    public decimal UsedUsd { get; set; }

    public long UsedTokens { get; set; }

    /// <summary>Usage from this UTC day on counts against the grant.</summary>
    public DateOnly StartsOn { get; set; }

    public DateTimeOffset GrantedAt { get; set; }

    /// <summary>The GrantResearchCredits action that opened the account (unique: applied once).</summary>
    public long GrantActionId { get; set; }

    public DateTimeOffset? ExhaustedAt { get; set; }

    public decimal RemainingUsd => Math.Max(0, GrantedUsd - UsedUsd);
}
