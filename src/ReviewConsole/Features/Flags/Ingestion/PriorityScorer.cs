using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.PolicyCategories;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>
/// Gathers the database inputs of <see cref="PriorityCalculator"/> for many flags in one operation
/// (an ingestion batch, a refresh batch), caching per classifier version and per organization so a
/// batch of a thousand flags costs a handful of queries, not thousands.
/// </summary>
public sealed class PriorityScorer(AppDbContext db, PolicyTaxonomy taxonomy, DateTimeOffset now)
{
    private readonly Dictionary<(string Name, string Version), IReadOnlyDictionary<string, PrecisionEstimate>> precision = [];
    private readonly Dictionary<long, int> violations = [];

    public PolicyTaxonomy Taxonomy => taxonomy;

    public DateTimeOffset Now => now;

    public async Task<PriorityBreakdown> ScoreAsync(
        IReadOnlyList<CategoryScore> scores,
        string classifierName,
        string classifierVersion,
        long organizationId,
        int clusterSize,
        DateTimeOffset createdAt,
        DateTimeOffset slaDueAt,
        CancellationToken cancellationToken)
    {
        var inputs = new PriorityInputs(
            scores,
            taxonomy.SeverityWeights,
            await PrecisionAsync(classifierName, classifierVersion, cancellationToken),
            await ViolationsAsync(organizationId, cancellationToken),
            clusterSize,
            createdAt,
            slaDueAt,
            now);
        return PriorityCalculator.Compute(inputs);
    }

    /// <summary>Reads the inputs of many flags in one query per kind (an intake chunk, a refresh
    /// batch): the violation counts of every organization not yet cached, and the precision of every
    /// classifier version not yet cached.</summary>
    public async Task PreloadAsync(IEnumerable<long> organizationIds, IEnumerable<(string Name, string Version)> classifiers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organizationIds);
        ArgumentNullException.ThrowIfNull(classifiers);
        var orgs = organizationIds.Distinct().Where(id => !violations.ContainsKey(id)).ToList();
        if (orgs.Count > 0)
        {
            // The organization's counter (maintained with each decision, see FlagCounters): the
            // figure the actor panel shows, read without counting its decisions.
            var counts = await db.Set<Organization>().AsNoTracking()
                .Where(o => orgs.Contains(o.Id))
                .Select(o => new { o.Id, o.ConfirmedViolations })
                .ToListAsync(cancellationToken);
            foreach (var org in orgs)
            {
                violations[org] = 0;
            }

            foreach (var c in counts)
            {
                violations[c.Id] = c.ConfirmedViolations;
            }
        }

        foreach (var (name, version) in classifiers.Distinct())
        {
            await PrecisionAsync(name, version, cancellationToken);
        }
    }

    /// <summary>The review deadline: creation time plus the strictest SLA among the flagged
    /// categories (the top-scoring one when nothing was flagged).</summary>
    public DateTimeOffset SlaDueAt(IReadOnlyList<CategoryScore> scores, DateTimeOffset createdAt) => SlaDueAt(taxonomy, scores, createdAt);

    /// <inheritdoc cref="SlaDueAt(IReadOnlyList{CategoryScore}, DateTimeOffset)"/>
    public static DateTimeOffset SlaDueAt(PolicyTaxonomy taxonomy, IReadOnlyList<CategoryScore> scores, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(taxonomy);
        ArgumentNullException.ThrowIfNull(scores);
        return createdAt + taxonomy.SlaFor(Drivers(scores));

        // The flagged categories, else the top-scoring one (the first of equal scores).
        static IEnumerable<string> Drivers(IReadOnlyList<CategoryScore> scores)
        {
            CategoryScore? top = null;
            var anyFlagged = false;
            foreach (var score in scores)
            {
                if (score.Flagged)
                {
                    anyFlagged = true;
                    yield return score.Category;
                }

                if (top is null || score.Score > top.Score)
                {
                    top = score;
                }
            }

            if (!anyFlagged && top is not null)
            {
                yield return top.Category;
            }
        }
    }

    private async Task<IReadOnlyDictionary<string, PrecisionEstimate>> PrecisionAsync(string name, string version, CancellationToken cancellationToken)
    {
        if (precision.TryGetValue((name, version), out var cached))
        {
            return cached;
        }

        // The classifier version's label counters (kept with every label), not a count of its labels.
        var counts = await db.Set<ClassifierLabelCount>().AsNoTracking()
            .Where(c => c.ClassifierName == name && c.ClassifierVersion == version && c.TruePositives + c.FalsePositives > 0)
            .Select(c => new { c.Category, Labels = c.TruePositives + c.FalsePositives, c.TruePositives })
            .ToListAsync(cancellationToken);
        var estimates = counts.ToDictionary(c => c.Category, c => PrecisionEstimate.From(c.TruePositives, c.Labels), StringComparer.Ordinal);
        precision[(name, version)] = estimates;
        return estimates;
    }

    private async Task<int> ViolationsAsync(long organizationId, CancellationToken cancellationToken)
    {
        if (violations.TryGetValue(organizationId, out var cached))
        {
            return cached;
        }

        var count = await db.Set<Organization>().AsNoTracking()
            .Where(o => o.Id == organizationId)
            .Select(o => o.ConfirmedViolations)
            .FirstOrDefaultAsync(cancellationToken);
        violations[organizationId] = count;
        return count;
    }
}
