using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Flags;

namespace ReviewConsole.Features.Flags.Triage;

/// <summary>
/// Counters on write: the sizes the reviewer's pages show (members and open members of a cluster,
/// confirmed violations of an organization) are columns kept up to date by the write that changes
/// them, in its own transaction, so no page counts millions of rows per render.
/// Every writer calls one of these: ingestion after storing a set of flags
/// (<see cref="RecountClustersAsync"/> with the clusters it touched), decisions after moving flags
/// out of the open states (<see cref="RecountOpenAsync"/>, <see cref="AddConfirmedViolationsAsync"/>).
/// </summary>
public static class FlagCounters
{
    private static readonly FlagStatus[] OpenStatuses = [FlagStatus.New, FlagStatus.Escalated];

    /// <summary>Recomputes <see cref="FlagCluster.Size"/> and <see cref="FlagCluster.OpenCount"/> of
    /// the given clusters from their members (idempotent, so a set-based writer may call it once per
    /// batch with every cluster it touched). Cost: each cluster's members, by the ClusterId indexes.</summary>
    public static async Task RecountClustersAsync(AppDbContext db, IReadOnlyCollection<long> clusterIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clusterIds);
        foreach (var chunk in clusterIds.Distinct().Chunk(500))
        {
            var ids = chunk.ToList();
            await db.Set<FlagCluster>()
                .Where(c => ids.Contains(c.Id))
                .ExecuteUpdateAsync(
                    s => s
                        .SetProperty(c => c.Size, c => db.Set<Flag>().Count(f => f.ClusterId == c.Id))
                        .SetProperty(c => c.OpenCount, c => db.Set<Flag>().Count(f => f.ClusterId == c.Id && OpenStatuses.Contains(f.Status))),
                    cancellationToken);
        }
    }

    /// <summary>Recomputes only <see cref="FlagCluster.OpenCount"/> (a decision does not change a
    /// cluster's size); reads the (ClusterId, Status) index range of the open members only.</summary>
    public static async Task RecountOpenAsync(AppDbContext db, IReadOnlyCollection<long> clusterIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clusterIds);
        foreach (var chunk in clusterIds.Distinct().Chunk(500))
        {
            var ids = chunk.ToList();
            await db.Set<FlagCluster>()
                .Where(c => ids.Contains(c.Id))
                .ExecuteUpdateAsync(
                    s => s.SetProperty(c => c.OpenCount, c => db.Set<Flag>().Count(f => f.ClusterId == c.Id && OpenStatuses.Contains(f.Status))),
                    cancellationToken);
        }
    }

    /// <summary>Adds violation decisions to their organizations' counters (one atomic increment per organization).</summary>
    public static async Task AddConfirmedViolationsAsync(AppDbContext db, IEnumerable<long> organizationIdPerViolation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(organizationIdPerViolation);
        foreach (var group in organizationIdPerViolation.GroupBy(id => id))
        {
            var organizationId = group.Key;
            var added = group.Count();
            await db.Set<Organization>()
                .Where(o => o.Id == organizationId)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.ConfirmedViolations, o => o.ConfirmedViolations + added), cancellationToken);
        }
    }

    /// <summary>Recomputes organizations' confirmed violations from their decisions (repair, bulk loads).</summary>
    public static async Task RecountConfirmedViolationsAsync(AppDbContext db, IReadOnlyCollection<long> organizationIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(organizationIds);
        foreach (var chunk in organizationIds.Distinct().Chunk(500))
        {
            var ids = chunk.ToList();
            await db.Set<Organization>()
                .Where(o => ids.Contains(o.Id))
                .ExecuteUpdateAsync(
                    s => s.SetProperty(o => o.ConfirmedViolations, o => db.Set<FlagDecision>().Count(d => d.OrganizationId == o.Id && d.Verdict == Verdict.Violation)),
                    cancellationToken);
        }
    }
}
