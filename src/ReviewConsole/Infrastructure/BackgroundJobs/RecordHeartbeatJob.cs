using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.System;

namespace ReviewConsole.Infrastructure.BackgroundJobs;

/// <summary>Proves the job pipeline runs end to end: a recurring job writes its time to the
/// database, and /healthz reports its age.</summary>
public sealed class RecordHeartbeatJob(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public const string Name = "heartbeat";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var node = Environment.MachineName + ":" + Environment.ProcessId;
        var updated = await db.JobHeartbeats.Where(h => h.Name == Name)
            .ExecuteUpdateAsync(s => s.SetProperty(h => h.LastRunAt, now).SetProperty(h => h.Node, node), cancellationToken);
        if (updated == 0)
        {
            db.JobHeartbeats.Add(new JobHeartbeat { Name = Name, LastRunAt = now, Node = node });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another node inserted the row first; its time is as good as ours.
            }
        }
    }
}
