using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Appeals;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Identity;
using ReviewConsole.Data.Policies;
using ReviewConsole.Data.Quality;
using ReviewConsole.Data.Wellness;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Quality;

/// <summary>
/// Demo mode only: 30 days of decided history so the statistics, classifier, exposure and agreement
/// pages show figures on first start — decisions by several reviewers (with labels and the policy
/// versions in force), blind double reviews with some disagreements (adjudicated, two still waiting
/// for a Lead), golden items and their answers, enforcement in effect and appeals against it.
/// Deterministic (fixed seed) and idempotent: skipped once any double review exists. Nothing is left
/// waiting for a second reviewer, so Next serves live work first.
/// </summary>
public sealed class QualityDemoSeeder(
    IDbContextFactory<AppDbContext> dbFactory,
    ActorRegistry actors,
    TimeProvider clock,
    IOptions<DemoOptions> demo,
    IOptions<QualityOptions> quality,
    ILogger<QualityDemoSeeder> logger) : IHostedService
{
    public const int Days = 30;
    private const int FlagsPerDay = 16;
    private const string Classifier = "omni-moderation";
    private const string ClassifierVersion = "2026-01-15";

    private static readonly (string Org, string App, string Key)[] Actors =
    [
        ("org_civicpulse", "app_civicpulse_web", "key_civicpulse_01"),
        ("org_vitaboost", "app_vitaboost_mailer", "key_vitaboost_07"),
        ("org_devtools_lab", "app_shellhelper", "key_shellhelper_02"),
        ("org_storyforge", "app_storyforge_chat", "key_storyforge_11"),
        ("org_quickreply", "app_quickreply_bot", "key_quickreply_03"),
        ("org_medianest", "app_medianest_api", "key_medianest_05"),
    ];

    /// <summary>Sample texts per category (short, staff-safe paraphrases; demo only).</summary>
    private static readonly string[] Completions =
    [
        "Here is a persuasive post for the campaign, written as if by a local parent.",
        "Try this one weird supplement that cures joint pain in days.",
        "Sure, here is a script that collects the saved browser passwords.",
        "The story continues: the fight left the alley stained and quiet.",
        "You people never belong here and everyone knows it.",
        "I can't help with that, but here are crisis lines you can call right now.",
        "Five-star review: best earbuds ever, bought ten pairs for my family.",
        "A detailed summary of the history of the conflict and its casualties.",
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!demo.Value.Enabled || !quality.Value.SeedDemoHistory)
        {
            return;
        }

        try
        {
            await SeedAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException)
        {
            logger.LogWarning(ex, "Seeding demo review history failed.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Set<DoubleReview>().AnyAsync(cancellationToken))
        {
            return;
        }

        var reviewers = await ReviewersAsync(db, cancellationToken);
        var lead = reviewers.Single(r => r.IsLead);
        var taxonomy = await db.Set<PolicyCategory>().AsNoTracking().Where(c => c.IsActive).ToListAsync(cancellationToken);
        var actorIds = new List<ActorIds>();
        foreach (var (org, app, key) in Actors)
        {
            actorIds.Add(await actors.EnsureAsync(db, new ActorRef(org, app, key), cancellationToken));
        }

        var random = new Random(2026);
        var now = clock.GetUtcNow();
        var start = now.AddDays(-Days);
        var seeded = 0;
        await db.InTransactionAsync(
            async ct =>
            {
                var promoted = 0;
                for (var day = 0; day < Days; day++)
                {
                    for (var n = 0; n < FlagsPerDay; n++)
                    {
                        var at = start.AddDays(day).AddMinutes(30 + (n * 85) + random.Next(40));
                        await SeedFlagAsync(db, random, taxonomy, actorIds[random.Next(actorIds.Count)], reviewers, lead, at, day, n, ct);
                        seeded++;
                    }
                }

                // Golden items: adjudicated and clear-cut decided flags, answered over the month.
                var goldenSources = await db.Set<FlagDecision>().AsNoTracking()
                    .Where(d => d.Verdict != Verdict.Escalate && d.DecidedAt < start.AddDays(6))
                    .OrderBy(d => d.Id)
                    .Take(14)
                    .ToListAsync(ct);
                foreach (var source in goldenSources)
                {
                    var item = new GoldenItem
                    {
                        Kind = GoldenSourceKind.Flag,
                        SourceId = source.FlagId,
                        ExpectedVerdict = source.Verdict,
                        ExpectedCategories = source.Verdict == Verdict.Violation ? source.ConfirmedCategories : "",
                        ExpectedClause = source.PolicyClause,
                        Note = "Demo: a clear case from the first week",
                        PromotedBy = lead.Id,
                        PromotedByName = lead.Name,
                        PromotedAt = start.AddDays(7),
                    };
                    db.Add(item);
                    await db.SaveChangesAsync(ct);
                    promoted++;
                    foreach (var reviewer in reviewers.Where(r => r.Id != source.DecidedBy))
                    {
                        var answeredAt = start.AddDays(8 + random.Next(Days - 9)).AddHours(random.Next(9, 18));
                        var correct = random.NextDouble() < reviewer.Accuracy;
                        var verdict = correct ? item.ExpectedVerdict : Flip(item.ExpectedVerdict);
                        db.Add(new GoldenAnswer
                        {
                            GoldenItemId = item.Id,
                            ReviewerId = reviewer.Id,
                            ReviewerName = reviewer.Name,
                            AssignedAt = answeredAt.AddMinutes(-3),
                            ExpiresAt = answeredAt.AddMinutes(7),
                            AnsweredAt = answeredAt,
                            Verdict = verdict,
                            Categories = verdict == Verdict.Violation ? (correct ? item.ExpectedCategories : taxonomy[random.Next(taxonomy.Count)].Key) : "",
                            Clause = correct ? item.ExpectedClause : "",
                            VerdictCorrect = correct,
                            CategoriesCorrect = correct,
                            Correct = correct,
                        });
                    }
                }

                await db.SaveChangesAsync(ct);

                // The counters the reviewer's pages read (confirmed violations per organization, open
                // members per cluster) are kept on write by the decision path; this history is written
                // directly, so they are recounted once for what it touched.
                var organizations = await db.Set<FlagDecision>().Select(d => d.OrganizationId).Distinct().ToListAsync(ct);
                await FlagCounters.RecountConfirmedViolationsAsync(db, organizations, ct);
                var clusters = await db.Set<Flag>().Where(f => f.ClusterId != null).Select(f => f.ClusterId!.Value).Distinct().ToListAsync(ct);
                await FlagCounters.RecountOpenAsync(db, clusters, ct);
                logger.LogInformation("Seeded {Flags} decided demo flags over {Days} days and {Golden} golden items.", seeded, Days, promoted);
                return true;
            },
            cancellationToken);
    }

    private static Verdict Flip(Verdict verdict) => verdict == Verdict.Violation ? Verdict.NoViolation : Verdict.Violation;

    private static async Task SeedFlagAsync(AppDbContext db, Random random, List<PolicyCategory> taxonomy, ActorIds actor, List<DemoReviewer> reviewers, DemoReviewer lead, DateTimeOffset at, int day, int n, CancellationToken ct)
    {
        var category = taxonomy[random.Next(taxonomy.Count)];
        var score = Math.Round(0.5 + (random.NextDouble() * 0.49), 3);
        // A second, unflagged score: the below-threshold sample the threshold explorer reads.
        var other = taxonomy[random.Next(taxonomy.Count)];
        var scores = new List<FlagCategoryScore> { new() { Category = category.Key, Score = score, Flagged = true } };
        if (other.Key != category.Key)
        {
            scores.Add(new FlagCategoryScore { Category = other.Key, Score = Math.Round(0.15 + (random.NextDouble() * 0.34), 3), Flagged = false });
        }

        // Truth: higher scores are more often real violations; the unflagged category is sometimes real too.
        var isViolation = random.NextDouble() < 0.25 + (0.7 * (score - 0.5) / 0.5);
        var alsoOther = other.Key != category.Key && random.NextDouble() < 0.12;
        string[] confirmed = isViolation ? (alsoOther ? new[] { category.Key, other.Key } : [category.Key]) : (alsoOther ? [other.Key] : []);
        var verdict = confirmed.Length > 0 ? Verdict.Violation : Verdict.NoViolation;
        var action = verdict == Verdict.Violation ? (category.SeverityWeight >= 0.8 ? DecisionAction.RevokeKey : random.NextDouble() < 0.5 ? DecisionAction.Warn : DecisionAction.None) : DecisionAction.None;
        var clause = verdict == Verdict.Violation ? taxonomy.Single(c => c.Key == confirmed[0]).PolicyClause : "";
        var decider = reviewers[random.Next(reviewers.Count)];
        var decidedAt = at.AddMinutes(20 + random.Next(180));
        var breakdown = PriorityCalculator.Compute(new PriorityInputs(
            scores.Select(s => new CategoryScore(s.Category, s.Score, s.Flagged)).ToList(),
            taxonomy.ToDictionary(c => c.Key, c => c.SeverityWeight, StringComparer.Ordinal),
            new Dictionary<string, PrecisionEstimate>(StringComparer.Ordinal),
            random.Next(4),
            1,
            at,
            at.AddMinutes(category.ReviewSlaMinutes),
            at));
        var flag = new Flag
        {
            UpstreamId = string.Create(CultureInfo.InvariantCulture, $"demo-history-{day:00}-{n:00}"),
            Source = FlagSource.Demo,
            CreatedAt = at,
            IngestedAt = at,
            OrganizationId = actor.OrganizationId,
            ApplicationId = actor.ApplicationId,
            ApiKeyId = actor.ApiKeyId,
            Model = "gpt-demo",
            Prompt = "Demo history prompt " + (n + 1).ToString(CultureInfo.InvariantCulture),
            Completion = Completions[random.Next(Completions.Length)],
            ClassifierName = Classifier,
            ClassifierVersion = ClassifierVersion,
            TopCategory = category.Key,
            TopScore = score,
            Status = FlagStatus.Decided,
            Priority = breakdown.Score,
            PriorityBreakdownJson = PriorityCalculator.ToJson(breakdown),
            SlaDueAt = at.AddMinutes(category.ReviewSlaMinutes),
            DecidedAt = decidedAt,
            ContentHash = FlagIngestionService.ContentHash("demo", n.ToString(CultureInfo.InvariantCulture) + day.ToString(CultureInfo.InvariantCulture)),
            Scores = scores,
        };
        db.Add(flag);
        await db.SaveChangesAsync(ct);
        db.Add(new ReviewerExposure { ReviewerId = decider.Id, ReviewerName = decider.Name, FlagId = flag.Id, Category = category.Key, ExposedAt = decidedAt.AddMinutes(-4) });

        var request = new DecideFlagRequest(verdict, confirmed, action, clause, verdict == Verdict.Violation ? $"Demo: confirmed {string.Join(", ", confirmed)}." : "Demo: benign in context.");
        DoubleReview? review = null;
        var finalRequest = request;
        var finalDecider = decider;
        // About one in six flags went to a blind second reviewer; severe ones more often.
        if (random.NextDouble() < (category.SeverityWeight >= 0.8 ? 0.35 : 0.14))
        {
            var second = reviewers.Where(r => r.Id != decider.Id).ElementAt(random.Next(reviewers.Count - 1));
            var disagree = random.NextDouble() > (second.Accuracy + decider.Accuracy) / 2;
            var secondVerdict = disagree ? Flip(verdict) : verdict;
            string[] secondCategories = secondVerdict == Verdict.Violation ? (disagree ? [category.Key] : confirmed) : [];
            var pendingLead = disagree && day >= Days - 2 && n % 5 == 0;
            review = new DoubleReview
            {
                FlagId = flag.Id,
                State = !disagree ? DoubleReviewState.Agreed : pendingLead ? DoubleReviewState.AwaitingAdjudication : DoubleReviewState.Adjudicated,
                SampleRate = category.SeverityWeight >= 0.8 ? 0.3 : 0.1,
                SampledAt = decidedAt,
                FirstReviewerId = decider.Id,
                FirstReviewerName = decider.Name,
                FirstVerdict = verdict,
                FirstCategories = ReviewAnswer.Join(confirmed),
                FirstAction = action,
                FirstClause = clause,
                FirstReason = request.Reason,
                SecondReviewerId = second.Id,
                SecondReviewerName = second.Name,
                SecondVerdict = secondVerdict,
                SecondCategories = ReviewAnswer.Join(secondCategories),
                SecondAction = secondVerdict == Verdict.Violation ? (disagree ? DecisionAction.Warn : action) : DecisionAction.None,
                SecondClause = secondVerdict == Verdict.Violation ? category.PolicyClause : "",
                SecondReason = disagree ? "Demo: I read it differently." : "Demo: agree.",
                SecondAt = decidedAt.AddHours(2),
                PolicyVersions = string.Create(CultureInfo.InvariantCulture, $"{category.Key}@{category.Version}"),
            };
            if (disagree && !pendingLead)
            {
                review.AdjudicatedBy = lead.Id;
                review.AdjudicatedByName = lead.Name;
                review.AdjudicatedAt = decidedAt.AddHours(6);
                finalDecider = lead;
            }

            db.Add(review);
            await db.SaveChangesAsync(ct);
            if (pendingLead)
            {
                await db.Set<Flag>().Where(f => f.Id == flag.Id).ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, FlagStatus.InDoubleReview).SetProperty(f => f.DecidedAt, (DateTimeOffset?)null), ct);
                return;
            }
        }

        var decision = new FlagDecision
        {
            FlagId = flag.Id,
            OrganizationId = flag.OrganizationId,
            Verdict = finalRequest.Verdict,
            ConfirmedCategories = string.Join(' ', finalRequest.ConfirmedCategories),
            Action = finalRequest.Action,
            PolicyClause = finalRequest.PolicyClause,
            Reason = finalRequest.Reason,
            DecidedBy = finalDecider.Id,
            DecidedByName = finalDecider.Name,
            DecidedAt = review?.AdjudicatedAt ?? review?.SecondAt ?? decidedAt,
            PolicyVersions = PolicyVersionStamp.Format(scores.Select(s => s.Category).Concat(confirmed).Distinct().Select(k => (k, taxonomy.Single(c => c.Key == k).Version))),
            DoubleReviewId = review?.Id,
            Labels = FlagDecisionService.Labels(flag, finalRequest, decidedAt),
        };
        db.Add(decision);
        await db.SaveChangesAsync(ct);
        if (review is not null)
        {
            review.FinalDecisionId = decision.Id;
        }

        if (finalRequest.Action is DecisionAction.RevokeKey or DecisionAction.Warn)
        {
            var revoke = finalRequest.Action == DecisionAction.RevokeKey;
            var enforcement = new EnforcementAction
            {
                Kind = revoke ? EnforcementKind.RevokeKey : EnforcementKind.Warn,
                State = EnforcementState.Succeeded,
                TargetType = revoke ? EnforcementTargetType.ApiKey : EnforcementTargetType.Organization,
                TargetId = revoke ? actor.ApiKeyId : actor.OrganizationId,
                OrganizationId = actor.OrganizationId,
                Reason = EnforcementReason.Decision,
                ReasonId = decision.Id.ToString(CultureInfo.InvariantCulture),
                PolicyClause = finalRequest.PolicyClause,
                Note = finalRequest.Reason,
                RequestedBy = finalDecider.Name,
                RequestedById = finalDecider.Id,
                RequestedAt = decision.DecidedAt,
                IdempotencyKey = Guid.NewGuid().ToString("N"),
                Attempts = 1,
                CompletedAt = decision.DecidedAt.AddMinutes(1),
                LastAttemptAt = decision.DecidedAt.AddMinutes(1),
                ConfirmedAtPlatform = true,
            };
            db.Add(enforcement);
            await db.SaveChangesAsync(ct);
            if (revoke)
            {
                await db.Set<ApiKey>().Where(k => k.Id == actor.ApiKeyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.Status, ApiKeyStatus.Revoked), ct);
            }

            // Some organizations appealed; reviewers overturned the doubtful ones more often.
            if (random.NextDouble() < 0.3 && decision.DecidedAt < at.AddDays(Days))
            {
                var overturned = random.NextDouble() < (score < 0.7 ? 0.45 : 0.12);
                db.Add(new Appeal
                {
                    EnforcementActionId = enforcement.Id,
                    OrganizationId = actor.OrganizationId,
                    Source = AppealSource.Api,
                    Text = "Demo appeal: we believe this was a misunderstanding of our use case.",
                    SubmittedBy = "appellant@example.test",
                    SubmittedAt = decision.DecidedAt.AddHours(5),
                    DueAt = decision.DecidedAt.AddDays(3),
                    State = overturned ? AppealState.Overturned : AppealState.Upheld,
                    DecidedBy = lead.Name,
                    DecidedById = lead.Id,
                    DecidedAt = decision.DecidedAt.AddDays(1),
                    DecisionNote = overturned ? "Demo: context shows a permitted use." : "Demo: the violation stands.",
                });
                await db.SaveChangesAsync(ct);
            }
        }
    }

    private sealed record DemoReviewer(string Id, string Name, double Accuracy, bool IsLead);

    /// <summary>The demo Reviewer and Lead accounts plus two reviewer names (history only, no account).</summary>
    private static async Task<List<DemoReviewer>> ReviewersAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var emails = new[] { "reviewer@demo.local", "lead@demo.local" };
        var accounts = await db.Set<AppUser>().AsNoTracking().Where(u => emails.Contains(u.Email!)).Select(u => new { u.Id, u.Email, u.DisplayName }).ToListAsync(cancellationToken);
        var reviewer = accounts.SingleOrDefault(a => a.Email == emails[0]);
        var lead = accounts.SingleOrDefault(a => a.Email == emails[1]);
        return
        [
            new(reviewer?.Id ?? "demo-reviewer", reviewer?.DisplayName ?? "Riley Reviewer", 0.9, false),
            new(lead?.Id ?? "demo-lead", lead?.DisplayName ?? "Lee Lead", 0.94, true),
            new("demo-history-priya", "Priya Raman", 0.86, false),
            new("demo-history-tomas", "Tomás Ortega", 0.74, false),
        ];
    }
}
