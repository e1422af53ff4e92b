using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Features.Quality;
using ReviewConsole.Features.UseCases;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.UseCases;

/// <summary>The use-case services on a fresh migrated SQLite database with a fake clock.</summary>
public sealed class UseCaseTestHost : IAsyncLifetime, IDisposable
{
    public static readonly StaffUser Developer = new("dev-1", "developer token");
    public static readonly StaffUser Uma = new("u-uma", "uma@demo.local");
    public static readonly StaffUser Lee = new("u-lee", "lee@demo.local");

    public UseCaseTestHost()
    {
        var audit = new AuditLog(Clock);
        var options = Options.Create(UseCasesOptions);
        Enforcement = new EnforcementService(audit, Clock, Options.Create(new EnforcementOptions()));
        Guidelines = new GuidelineService(Database.Factory, audit, Clock);
        Intake = new UseCaseIntakeService(Database.Factory, new ActorRegistry(Clock), audit, Clock, options);
        Dispatcher = new EnforcementDispatcher(Jobs, new EnforcementOutboxSignal(), Clock, NullLogger<EnforcementDispatcher>.Instance);
        Monitor = new UseCaseMonitorService(Database.Factory, Enforcement, Dispatcher, audit, Clock, options);
        Golden = new GoldenSetService(Database.Factory, audit, Clock, Sampler, Options.Create(QualityOptions));
        Review = new UseCaseReviewService(Database.Factory, Enforcement, Dispatcher, Monitor, audit, Clock, options, Golden);
        Job = new CheckUseCasesJob(Monitor, NullLogger<CheckUseCasesJob>.Instance);
    }

    public TestDatabase Database { get; } = new();

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    public UseCasesOptions UseCasesOptions { get; } = new();

    /// <summary>Golden use-case submissions are off unless a test sets a share.</summary>
    public QualityOptions QualityOptions { get; } = new();

    public SettableSampler Sampler { get; } = new();

    public GoldenSetService Golden { get; }

    public EnforcementService Enforcement { get; }

    public ReviewConsole.Testing.Enforcement.RecordingJobClient Jobs { get; } = new();

    public EnforcementDispatcher Dispatcher { get; }

    public GuidelineService Guidelines { get; }

    public UseCaseIntakeService Intake { get; }

    public UseCaseMonitorService Monitor { get; }

    public UseCaseReviewService Review { get; }

    public CheckUseCasesJob Job { get; }

    public Task InitializeAsync() => Guidelines.SeedDefaultsAsync(default);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Database.Dispose();

    public static UseCaseSubmissionRequest ValidRequest(string category = "customer-support", string app = "app_help", string org = "org_acme") => new()
    {
        Kind = "application",
        OrganizationId = org,
        AppId = app,
        Name = "HelpDesk Copilot",
        Description = "Answers shoppers' questions about orders and returns in our web chat.",
        Category = category,
        EndUsers = "businesses",
        MinorsPossible = false,
        ExpectedMonthlyTokens = 5_000_000,
        Models = ["rc-large"],
        OutputsPublishedAutomatically = false,
        HumanReviewsOutputsFirst = true,
        Safeguards = ["content_filter", "reporting_channel"],
        Samples = [new SampleRequest { Prompt = "Where is my order?", Output = "It shipped on Tuesday." }],
        Contact = new ContactRequest { Name = "Jordan Dev", Email = "jordan@acme.example" },
    };

    public async Task<long> SubmitAsync(UseCaseSubmissionRequest? request = null)
    {
        var result = await Intake.SubmitAsync(request ?? ValidRequest(), Submitter.Staff(Developer), default);
        Assert.True(result.Succeeded, result.Message);
        return result.SubmissionId!.Value;
    }

    /// <summary>Claims as <paramref name="reviewer"/> and decides on the version it sees.</summary>
    public async Task<DecisionResult> ClaimAndDecideAsync(long id, UseCaseDecisionKind kind, StaffUser? reviewer = null, string reason = "Reviewed against the guidelines.", string questions = "", UseCaseConditions? conditions = null)
    {
        reviewer ??= Uma;
        var claim = await Review.ClaimAsync(id, reviewer, default);
        Assert.True(claim.Succeeded, claim.Message);
        var details = await Review.GetAsync(id, default);
        return await Review.DecideAsync(new DecideUseCaseRequest(id, details!.ConcurrencyVersion, kind, reason, questions, null, conditions), reviewer, default);
    }

    public async Task<UseCaseSubmission> SubmissionAsync(long id)
    {
        await using var db = Database.CreateContext();
        return await db.Set<UseCaseSubmission>().AsNoTracking().SingleAsync(s => s.Id == id);
    }

    /// <summary>Adds active keys to an app (creating it if needed) with this month's usage.</summary>
    public async Task<List<long>> AddKeysAsync(string org, string app, int count, long tokensUsedEach = 0)
    {
        await using var db = Database.CreateContext();
        var registry = new ActorRegistry(Clock);
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            ids.Add((await registry.EnsureAsync(db, new ActorRef(org, app, $"{app}_key_{i}"), default)).ApiKeyId);
        }

        await db.Set<ApiKey>().Where(k => ids.Contains(k.Id)).ExecuteUpdateAsync(s => s.SetProperty(k => k.TokensUsedThisMonth, tokensUsedEach));
        return ids;
    }
}

/// <summary>A sampler whose claim draws come from a seeded generator, or a fixed value when set.</summary>
public sealed class SettableSampler() : QualitySampler(new Random(2026))
{
    public double? Fixed { get; set; }

    public override double NextClaimDraw() => Fixed ?? base.NextClaimDraw();
}
