using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.SqlServer;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Infrastructure.Database;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Infrastructure.BackgroundJobs;

/// <summary>
/// Hangfire is the executor, never the source of truth: jobs take ids and re-read rows. Storage is
/// in-memory on SQLite (one node), and the server database's own storage (Hangfire's tables in that
/// database) on SQL Server or PostgreSQL, so several nodes share one set of queues.
/// </summary>
public static class BackgroundJobsSetup
{
    public const string DashboardPath = "/jobs";

    public static WebApplicationBuilder AddBackgroundJobs(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptionsWithValidateOnStart<BackgroundJobsOptions>()
            .Bind(builder.Configuration.GetSection(BackgroundJobsOptions.SectionName));
        services.AddSingleton<IValidateOptions<BackgroundJobsOptions>, BackgroundJobsOptionsValidator>();

        var provider = builder.Configuration.GetValue(DatabaseOptions.SectionName + ":Provider", DatabaseProvider.Sqlite);

        // The storage is this app's own singleton, registered before AddHangfire (which only adds
        // one if none exists): Hangfire's JobStorage.Current is process-global, and relying on it
        // would let two hosts in one process (tests) share or swap storages.
        services.AddSingleton<JobStorage>(sp => CreateStorage(sp, provider));
        // Likewise the job activator: Hangfire's default is the process-global one, set by the
        // last host to configure Hangfire, so a second host in the process (tests) ran its jobs in
        // the first host's container, after that one was disposed.
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());

        var jobs = builder.Configuration.GetSection(BackgroundJobsOptions.SectionName).Get<BackgroundJobsOptions>() ?? new();
        if (jobs.ServerEnabled)
        {
            services.AddHangfireServer((sp, server) =>
            {
                server.Activator = sp.GetRequiredService<JobActivator>();
                server.WorkerCount = jobs.WorkerCount;
                server.SchedulePollingInterval = TimeSpan.FromSeconds(2);
                server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            });
        }

        services.AddTransient<RecordHeartbeatJob>();
        services.AddHostedService<RecurringJobsRegistrar>();
        return builder;
    }

    private static JobStorage CreateStorage(IServiceProvider services, DatabaseProvider provider)
    {
        GlobalConfiguration.Configuration.UseLogProvider(new HangfireLogProvider(services.GetRequiredService<ILoggerFactory>()));
        var connectionString = services.GetRequiredService<ActiveDatabase>().ConnectionString;
        return provider switch
        {
            DatabaseProvider.SqlServer => new SqlServerStorage(connectionString, new SqlServerStorageOptions
            {
                PrepareSchemaIfNecessary = true,
                // Zero: Hangfire 1.8's sub-second fetch, so a job enqueued on one node (an enforcement
                // action at commit) is picked up by another node's worker at once, not after 5 s.
                // In-memory storage needs no setting: it wakes its workers as soon as a job is queued.
                QueuePollInterval = TimeSpan.Zero,
            }),
            DatabaseProvider.Postgres => CreatePostgresStorage(connectionString),
            _ => new InMemoryStorage(new InMemoryStorageOptions { IdType = InMemoryStorageIdType.Long }),
        };
    }

    private static PostgreSqlStorage CreatePostgresStorage(string connectionString)
    {
        var options = PostgresStorageOptions();
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }

    /// <summary>The options of Hangfire's PostgreSQL storage. Its own schema in the app's database,
    /// created on first start; LISTEN/NOTIFY wakes a worker as soon as a job is enqueued.</summary>
    public static PostgreSqlStorageOptions PostgresStorageOptions() => new()
    {
        SchemaName = "hangfire",
        PrepareSchemaIfNecessary = true,
        EnableLongPolling = true,
        QueuePollInterval = TimeSpan.FromSeconds(5),
        // A job whose worker died (node killed) is handed to another node after this long, not after 30 minutes.
        UseSlidingInvisibilityTimeout = true,
        InvisibilityTimeout = TimeSpan.FromMinutes(5),
    };

    public static WebApplication MapBackgroundJobs(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHangfireDashboardWithAuthorizationPolicy(Policies.Admin, DashboardPath, new DashboardOptions
        {
            Authorization = [new HangfireDashboardAuthorization()],
            DashboardTitle = "ReviewConsole jobs",
            AppPath = "/",
            DisplayStorageConnectionString = false,
        }, app.Services.GetRequiredService<JobStorage>());
        return app;
    }
}

/// <summary>The one place recurring jobs are registered (features add theirs through
/// <see cref="IRecurringJobRegistration"/>).</summary>
public sealed class RecurringJobsRegistrar(
    IRecurringJobManager recurring,
    IOptions<BackgroundJobsOptions> options,
    IEnumerable<IRecurringJobRegistration> registrations) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<RecordHeartbeatJob>(RecordHeartbeatJob.Name, job => job.RunAsync(CancellationToken.None), options.Value.HeartbeatCron);
        // A first beat right away, so health shows a fresh heartbeat without waiting for the schedule.
        recurring.Trigger(RecordHeartbeatJob.Name);
        foreach (var registration in registrations)
        {
            registration.Register(recurring);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>A feature's recurring jobs, registered at start by <see cref="RecurringJobsRegistrar"/>.</summary>
public interface IRecurringJobRegistration
{
    void Register(IRecurringJobManager recurring);
}
