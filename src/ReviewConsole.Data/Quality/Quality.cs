using ReviewConsole.Data.Flags;
using ReviewConsole.Data.UseCases;

namespace ReviewConsole.Data.Quality;

public enum DoubleReviewState
{
    /// <summary>The first answer is in; waiting for a second reviewer (who cannot see it).</summary>
    AwaitingSecond,

    /// <summary>Both answers agree; the decision took effect.</summary>
    Agreed,

    /// <summary>The answers differ; a Lead must adjudicate before anything takes effect.</summary>
    AwaitingAdjudication,

    /// <summary>A Lead decided; that answer is final.</summary>
    Adjudicated,
}

/// <summary>
/// A blind double review of one flag. The first reviewer's answer is held here (not as a
/// <see cref="FlagDecision"/>) so no page, count or endpoint can show it to the second reviewer;
/// the one final <see cref="FlagDecision"/> (with labels and enforcement) is written at agreement or
/// adjudication and points back here.
/// </summary>
public class DoubleReview
{
    public long Id { get; set; }

    public long FlagId { get; set; }

    public DoubleReviewState State { get; set; }

    /// <summary>The sampling rate that selected the flag (the severe-category rate or the base rate).</summary>
    public double SampleRate { get; set; }

    public DateTimeOffset SampledAt { get; set; }

    public required string FirstReviewerId { get; set; }

    public string FirstReviewerName { get; set; } = "";

    public Verdict FirstVerdict { get; set; }

    public string FirstCategories { get; set; } = "";

    public DecisionAction FirstAction { get; set; }

    public string FirstClause { get; set; } = "";

    public string FirstReason { get; set; } = "";

    public string? SecondReviewerId { get; set; }

    public string? SecondReviewerName { get; set; }

    public Verdict? SecondVerdict { get; set; }

    public string SecondCategories { get; set; } = "";

    public DecisionAction? SecondAction { get; set; }

    public string SecondClause { get; set; } = "";

    public string SecondReason { get; set; } = "";

    public DateTimeOffset? SecondAt { get; set; }

    public string? AdjudicatedBy { get; set; }

    public string? AdjudicatedByName { get; set; }

    public DateTimeOffset? AdjudicatedAt { get; set; }

    public long? FinalDecisionId { get; set; }

    /// <summary>The policy versions (<c>key@version</c>) in force when the first answer was given.</summary>
    public string PolicyVersions { get; set; } = "";

    /// <summary>For a sampled cluster decision: the cluster. <see cref="FlagId"/> is then the
    /// representative member the second reviewer answers on, and <see cref="DoubleReviewMember"/> rows
    /// hold every confirmed member the decision will apply to.</summary>
    public long? ClusterId { get; set; }

    /// <summary>How many flags the review decides (1, or the held members of a cluster decision).</summary>
    public int MemberCount { get; set; } = 1;
}

/// <summary>A flag held by a sampled cluster decision: it waits in <see cref="FlagStatus.InDoubleReview"/>
/// and is decided (once) with the rest of the held members at agreement or adjudication.</summary>
public class DoubleReviewMember
{
    public long DoubleReviewId { get; set; }

    public long FlagId { get; set; }
}

public enum GoldenSourceKind
{
    Flag,
    UseCase,
}

/// <summary>
/// A known-answer item: an adjudicated flag (or use-case submission) whose expected verdict,
/// categories and clause a Lead fixed. Served among ordinary Next claims; answers are scored only.
/// </summary>
public class GoldenItem
{
    public long Id { get; set; }

    public GoldenSourceKind Kind { get; set; }

    /// <summary>The flag (or use-case submission) id the item shows.</summary>
    public long SourceId { get; set; }

    public Verdict ExpectedVerdict { get; set; }

    /// <summary>Space-separated category keys (empty for no violation).</summary>
    public string ExpectedCategories { get; set; } = "";

    public string ExpectedClause { get; set; } = "";

    /// <summary>For a use-case item: the decision it expects (the one the Lead promoted, unless overridden).</summary>
    public UseCaseDecisionKind? ExpectedDecision { get; set; }

    /// <summary>For a use-case item: the decision whose revision and starting state the item replays
    /// (the reviewer sees the submission as it was when that decision was taken).</summary>
    public long? SourceDecisionId { get; set; }

    public string Note { get; set; } = "";

    public bool IsActive { get; set; } = true;

    public required string PromotedBy { get; set; }

    public string PromotedByName { get; set; } = "";

    public DateTimeOffset PromotedAt { get; set; }
}

/// <summary>One reviewer's attempt at a golden item: claimed by Next, answered on the ordinary
/// triage page, scored against the expected answer. Never a decision, a label or enforcement.</summary>
public class GoldenAnswer
{
    public long Id { get; set; }

    public long GoldenItemId { get; set; }

    public required string ReviewerId { get; set; }

    public string ReviewerName { get; set; } = "";

    public DateTimeOffset AssignedAt { get; set; }

    /// <summary>The attempt is open until answered or this passes (then Next may serve it again).</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    public Verdict? Verdict { get; set; }

    public string Categories { get; set; } = "";

    public string Clause { get; set; } = "";

    /// <summary>For a use-case item: the decision the reviewer gave.</summary>
    public UseCaseDecisionKind? Decision { get; set; }

    /// <summary>For a use-case item: the note, questions and conditions of the answer (JSON), so the
    /// reviewer's page keeps showing the submission as their decision left it.</summary>
    public string? AnswerJson { get; set; }

    public bool? VerdictCorrect { get; set; }

    public bool? CategoriesCorrect { get; set; }

    /// <summary>Verdict and categories both match the expected answer.</summary>
    public bool? Correct { get; set; }
}

/// <summary>A category key an intake record carried that the taxonomy did not know. The record was
/// stored anyway; an Admin maps the key to a category or creates one with it.</summary>
public class UnknownCategory
{
    public long Id { get; set; }

    public required string Key { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>Flags stored with a score for this key.</summary>
    public int FlagCount { get; set; }

    /// <summary>An example flag carrying the key.</summary>
    public long? ExampleFlagId { get; set; }

    /// <summary>The category key it was mapped to (scores were rewritten; future records translate).</summary>
    public string? MappedTo { get; set; }

    /// <summary>Set when the key was resolved (mapped, or a category with this key created).</summary>
    public DateTimeOffset? ResolvedAt { get; set; }

    public string? ResolvedBy { get; set; }
}
