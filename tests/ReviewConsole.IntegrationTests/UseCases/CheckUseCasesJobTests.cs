using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.UseCases;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.UseCases;

public sealed class CheckUseCasesJobTests : IDisposable
{
    private readonly ConsoleAppFactory factory = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    public CheckUseCasesJobTests()
    {
        factory.Settings["Demo:Enabled"] = "false";
        factory.Settings["Seed:AdminPassword"] = "Admin-Password-2026!";
        factory.Clock = clock;
    }

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task RecurringCheck_TriggeredAfterTheReReviewDate_PutsTheUseCaseBackInTheQueue()
    {
        var services = factory.Services;
        var intake = services.GetRequiredService<UseCaseIntakeService>();
        var review = services.GetRequiredService<UseCaseReviewService>();
        var reviewer = new StaffUser("u-uma", "uma@demo.local");
        var submitted = await intake.SubmitAsync(Request(), Submitter.Staff(reviewer), default);
        Assert.True(submitted.Succeeded, submitted.Message);
        var id = submitted.SubmissionId!.Value;
        Assert.True((await review.ClaimAsync(id, reviewer, default)).Succeeded);
        var details = await review.GetAsync(id, default);
        var conditions = UseCaseConditions.FromTier(QuotaTiers.All[2]) with { ReReviewAt = clock.GetUtcNow().AddDays(90) };
        Assert.True((await review.DecideAsync(new DecideUseCaseRequest(id, details!.ConcurrencyVersion, UseCaseDecisionKind.ApproveWithConditions, "Approved for a quarter.", Conditions: conditions), reviewer, default)).Succeeded);

        clock.Advance(TimeSpan.FromDays(91));
        services.GetRequiredService<IRecurringJobManager>().Trigger(CheckUseCasesJob.Name);

        var state = await WaitForStateAsync(id, SubmissionState.ReReview);
        var storage = services.GetRequiredService<JobStorage>();
        using (var connection = storage.GetConnection())
        {
            var monitoring = storage.GetMonitoringApi();
            var failed = monitoring.FailedJobs(0, 10).Select(j => j.Value.ExceptionMessage + " " + j.Value.ExceptionDetails);
            var recurring = connection.GetRecurringJobs().Select(r => r.Id + ":" + r.LastJobState + ":" + r.Error);
            Assert.True(state == SubmissionState.ReReview, string.Join("\n", failed.Concat(recurring)) + " enq=" + monitoring.EnqueuedCount("default") + " succ=" + monitoring.SucceededListCount() + " servers=" + monitoring.Servers().Count);
        }
        var queued = await review.QueueAsync(new UseCaseQueueFilter(Reason: QueueReason.ScheduledReReview), default);
        Assert.Equal(id, Assert.Single(queued).Id);
    }

    private async Task<SubmissionState> WaitForStateAsync(long id, SubmissionState expected)
    {
        var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var state = SubmissionState.Submitted;
        for (var attempt = 0; attempt < 300 && state != expected; attempt++)
        {
            await Task.Delay(200);
            await using var db = await dbFactory.CreateDbContextAsync();
            state = await db.Set<UseCaseSubmission>().Where(s => s.Id == id).Select(s => s.State).SingleAsync();
        }

        return state;
    }

    private static UseCaseSubmissionRequest Request() => new()
    {
        OrganizationId = "org_job",
        AppId = "app_job",
        Name = "Support Bot",
        Description = "Answers customers' questions about their invoices in the billing portal.",
        Category = "customer-support",
        EndUsers = "businesses",
        MinorsPossible = false,
        ExpectedMonthlyTokens = 1_000_000,
        Models = ["rc-mini-2026-05"],
        OutputsPublishedAutomatically = false,
        HumanReviewsOutputsFirst = false,
        Safeguards = ["content_filter", "reporting_channel"],
        Samples = [new SampleRequest { Prompt = "Why was I charged twice?", Output = "The second charge is a pending authorization that drops off in 3 days." }],
        Contact = new ContactRequest { Name = "Kim Billing", Email = "kim@billing.example" },
    };
}
