using Hangfire;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReviewConsole.Data;
using ReviewConsole.Data.Identity;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Appeals;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Features.Quality;
using ReviewConsole.Features.UseCases;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Testing.Enforcement;

/// <summary>
/// One "node" of the enforcement machinery (services, executor, sweeper) on a test database, wired
/// exactly as the app wires it (AddEnforcement/AddAppeals) but without a web host. Several
/// harnesses on one database are several nodes. There is no Hangfire server: the job client only
/// records what was enqueued (Hangfire's storages keep process-global logging that a disposed
/// test host leaves broken), and tests drive execution through the sweeper, as the poller does.
/// </summary>
public sealed class EnforcementHarness : IDisposable
{
    private readonly ServiceProvider services;

    public EnforcementHarness(TestDatabase database, TimeProvider? clock = null, IDictionary<string, string?>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var values = new Dictionary<string, string?>
        {
            ["Enforcement:BaseBackoffSeconds"] = "0.01",
            ["Enforcement:MaxBackoffSeconds"] = "0.05",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var collection = new ServiceCollection();
        collection.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        collection.AddSingleton<IConfiguration>(configuration);
        // The app's contexts carry the enforcement commit interceptor; so do the harness's.
        collection.AddSingleton<IDbContextFactory<AppDbContext>>(sp => new TestDbContextFactory(
            new DbContextOptionsBuilder<AppDbContext>(database.Options).AddInterceptors(sp.GetRequiredService<EnforcementCommitInterceptor>()).Options));
        collection.AddSingleton(clock ?? TimeProvider.System);
        collection.AddSingleton<IBackgroundJobClient>(Jobs);
        collection.AddAudit();
        collection.AddActors();
        collection.AddEnforcement(configuration);
        collection.AddAppeals(configuration);
        // Use-case review serves golden submissions (off unless Quality:UseCaseGoldenShare is set).
        collection.AddQuality(configuration);
        collection.AddUseCases(configuration);
        services = collection.BuildServiceProvider();
    }

    public RecordingJobClient Jobs { get; } = new();

    public T Get<T>()
        where T : notnull => services.GetRequiredService<T>();

    /// <summary>Runs the sweeper until every action is Succeeded, DeadLettered or Cancelled (or the time is up).</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        var sweeper = Get<SweepEnforcementOutboxJob>();
        using var cts = new CancellationTokenSource(timeout);
        while (!cts.IsCancellationRequested)
        {
            await sweeper.ExecuteDueAsync(cts.Token);
            await using var db = await Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(cts.Token);
            var open = await db.Set<ReviewConsole.Data.Enforcement.EnforcementAction>()
                .CountAsync(a => a.State != ReviewConsole.Data.Enforcement.EnforcementState.Succeeded
                    && a.State != ReviewConsole.Data.Enforcement.EnforcementState.DeadLettered
                    && a.State != ReviewConsole.Data.Enforcement.EnforcementState.Cancelled
                    && a.State != ReviewConsole.Data.Enforcement.EnforcementState.PendingApproval
                    && a.Reason != ReviewConsole.Data.Enforcement.EnforcementReason.Expiry, cts.Token);
            if (open == 0)
            {
                return;
            }

            await Task.Delay(20, cts.Token);
        }
    }

    /// <summary>A staff user with <paramref name="role"/>, stored with its role so the services' role checks see it.</summary>
    public static async Task<StaffUser> CreateStaffAsync(TestDatabase database, string role, string? email = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var db = database.CreateContext();
        var roleRow = await db.Set<IdentityRole>().SingleOrDefaultAsync(r => r.Name == role);
        if (roleRow is null)
        {
            roleRow = new IdentityRole(role) { NormalizedName = role.ToUpperInvariant() };
            db.Add(roleRow);
        }

        email ??= $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@test.local";
        var user = new AppUser { UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, DisplayName = email };
        db.Add(user);
        await db.SaveChangesAsync();
        db.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = roleRow.Id });
        await db.SaveChangesAsync();
        return new StaffUser(user.Id, email);
    }

    public void Dispose() => services.Dispose();
}

/// <summary>Records the jobs the dispatcher hands to Hangfire (ids only; nothing runs them).</summary>
public sealed class RecordingJobClient : IBackgroundJobClient
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(Hangfire.Common.Job Job, Hangfire.States.IState State)> created = new();

    public IReadOnlyList<long> ActionIds => created.Select(c => (long)c.Job.Args[0]).ToList();

    public IReadOnlyList<(Hangfire.Common.Job Job, Hangfire.States.IState State)> Created => created.ToList();

    public string? Create(Hangfire.Common.Job job, Hangfire.States.IState state)
    {
        created.Enqueue((job, state));
        return created.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool ChangeState(string jobId, Hangfire.States.IState state, string expectedState) => true;
}
