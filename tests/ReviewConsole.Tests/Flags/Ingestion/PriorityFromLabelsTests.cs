using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Flags.Ingestion;

/// <summary>The priority is measured, not asserted: reviewer labels in the database move the
/// precision term of the next flag from the same classifier version.</summary>
public sealed class PriorityFromLabelsTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly FakeTimeProvider clock = new(FlagJson.Now);

    [Fact]
    public async Task Ingest_AfterFalsePositiveLabels_NewFlagGetsALowerPriorityWithTheMeasuredPrecision()
    {
        var service = FlagJson.Service(database, clock);
        await service.IngestAsync(FlagSource.Api, [FlagJson.Raw(FlagJson.Record("before", completion: "First distinct completion about hateful slogans."))], StaffUser.System, "t", default);
        var before = await BreakdownAsync("before");

        await AddLabelsAsync(truePositives: 2, falsePositives: 38);
        await service.IngestAsync(FlagSource.Api, [FlagJson.Raw(FlagJson.Record("after", completion: "Another unrelated completion text, nothing alike."))], StaffUser.System, "t", default);
        var after = await BreakdownAsync("after");

        Assert.Equal(0, before.PrecisionLabels);
        Assert.Equal(40, after.PrecisionLabels);
        Assert.True(after.Precision < before.Precision, $"precision {after.Precision} should fall below {before.Precision}");
        Assert.True(after.Score < before.Score, $"priority {after.Score} should fall below {before.Score}");
        var content = after.Components.Single(c => c.Name == "Content risk");
        Assert.Contains("40 labels", content.Explanation, StringComparison.Ordinal);
    }

    private async Task<PriorityBreakdown> BreakdownAsync(string upstreamId)
    {
        await using var db = database.CreateContext();
        var flag = await db.Set<Flag>().SingleAsync(f => f.UpstreamId == upstreamId);
        var breakdown = PriorityCalculator.FromJson(flag.PriorityBreakdownJson)!;
        Assert.Equal(flag.Priority, breakdown.Score);
        return breakdown;
    }

    /// <summary>Labels as decisions leave them: on a decided flag of another organization, so actor
    /// history and clusters of the flags under test stay unchanged.</summary>
    private async Task AddLabelsAsync(int truePositives, int falsePositives)
    {
        await using var db = database.CreateContext();
        var labelled = await db.Set<Flag>().AsNoTracking().SingleAsync(f => f.UpstreamId == "before");
        var decision = new FlagDecision { FlagId = labelled.Id, Verdict = Verdict.NoViolation, DecidedBy = "u-r", DecidedAt = clock.GetUtcNow() };
        for (var i = 0; i < truePositives + falsePositives; i++)
        {
            decision.Labels.Add(new DecisionLabel
            {
                FlagId = labelled.Id,
                Category = "hate",
                ClassifierName = "omni-moderation",
                ClassifierVersion = "v1",
                Score = 0.9,
                Outcome = i < truePositives ? LabelOutcome.TruePositive : LabelOutcome.FalsePositive,
                LabeledAt = clock.GetUtcNow(),
            });
        }

        db.Add(decision);
        await db.SaveChangesAsync();
    }

    public void Dispose() => database.Dispose();
}
