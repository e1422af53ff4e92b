using Hangfire;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Infrastructure.BackgroundJobs;

namespace ReviewConsole.Infrastructure.Health;

/// <summary>What /healthz and the dashboard report about the running system.</summary>
public sealed record HealthReport(
    bool Healthy,
    string Status,
    DatabaseHealth Database,
    JobsHealth Jobs,
    DateTimeOffset CheckedAt);

public sealed record DatabaseHealth(string Provider, bool Reachable, bool MigrationsCurrent, IReadOnlyList<string> PendingMigrations, string? Error);

public sealed record JobsHealth(bool ServerAlive, int Servers, DateTimeOffset? HeartbeatAt, double? HeartbeatAgeSeconds, bool HeartbeatFresh);

public sealed class HealthService(
    IDbContextFactory<AppDbContext> dbFactory,
    JobStorage jobStorage,
    TimeProvider clock,
    Database.ActiveDatabase activeDatabase)
{
    /// <summary>A heartbeat older than this (the job runs every minute) means jobs are not running.</summary>
    public static readonly TimeSpan HeartbeatStaleAfter = TimeSpan.FromMinutes(3);

    /// <summary>A Hangfire server that has not reported for this long is dead.</summary>
    public static readonly TimeSpan ServerStaleAfter = TimeSpan.FromMinutes(1);

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var database = await CheckDatabaseAsync(cancellationToken);
        DateTimeOffset? heartbeatAt = null;
        if (database.Reachable && database.MigrationsCurrent)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            heartbeatAt = await db.JobHeartbeats.Where(h => h.Name == RecordHeartbeatJob.Name)
                .Select(h => (DateTimeOffset?)h.LastRunAt)
                .FirstOrDefaultAsync(cancellationToken);
        }

        var servers = jobStorage.GetMonitoringApi().Servers()
            .Count(s => s.Heartbeat is { } beat && now - new DateTimeOffset(DateTime.SpecifyKind(beat, DateTimeKind.Utc)) < ServerStaleAfter);
        var age = heartbeatAt is { } at ? (now - at).TotalSeconds : (double?)null;
        var fresh = age is { } seconds && seconds < HeartbeatStaleAfter.TotalSeconds;
        var jobs = new JobsHealth(servers > 0, servers, heartbeatAt, age is null ? null : Math.Round(age.Value, 1), fresh);

        var healthy = database.Reachable && database.MigrationsCurrent && jobs.ServerAlive;
        var status = !healthy ? "Unhealthy" : fresh ? "Healthy" : "Degraded";
        return new HealthReport(healthy, status, database, jobs, now);
    }

    private async Task<DatabaseHealth> CheckDatabaseAsync(CancellationToken cancellationToken)
    {
        var provider = activeDatabase.Provider.ToString();
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return new DatabaseHealth(provider, false, false, [], "Cannot connect.");
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            return new DatabaseHealth(provider, true, pending.Count == 0, pending, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new DatabaseHealth(provider, false, false, [], ex.GetType().Name + ": " + ex.Message);
        }
    }
}
