using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.UseCases;

namespace ReviewConsole.Tests.UseCases;

public sealed class UseCaseMonitorServiceTests : IAsyncLifetime, IDisposable
{
    private readonly UseCaseTestHost host = new();

    public Task InitializeAsync() => host.InitializeAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task Job_OnTheReReviewDate_PutsTheUseCaseBackInTheQueue()
    {
        await host.AddKeysAsync("org_acme", "app_help", 1);
        var id = await host.SubmitAsync();
        await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.ApproveWithConditions, conditions: UseCaseConditions.FromTier(QuotaTiers.All[2]) with { ReReviewAt = host.Clock.GetUtcNow().AddDays(30) });

        host.Clock.Advance(TimeSpan.FromDays(29));
        await host.Job.RunAsync(default);
        Assert.Equal(SubmissionState.ApprovedWithConditions, (await host.SubmissionAsync(id)).State);

        host.Clock.Advance(TimeSpan.FromDays(1));
        await host.Job.RunAsync(default);
        await host.Job.RunAsync(default);

        var s = await host.SubmissionAsync(id);
        Assert.Equal(SubmissionState.ReReview, s.State);
        Assert.Equal(QueueReason.ScheduledReReview, s.QueueReason);
        Assert.Contains(await host.Review.QueueAsync(new UseCaseQueueFilter(), default), r => r.Id == id);
        await using var db = host.Database.CreateContext();
        Assert.Equal(1, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "usecase.requeued"));
    }

    [Fact]
    public async Task ReReview_ApproveAgain_LeavesTheQueue()
    {
        var id = await host.SubmitAsync();
        await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.ApproveWithConditions, conditions: UseCaseConditions.FromTier(QuotaTiers.All[1]) with { ReReviewAt = host.Clock.GetUtcNow().AddDays(1) });
        host.Clock.Advance(TimeSpan.FromDays(2));
        await host.Job.RunAsync(default);

        var result = await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.Approve);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(SubmissionState.Approved, (await host.SubmissionAsync(id)).State);
        Assert.Empty(await host.Review.QueueAsync(new UseCaseQueueFilter(), default));
    }

    [Fact]
    public async Task Drift_UsageOverTheApprovedQuota_RaisesTheUseCase()
    {
        await host.AddKeysAsync("org_acme", "app_help", 2, tokensUsedEach: 600_000);
        var id = await host.SubmitAsync();
        await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.ApproveWithConditions, conditions: UseCaseConditions.FromTier(QuotaTiers.All[1]) with { MonthlyTokenQuota = 1_000_000 });
        var drift = await host.Monitor.DriftForApplicationAsync((await host.SubmissionAsync(id)).ApplicationId, default);

        await host.Monitor.RunChecksAsync(default);

        Assert.Equal(1.2, drift!.VolumeRatio);
        Assert.True(drift.IsDrifting);
        var s = await host.SubmissionAsync(id);
        Assert.Equal(SubmissionState.ReReview, s.State);
        Assert.Equal(QueueReason.Drift, s.QueueReason);
        Assert.Contains("120", s.QueueNote, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_UnderTheQuotaAndNoFlags_StaysApproved()
    {
        await host.AddKeysAsync("org_acme", "app_help", 1, tokensUsedEach: 900_000);
        var id = await host.SubmitAsync();
        await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.ApproveWithConditions, conditions: UseCaseConditions.FromTier(QuotaTiers.All[3]) with { MonthlyTokenQuota = 1_000_000 });

        var result = await host.Monitor.RunChecksAsync(default);

        Assert.Equal(new UseCaseCheckResult(0, 0, 0, 0), result);
        Assert.Equal(SubmissionState.ApprovedWithConditions, (await host.SubmissionAsync(id)).State);
    }

    [Fact]
    public async Task Drift_FlagsByCategorySinceApproval_AreCountedWithConfirmedViolations()
    {
        var keys = await host.AddKeysAsync("org_acme", "app_help", 1);
        await AddFlagsAsync(keys[0], "harassment", 2, confirmed: 0);
        host.Clock.Advance(TimeSpan.FromHours(1));
        var id = await host.SubmitAsync();
        await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.Approve);
        host.Clock.Advance(TimeSpan.FromDays(2));
        await AddFlagsAsync(keys[0], "hate", 3, confirmed: 1);
        await AddFlagsAsync(keys[0], "spam", 1, confirmed: 0);

        var drift = await host.Monitor.DriftForApplicationAsync((await host.SubmissionAsync(id)).ApplicationId, default);

        Assert.Equal(4, drift!.Flags);
        Assert.Equal(1, drift.ConfirmedViolations);
        Assert.Equal(new CategoryDrift("hate", 3, 1, 1.5), drift.ByCategory[0]);
        Assert.Equal(2.0, drift.FlagsPerDay);
        Assert.False(drift.IsDrifting);
    }

    [Fact]
    public async Task StagedAccess_FlagSpike_HaltsAndRaises()
    {
        var keys = await host.AddKeysAsync("org_acme", "app_help", 1);
        var id = await host.SubmitAsync();
        await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.ApproveWithConditions, conditions: UseCaseConditions.FromTier(QuotaTiers.All[0]));
        host.Clock.Advance(TimeSpan.FromDays(3));
        await AddFlagsAsync(keys[0], "harassment", host.UseCasesOptions.SpikeFlagsPer24Hours, confirmed: 0);

        var result = await host.Monitor.RunChecksAsync(default);

        Assert.Equal(1, result.Halted);
        var s = await host.SubmissionAsync(id);
        Assert.True(s.StagedAccessHalted);
        Assert.Equal(QueueReason.FlagSpike, s.QueueReason);
        Assert.Equal(SubmissionState.ReReview, s.State);
    }

    [Fact]
    public async Task StagedAccess_CleanPeriod_ProposesTheNextTierOnce()
    {
        var keys = await host.AddKeysAsync("org_acme", "app_help", 1);
        var id = await host.SubmitAsync();
        await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.ApproveWithConditions, conditions: UseCaseConditions.FromTier(QuotaTiers.All[0]));
        host.Clock.Advance(TimeSpan.FromDays(host.UseCasesOptions.CleanPeriodDays - 1));
        await AddFlagsAsync(keys[0], "spam", 1, confirmed: 0);
        Assert.Equal(0, (await host.Monitor.RunChecksAsync(default)).TiersProposed);

        host.Clock.Advance(TimeSpan.FromDays(1));
        var result = await host.Monitor.RunChecksAsync(default);
        var again = await host.Monitor.RunChecksAsync(default);

        Assert.Equal(1, result.TiersProposed);
        Assert.Equal(0, again.TiersProposed);
        var details = await host.Review.GetAsync(id, default);
        Assert.Equal("Tier 1", details!.ProposedTier);
        Assert.Equal(QueueReason.NextTierProposed, details.QueueReason);
        Assert.Equal("Tier 1", details.SuggestedConditions.Tier);
    }

    [Fact]
    public async Task StagedAccess_ConfirmedViolation_ProposesNothing()
    {
        var keys = await host.AddKeysAsync("org_acme", "app_help", 1);
        var id = await host.SubmitAsync();
        await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.ApproveWithConditions, conditions: UseCaseConditions.FromTier(QuotaTiers.All[0]));
        await AddFlagsAsync(keys[0], "harassment", 1, confirmed: 1);
        host.Clock.Advance(TimeSpan.FromDays(host.UseCasesOptions.CleanPeriodDays + 1));

        var result = await host.Monitor.RunChecksAsync(default);

        Assert.Equal(new UseCaseCheckResult(0, 0, 0, 0), result);
        Assert.Equal(SubmissionState.ApprovedWithConditions, (await host.SubmissionAsync(id)).State);
    }

    private async Task AddFlagsAsync(long keyId, string category, int count, int confirmed)
    {
        await using var db = host.Database.CreateContext();
        var key = await db.Set<ApiKey>().SingleAsync(k => k.Id == keyId);
        for (var i = 0; i < count; i++)
        {
            var flag = new Flag
            {
                UpstreamId = Guid.NewGuid().ToString("N"),
                CreatedAt = host.Clock.GetUtcNow(),
                IngestedAt = host.Clock.GetUtcNow(),
                OrganizationId = key.OrganizationId,
                ApplicationId = key.ApplicationId,
                ApiKeyId = key.Id,
                TopCategory = category,
                TopScore = 0.9,
                SlaDueAt = host.Clock.GetUtcNow().AddHours(4),
                Status = i < confirmed ? FlagStatus.Decided : FlagStatus.New,
            };
            db.Add(flag);
            await db.SaveChangesAsync();
            if (i < confirmed)
            {
                db.Add(new FlagDecision { FlagId = flag.Id, Verdict = Verdict.Violation, DecidedBy = "r-1", DecidedAt = host.Clock.GetUtcNow(), ConfirmedCategories = category });
                await db.SaveChangesAsync();
            }
        }
    }
}
