using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.PolicyCategories;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>
/// Re-scores open flags (New, Escalated) in id-ordered batches: time left to the SLA, cluster size,
/// new reviewer labels and new confirmed violations all move priority after ingestion. Each batch is
/// its own short transaction; a flag decided meanwhile is skipped by the status condition of the update.
/// </summary>
public sealed class RefreshFlagPriorityJob(
    IDbContextFactory<AppDbContext> dbFactory,
    IOptionsMonitor<IngestionOptions> options,
    TimeProvider clock)
{
    public const string Name = "refresh-flag-priority";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var batchSize = options.CurrentValue.PriorityRefreshBatchSize;
        var updated = 0;
        long after = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var taxonomy = await PolicyCatalogService.LoadTaxonomyAsync(db, cancellationToken);
            var scorer = new PriorityScorer(db, taxonomy, clock.GetUtcNow());
            var batch = await db.Set<Flag>().AsNoTracking()
                .Where(f => f.Id > after && (f.Status == FlagStatus.New || f.Status == FlagStatus.Escalated))
                .OrderBy(f => f.Id)
                .Take(batchSize)
                .Select(f => new
                {
                    f.Id,
                    f.ClassifierName,
                    f.ClassifierVersion,
                    f.OrganizationId,
                    f.CreatedAt,
                    f.SlaDueAt,
                    f.Priority,
                    ClusterSize = db.Set<FlagCluster>().Where(c => c.Id == f.ClusterId).Select(c => (int?)c.Size).FirstOrDefault() ?? 1,
                    Scores = f.Scores.Select(s => new CategoryScore(s.Category, s.Score, s.Flagged)).ToList(),
                })
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return updated;
            }

            foreach (var flag in batch)
            {
                var breakdown = await scorer.ScoreAsync(flag.Scores, flag.ClassifierName, flag.ClassifierVersion, flag.OrganizationId, flag.ClusterSize, flag.CreatedAt, flag.SlaDueAt, cancellationToken);
                var json = PriorityCalculator.ToJson(breakdown);
                updated += await db.Set<Flag>()
                    .Where(f => f.Id == flag.Id && (f.Status == FlagStatus.New || f.Status == FlagStatus.Escalated))
                    .ExecuteUpdateAsync(s => s.SetProperty(f => f.Priority, breakdown.Score).SetProperty(f => f.PriorityBreakdownJson, json), cancellationToken);
            }

            after = batch[^1].Id;
        }
    }
}
