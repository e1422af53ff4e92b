using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Quality;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Quality;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Quality;

public sealed class QualityDemoSeederTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Seed_ThirtyDays_GivesTheAgreementPageRealFiguresAndRunsOnce()
    {
        var seeder = new QualityDemoSeeder(
            database.Factory,
            new ActorRegistry(clock),
            clock,
            Options.Create(new DemoOptions { Enabled = true }),
            Options.Create(new QualityOptions { SeedDemoHistory = true }),
            NullLogger<QualityDemoSeeder>.Instance);

        await seeder.StartAsync(default);
        await seeder.StartAsync(default);
        var report = await new AgreementService(database.Factory, clock).ReportAsync(30, default);

        Assert.True(report.Verdict.Pairs >= 40, $"{report.Verdict.Pairs} pairs");
        Assert.True(report.Verdict.Defined);
        Assert.True(report.ByCategory.Count >= 10, $"{report.ByCategory.Count} categories");
        Assert.Equal(4, report.Reviewers.Count);
        Assert.All(report.Reviewers, r => Assert.True(r.Answered >= 5, r.ReviewerName));
        Assert.NotEmpty(report.Overturns);
        Assert.Equal(0, report.AwaitingSecond);
        Assert.True(report.Weeks.Count(w => w.Pairs > 0) >= 4);
        await using var db = database.CreateContext();
        Assert.Equal(QualityDemoSeeder.Days * 16, await db.Set<Flag>().CountAsync());
        Assert.True(await db.Set<EnforcementAction>().CountAsync(a => a.State == EnforcementState.Succeeded) > 20);
        Assert.True(await db.Set<DoubleReview>().CountAsync(r => r.State == DoubleReviewState.Adjudicated) > 0);

        // The history reads like the decision path left it: decisions carry their flag's organization,
        // and the organizations' confirmed-violation counters (the actor panel's strikes) match them.
        Assert.False(await db.Set<FlagDecision>().AnyAsync(d => d.OrganizationId != db.Set<Flag>().Where(f => f.Id == d.FlagId).Select(f => f.OrganizationId).First()));
        var violations = await db.Set<FlagDecision>().Where(d => d.Verdict == Verdict.Violation).GroupBy(d => d.OrganizationId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
        Assert.NotEmpty(violations);
        foreach (var v in violations)
        {
            Assert.Equal(v.Count, await db.Set<ReviewConsole.Data.Actors.Organization>().Where(o => o.Id == v.Key).Select(o => o.ConfirmedViolations).SingleAsync());
        }
    }

    public void Dispose() => database.Dispose();
}
