using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Policies;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Features.Flags.Queue;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Features.Incidents;
using ReviewConsole.Features.Quality;
using ReviewConsole.Features.Wellness;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Flags.Triage;

/// <summary>A migrated SQLite file, the triage services wired as the app wires them, a fake clock,
/// and helpers that insert flags directly (ingestion is another feature).</summary>
public sealed class TriageFixture : IDisposable
{
    public TriageFixture(WellnessOptions? wellnessOptions = null, QualityOptions? qualityOptions = null, QualitySampler? sampler = null, FlagsTriageOptions? triageOptions = null)
    {
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
        var audit = new AuditLog(Clock);
        var triage = Options.Create(triageOptions ?? new FlagsTriageOptions());
        Wellness = new WellnessService(Database.Factory, audit, Clock, Options.Create(wellnessOptions ?? new WellnessOptions()));
        var quality = Options.Create(qualityOptions ?? new QualityOptions());
        DoubleReview = new DoubleReviewService(Database.Factory, audit, Clock, quality);
        Golden = new GoldenSetService(Database.Factory, audit, Clock, sampler ?? new QualitySampler(new Random(7)), quality);
        Claims = new FlagClaimService(Database.Factory, audit, Wellness, Clock, triage, new QualityClaimService(Database.Factory, DoubleReview, Golden, Wellness, audit, Clock));
        Triage = new FlagTriageService(Database.Factory, Wellness, Clock, triage);
        var enforcement = new EnforcementService(audit, Clock, Options.Create(new EnforcementOptions()));
        var strikes = new StrikeService(Database.Factory, enforcement, audit, Clock, Options.Create(new EnforcementOptions()), NullLogger<StrikeService>.Instance);
        Decisions = new FlagDecisionService(Database.Factory, Claims, enforcement, strikes, new IncidentService(Database.Factory, audit, enforcement, Clock), Wellness, audit, Clock, triage, DoubleReview, Golden);
        Queue = new FlagQueueService(Database.Factory, Triage, audit, Clock, triage);
    }

    public TestDatabase Database { get; } = new();

    public FakeTimeProvider Clock { get; }

    public WellnessService Wellness { get; }

    public FlagClaimService Claims { get; }

    public DoubleReviewService DoubleReview { get; }

    public GoldenSetService Golden { get; }

    public FlagTriageService Triage { get; }

    public FlagDecisionService Decisions { get; }

    public FlagQueueService Queue { get; }

    public async Task<ActorIds> ActorAsync(string org = "org_a", string app = "app_a", string key = "key_a")
    {
        await using var db = Database.CreateContext();
        return await new ActorRegistry(Clock).EnsureAsync(db, new ActorRef(org, app, key), default);
    }

    /// <summary>Inserts a flag with its scores; <paramref name="scores"/> are (category, score, flagged).</summary>
    public async Task<long> FlagAsync(
        ActorIds actor,
        int priority = 50,
        FlagStatus status = FlagStatus.New,
        long? clusterId = null,
        string prompt = "prompt text",
        string completion = "completion text",
        DateTimeOffset? createdAt = null,
        params (string Category, double Score, bool Flagged)[] scores)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (scores.Length == 0)
        {
            scores = [("hate", 0.9, true)];
        }

        await using var db = Database.CreateContext();
        var top = scores.OrderByDescending(s => s.Score).First();
        var created = createdAt ?? Clock.GetUtcNow().AddMinutes(-30);
        var flag = new Flag
        {
            UpstreamId = Guid.NewGuid().ToString("N"),
            Source = FlagSource.Demo,
            CreatedAt = created,
            IngestedAt = created,
            OrganizationId = actor.OrganizationId,
            ApplicationId = actor.ApplicationId,
            ApiKeyId = actor.ApiKeyId,
            Model = "model-x",
            Prompt = prompt,
            Completion = completion,
            ClassifierName = "moderation",
            ClassifierVersion = "v7",
            TopCategory = top.Category,
            TopScore = top.Score,
            Status = status,
            Priority = priority,
            SlaDueAt = created.AddHours(4),
            ClusterId = clusterId,
            Scores = scores.Select(s => new FlagCategoryScore { Category = s.Category, Score = s.Score, Flagged = s.Flagged }).ToList(),
        };
        db.Add(flag);
        await db.SaveChangesAsync();
        return flag.Id;
    }

    public async Task<long> ClusterAsync()
    {
        await using var db = Database.CreateContext();
        var cluster = new FlagCluster { SimHash = 42, Size = 0, FirstSeenAt = Clock.GetUtcNow(), LastSeenAt = Clock.GetUtcNow(), Excerpt = "buy cheap pills" };
        db.Add(cluster);
        await db.SaveChangesAsync();
        return cluster.Id;
    }

    /// <summary>Sets a category's blur and clause, creating it when the seeded taxonomy lacks it.</summary>
    public async Task PolicyAsync(string key, bool blur = false, string clause = "CP-1")
    {
        await using var db = Database.CreateContext();
        var category = await db.Set<PolicyCategory>().SingleOrDefaultAsync(c => c.Key == key);
        if (category is null)
        {
            category = new PolicyCategory { Key = key, Name = key.ToUpperInvariant(), Kind = PolicyCategoryKind.Content };
            db.Add(category);
        }

        category.SeverityWeight = 0.5;
        category.ReviewSlaMinutes = 240;
        category.BlurByDefault = blur;
        category.PolicyText = $"Do not generate {key} content.";
        category.PolicyClause = clause;
        category.UpdatedAt = Clock.GetUtcNow();
        category.UpdatedBy = "test";
        await db.SaveChangesAsync();
    }

    public void Dispose() => Database.Dispose();
}
