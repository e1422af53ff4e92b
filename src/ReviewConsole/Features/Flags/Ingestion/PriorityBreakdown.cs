namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>
/// How a flag's priority (0..100) was computed, stored as JSON in <c>Flag.PriorityBreakdownJson</c>
/// for the triage view. The score is the rounded sum of the components' <see cref="PriorityComponent.Points"/>,
/// clamped to 0..100; each component says what it measured and how much it added.
/// </summary>
/// <param name="Score">The priority stored on the flag.</param>
/// <param name="Category">The category that drove the content component (highest severity × score).</param>
/// <param name="SeverityWeight">That category's severity weight (0..1) at the time.</param>
/// <param name="ClassifierScore">The classifier's score for that category (0..1).</param>
/// <param name="Precision">Estimated precision of this classifier version for that category (0..1).</param>
/// <param name="PrecisionLabels">How many reviewer labels the estimate rests on.</param>
/// <param name="PrecisionFromPrior">True when there were too few labels and the prior dominated.</param>
/// <param name="ActorViolations">Confirmed violations of the flag's organization before this flag.</param>
/// <param name="ClusterSize">Members of the flag's near-duplicate cluster, this flag included.</param>
/// <param name="SlaDueAt">When the review is due.</param>
/// <param name="SlaElapsedFraction">0 when the flag was just created, 1 at or after the SLA deadline.</param>
/// <param name="ComputedAt">When this breakdown was computed (time-to-SLA changes it).</param>
/// <param name="Components">Each component's contribution.</param>
public sealed record PriorityBreakdown(
    int Score,
    string Category,
    double SeverityWeight,
    double ClassifierScore,
    double Precision,
    int PrecisionLabels,
    bool PrecisionFromPrior,
    int ActorViolations,
    int ClusterSize,
    DateTimeOffset SlaDueAt,
    double SlaElapsedFraction,
    DateTimeOffset ComputedAt,
    IReadOnlyList<PriorityComponent> Components);

/// <summary>One term of the priority: its input normalized to 0..1 (<see cref="Value"/>), the most it
/// can add (<see cref="MaxPoints"/>), and what it added (<see cref="Points"/>).</summary>
public sealed record PriorityComponent(string Name, double Value, double MaxPoints, double Points, string Explanation);
