using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Flags.Feedback;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;
using ReviewConsole.Tests.Flags.Ingestion;

namespace ReviewConsole.Tests.Flags.Feedback;

/// <summary>The label counters the classifier page and every new flag's priority read are kept with
/// each saved label: equal to a count of the label table, and never ahead of a rolled-back decision.</summary>
public sealed class ClassifierLabelCountTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly FakeTimeProvider clock = new(FlagJson.Now);

    [Fact]
    public async Task SavedLabels_InUnitsOfWork_AreCountedOncePerLabel_AndRollbacksLeaveNoCount()
    {
        var flagId = await SeedFlagAsync();

        await SaveDecisionAsync(flagId, commit: true, (LabelOutcome.TruePositive, "hate", "v1"), (LabelOutcome.FalsePositive, "hate", "v1"), (LabelOutcome.FalseNegative, "violence", "v1"));
        await SaveDecisionAsync(flagId, commit: true, (LabelOutcome.TruePositive, "hate", "v1"), (LabelOutcome.TruePositive, "hate", "v2"));
        await SaveDecisionAsync(flagId, commit: false, (LabelOutcome.FalsePositive, "hate", "v1"), (LabelOutcome.FalsePositive, "self-harm", "v1"));
        await using (var db = database.CreateContext())
        {
            // A save outside a unit of work counts too (its own transaction, then the counters).
            var decision = new FlagDecision { FlagId = flagId, Verdict = Verdict.Violation, DecidedBy = "u-r", DecidedAt = clock.GetUtcNow() };
            decision.Labels.Add(Label(flagId, LabelOutcome.FalsePositive, "hate", "v2"));
            db.Add(decision);
            await db.SaveChangesAsync();
        }

        await using var check = database.CreateContext();
        var counters = await check.Set<ClassifierLabelCount>().AsNoTracking().ToListAsync();
        var labels = await check.Set<DecisionLabel>().AsNoTracking().ToListAsync();
        var counted = labels
            .GroupBy(l => (l.ClassifierVersion, l.Category))
            .ToDictionary(g => g.Key, g => (g.Count(l => l.Outcome == LabelOutcome.TruePositive), g.Count(l => l.Outcome == LabelOutcome.FalsePositive), g.Count(l => l.Outcome == LabelOutcome.FalseNegative)));
        Assert.Equal(
            counted.OrderBy(p => p.Key).ToList(),
            counters.ToDictionary(c => (c.ClassifierVersion, c.Category), c => (c.TruePositives, c.FalsePositives, c.FalseNegatives)).OrderBy(p => p.Key).ToList());
        Assert.Equal((2, 1, 0), counted[("v1", "hate")]);
        Assert.DoesNotContain(counters, c => c.Category == "self-harm");

        // The classifier page reads the counters.
        var rows = await new ClassifierFeedbackService(database.Factory).PrecisionAsync(new ClassifierVersionRef("omni-moderation", "v1"), default);
        var hate = Assert.Single(rows, r => r.Category == "hate");
        Assert.Equal((2, 1, 0), (hate.TruePositives, hate.FalsePositives, hate.FalseNegatives));
    }

    private async Task<long> SeedFlagAsync()
    {
        var service = FlagJson.Service(database, clock);
        await service.IngestAsync(FlagSource.Api, [FlagJson.Raw(FlagJson.Record("labelled"))], StaffUser.System, "t", default);
        await using var db = database.CreateContext();
        return (await db.Set<Flag>().SingleAsync(f => f.UpstreamId == "labelled")).Id;
    }

    private async Task SaveDecisionAsync(long flagId, bool commit, params (LabelOutcome Outcome, string Category, string Version)[] labels)
    {
        await using var db = database.CreateContext();
        await db.InTransactionAsync(
            async ct =>
            {
                var decision = new FlagDecision { FlagId = flagId, Verdict = Verdict.Violation, DecidedBy = "u-r", DecidedAt = clock.GetUtcNow() };
                foreach (var (outcome, category, version) in labels)
                {
                    decision.Labels.Add(Label(flagId, outcome, category, version));
                }

                db.Add(decision);
                await db.SaveChangesAsync(ct);
                return commit;
            },
            committed => committed,
            default);
    }

    private DecisionLabel Label(long flagId, LabelOutcome outcome, string category, string version) => new()
    {
        FlagId = flagId,
        Category = category,
        ClassifierName = "omni-moderation",
        ClassifierVersion = version,
        Score = 0.8,
        Outcome = outcome,
        LabeledAt = clock.GetUtcNow(),
    };

    public void Dispose() => database.Dispose();
}
