using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.PolicyCategories;

namespace ReviewConsole.Features.Flags.Ingestion;

/// <summary>What one run of the priority refresh did.</summary>
/// <param name="Ran">False when another node held the lease (this run did nothing).</param>
/// <param name="Examined">Open flags whose SLA component could have changed since the last run.</param>
/// <param name="Updated">Flags whose priority or breakdown changed and were written.</param>
public sealed record PriorityRefreshResult(bool Ran, int Examined, int Updated);

/// <summary>
/// Keeps open flags' priorities current as their SLA deadline approaches. Bounded three ways:
/// <list type="bullet">
/// <item>only flags whose SLA component can have changed since the last completed run are read: open
/// flags due after that run's time (<c>SlaDueAt &gt; watermark</c>, a range of the (SlaDueAt, Id) index);
/// a flag already past its deadline then sits at the component's maximum and is never read again;</item>
/// <item>each batch is one read and one set-based update, and a flag whose priority and breakdown come
/// out the same is not written;</item>
/// <item>one run at a time across all nodes, by the <see cref="FlagJobLease"/> row
/// "<see cref="FlagJobLease.PriorityRefresh"/>": an atomic conditional update takes it, each batch renews
/// it, the end releases it and moves the watermark; a run that finds it held returns at once.</item>
/// </list>
/// Decided flags are skipped by the status condition of the update. Cluster growth, new labels and new
/// violations are taken into account whenever a flag is re-scored in its SLA window.
/// </summary>
public sealed class RefreshFlagPriorityJob(
    IDbContextFactory<AppDbContext> dbFactory,
    IOptionsMonitor<IngestionOptions> options,
    TimeProvider clock)
{
    public const string Name = FlagJobLease.PriorityRefresh;

    /// <summary>How long a run owns the lease without renewing it (a node that died lets go after this).</summary>
    public static readonly TimeSpan LeaseLength = TimeSpan.FromMinutes(10);

    /// <summary>Hangfire's entry point: the number of flags written.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken) => (await RefreshAsync(cancellationToken)).Updated;

    public async Task<PriorityRefreshResult> RefreshAsync(CancellationToken cancellationToken)
    {
        var owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var taken = await db.Set<FlagJobLease>()
            .Where(l => l.Name == FlagJobLease.PriorityRefresh && (l.ExpiresAt == null || l.ExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, owner).SetProperty(l => l.ExpiresAt, now + LeaseLength), cancellationToken);
        if (taken != 1)
        {
            return new PriorityRefreshResult(false, 0, 0);
        }

        var completed = false;
        try
        {
            var watermark = await db.Set<FlagJobLease>().AsNoTracking()
                .Where(l => l.Name == FlagJobLease.PriorityRefresh).Select(l => l.WatermarkAt).SingleAsync(cancellationToken);
            var (examined, updated, finished) = await RefreshSinceAsync(db, owner, watermark, now, cancellationToken);
            completed = finished;
            return new PriorityRefreshResult(true, examined, updated);
        }
        finally
        {
            var mine = db.Set<FlagJobLease>().Where(l => l.Name == FlagJobLease.PriorityRefresh && l.Owner == owner);
            if (completed)
            {
                await mine.ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, (string?)null).SetProperty(l => l.ExpiresAt, (DateTimeOffset?)null).SetProperty(l => l.WatermarkAt, now), CancellationToken.None);
            }
            else
            {
                await mine.ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, (string?)null).SetProperty(l => l.ExpiresAt, (DateTimeOffset?)null), CancellationToken.None);
            }
        }
    }

    private async Task<(int Examined, int Updated, bool Finished)> RefreshSinceAsync(AppDbContext db, string owner, DateTimeOffset? watermark, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var batchSize = options.CurrentValue.PriorityRefreshBatchSize;
        var settings = options.CurrentValue;
        var taxonomy = await PolicyCatalogService.LoadTaxonomyAsync(db, cancellationToken);
        var store = IntakeStore.For(db, settings.BulkSql);
        var floor = watermark ?? DateTimeOffset.MinValue;
        var afterDue = floor;
        long afterId = long.MinValue;
        int examined = 0, updated = 0;
        while (true)
        {
            var dueAt = afterDue;
            var id = afterId;
            var batch = await db.Set<Flag>().AsNoTracking()
                .Where(f => f.SlaDueAt > floor && (f.SlaDueAt > dueAt || (f.SlaDueAt == dueAt && f.Id > id)))
                .Where(f => f.Status == FlagStatus.New || f.Status == FlagStatus.Escalated)
                .OrderBy(f => f.SlaDueAt).ThenBy(f => f.Id)
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
                    f.PriorityBreakdownJson,
                    ClusterSize = db.Set<FlagCluster>().Where(c => c.Id == f.ClusterId).Select(c => (int?)c.Size).FirstOrDefault() ?? 1,
                    Scores = f.Scores.Select(s => new CategoryScore(s.Category, s.Score, s.Flagged)).ToList(),
                })
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return (examined, updated, true);
            }

            examined += batch.Count;
            var scorer = new PriorityScorer(db, taxonomy, now);
            await scorer.PreloadAsync(batch.Select(f => f.OrganizationId), batch.Select(f => (f.ClassifierName, f.ClassifierVersion)), cancellationToken);
            var changes = new List<PriorityUpdate>();
            foreach (var flag in batch)
            {
                var breakdown = await scorer.ScoreAsync(flag.Scores, flag.ClassifierName, flag.ClassifierVersion, flag.OrganizationId, flag.ClusterSize, flag.CreatedAt, flag.SlaDueAt, cancellationToken);
                if (!SameScore(PriorityCalculator.FromJson(flag.PriorityBreakdownJson), breakdown))
                {
                    changes.Add(new PriorityUpdate(flag.Id, breakdown.Score, PriorityCalculator.ToJson(breakdown)));
                }
            }

            if (changes.Count > 0)
            {
                updated += await db.InTransactionAsync(ct => store.UpdatePrioritiesAsync(changes, ct), cancellationToken);
            }

            afterDue = batch[^1].SlaDueAt;
            afterId = batch[^1].Id;
            var renewed = await db.Set<FlagJobLease>()
                .Where(l => l.Name == FlagJobLease.PriorityRefresh && l.Owner == owner)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, clock.GetUtcNow() + LeaseLength), cancellationToken);
            if (renewed != 1)
            {
                // The lease expired and another node took it: stop, leave the watermark where it was.
                return (examined, updated, false);
            }
        }
    }

    /// <summary>Same total and same points per component: writing it again would change nothing a reviewer sees.</summary>
    private static bool SameScore(PriorityBreakdown? stored, PriorityBreakdown fresh) =>
        stored is not null
        && stored.Score == fresh.Score
        && stored.Components.Count == fresh.Components.Count
        && stored.Components.Zip(fresh.Components).All(p => p.First.Name == p.Second.Name && p.First.Points.Equals(p.Second.Points));
}
