using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Features.UseCases;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.UseCases;

public sealed class UseCaseReviewServiceTests : IAsyncLifetime, IDisposable
{
    private readonly UseCaseTestHost host = new();

    public Task InitializeAsync() => host.InitializeAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task Claim_HeldByAnotherReviewer_IsRefusedUntilTheLeaseExpires()
    {
        var id = await host.SubmitAsync();
        Assert.True((await host.Review.ClaimAsync(id, UseCaseTestHost.Uma, default)).Succeeded);

        var refused = await host.Review.ClaimAsync(id, UseCaseTestHost.Lee, default);
        host.Clock.Advance(TimeSpan.FromMinutes(host.UseCasesOptions.LeaseMinutes + 1));
        var afterExpiry = await host.Review.ClaimAsync(id, UseCaseTestHost.Lee, default);

        Assert.False(refused.Succeeded);
        Assert.Contains("uma@demo.local", refused.Message, StringComparison.Ordinal);
        Assert.True(afterExpiry.Succeeded);
        Assert.Equal("u-lee", (await host.SubmissionAsync(id)).LeaseOwner);
    }

    [Fact]
    public async Task Renew_OwnLease_ExtendsIt_AndReleaseFreesIt()
    {
        var id = await host.SubmitAsync();
        await host.Review.ClaimAsync(id, UseCaseTestHost.Uma, default);
        host.Clock.Advance(TimeSpan.FromMinutes(8));

        Assert.False(await host.Review.RenewAsync(id, UseCaseTestHost.Lee, default));
        Assert.True(await host.Review.RenewAsync(id, UseCaseTestHost.Uma, default));
        Assert.Equal(host.Clock.GetUtcNow().AddMinutes(10), (await host.SubmissionAsync(id)).LeaseExpiresAt);

        Assert.True(await host.Review.ReleaseAsync(id, UseCaseTestHost.Uma, default));
        Assert.Null((await host.SubmissionAsync(id)).LeaseOwner);
        Assert.True((await host.Review.ClaimAsync(id, UseCaseTestHost.Lee, default)).Succeeded);
    }

    [Fact]
    public async Task Next_TwoReviewers_GetDifferentSubmissionsByEarliestSla()
    {
        var first = await host.SubmitAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await host.SubmitAsync(UseCaseTestHost.ValidRequest(app: "app_two"));

        var uma = await host.Review.NextAsync(UseCaseTestHost.Uma, default);
        var lee = await host.Review.NextAsync(UseCaseTestHost.Lee, default);
        var empty = await host.Review.NextAsync(new("u-3", "third"), default);

        Assert.Equal(first, uma.SubmissionId);
        Assert.Equal(second, lee.SubmissionId);
        Assert.False(empty.Succeeded);
    }

    [Fact]
    public async Task Claim_TwoNodesRacing_ExactlyOneWins()
    {
        var id = await host.SubmitAsync();

        // A second service instance with its own connections stands in for a second app node.
        var otherNode = new UseCaseReviewService(new TestDbContextFactory(host.Database.Options), host.Enforcement, host.Dispatcher, host.Monitor, new ReviewConsole.Features.Audit.AuditLog(host.Clock), host.Clock, Microsoft.Extensions.Options.Options.Create(host.UseCasesOptions), host.Golden);
        for (var round = 0; round < 5; round++)
        {
            var results = await Task.WhenAll(
                Task.Run(() => host.Review.ClaimAsync(id, UseCaseTestHost.Uma, default)),
                Task.Run(() => otherNode.ClaimAsync(id, UseCaseTestHost.Lee, default)));

            Assert.Single(results, r => r.Succeeded);
            var winner = results[0].Succeeded ? UseCaseTestHost.Uma : UseCaseTestHost.Lee;
            Assert.Equal(winner.Id, (await host.SubmissionAsync(id)).LeaseOwner);
            await host.Review.ReleaseAsync(id, winner, default);
        }
    }

    [Fact]
    public async Task Decide_WithoutClaim_IsRefused()
    {
        var id = await host.SubmitAsync();
        var details = await host.Review.GetAsync(id, default);

        var result = await host.Review.DecideAsync(new DecideUseCaseRequest(id, details!.ConcurrencyVersion, UseCaseDecisionKind.Approve, ""), UseCaseTestHost.Uma, default);

        Assert.False(result.Succeeded);
        Assert.Equal(SubmissionState.Submitted, (await host.SubmissionAsync(id)).State);
    }

    [Fact]
    public async Task Decide_StaleVersion_IsRefused()
    {
        var id = await host.SubmitAsync();
        await host.Review.ClaimAsync(id, UseCaseTestHost.Uma, default);
        var details = await host.Review.GetAsync(id, default);

        var result = await host.Review.DecideAsync(new DecideUseCaseRequest(id, details!.ConcurrencyVersion - 1, UseCaseDecisionKind.Approve, ""), UseCaseTestHost.Uma, default);

        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task ApproveWithConditions_BecomesOneSetLimitsAndANoticeAction()
    {
        await host.AddKeysAsync("org_acme", "app_help", 2);
        var id = await host.SubmitAsync();
        var conditions = UseCaseConditions.FromTier(QuotaTiers.All[0]) with { MaxOutputTokens = 500, ReReviewAt = host.Clock.GetUtcNow().AddDays(30) };

        var result = await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.ApproveWithConditions, conditions: conditions);

        // The effect of these rows on the registry and the platform is asserted in DecisionEffectsTests.
        Assert.True(result.Succeeded, result.Message);
        await using var db = host.Database.CreateContext();
        var actions = await db.Set<EnforcementAction>().Where(a => a.Reason == EnforcementReason.UseCase).ToListAsync();
        Assert.All(actions, a => Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), a.ReasonId));
        var limits = Assert.Single(actions, a => a.Kind == EnforcementKind.SetLimits);
        Assert.Equal(new LimitSet(2_000_000, 60, 20_000, 500, null, 100), EnforcementContract.Read<LimitParameters>(limits).Limits with { AllowedModels = null });
        var notice = Assert.Single(actions, a => a.Kind == EnforcementKind.SendNotice);
        Assert.Equal(EnforcementTargetType.Organization, notice.TargetType);
        Assert.Contains("Pilot: at most 100 end users", EnforcementContract.Read<NoticeParameters>(notice).Body, StringComparison.Ordinal);

        var s = await host.SubmissionAsync(id);
        Assert.Equal(SubmissionState.ApprovedWithConditions, s.State);
        Assert.Equal("Pilot", s.Tier);
        Assert.Equal(2_000_000, s.ApprovedMonthlyTokens);
        Assert.Equal(conditions.ReReviewAt, s.ReReviewAt);
        Assert.Null(s.LeaseOwner);
        var decision = await db.Set<UseCaseDecision>().SingleAsync();
        Assert.Equal(1, decision.GuidelineVersion);
        Assert.Equal("UC-2.1", decision.GuidelineClause);
        Assert.Equal("2/2", decision.ChecklistScore);
        Assert.Equal(1, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "usecase.decided"));
    }

    [Fact]
    public async Task ApproveWithConditions_AppWithoutKeys_TargetsTheApplication()
    {
        var id = await host.SubmitAsync();

        await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.ApproveWithConditions, conditions: UseCaseConditions.FromTier(QuotaTiers.All[1]));

        await using var db = host.Database.CreateContext();
        var limits = await db.Set<EnforcementAction>().SingleAsync(a => a.Kind == EnforcementKind.SetLimits);
        Assert.Equal(EnforcementTargetType.Application, limits.TargetType);
        Assert.Equal((await host.SubmissionAsync(id)).ApplicationId, limits.TargetId);
        Assert.Equal(20_000_000, EnforcementContract.Read<LimitParameters>(limits).Limits.MonthlyTokenQuota);
    }

    [Fact]
    public async Task Decide_RecordsTheGuidelineVersionInForce()
    {
        var categories = await host.Guidelines.ListAsync(true, default);
        var support = categories.Single(c => c.Key == "customer-support");
        var saved = await host.Guidelines.SaveAsync(new GuidelineEdit { Id = support.Id, Name = support.Name, RiskLevel = support.RiskLevel, RequiredSafeguards = support.RequiredSafeguards | Safeguards.HumanInTheLoop, Clause = "UC-2.1a", Guidance = support.Guidance, ExpectedVersion = support.Version }, UseCaseTestHost.Lee, default);
        Assert.True(saved.Succeeded, saved.Message);
        var id = await host.SubmitAsync();

        await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.Reject, reason: "Outputs are not reviewed by a person as the guideline now requires.");

        await using var db = host.Database.CreateContext();
        var decision = await db.Set<UseCaseDecision>().SingleAsync();
        Assert.Equal(2, decision.GuidelineVersion);
        Assert.Equal("UC-2.1a", decision.GuidelineClause);
        Assert.Equal("2/3", decision.ChecklistScore);
    }

    [Fact]
    public async Task Approve_ResearchAccess_GrantsTheRequestedCredits()
    {
        var request = UseCaseTestHost.ValidRequest("research-access", app: "app_bias");
        request.Kind = "research_access";
        request.Research = new ResearchRequest
        {
            Institution = "University of Tübingen",
            ResearchQuestion = "How does occupational gender bias vary across forty languages?",
            DataHandling = "Synthetic prompts only; aggregated results; no personal data is stored.",
            RequestedCreditsUsd = 8_000,
        };
        var id = await host.SubmitAsync(request);

        Assert.True((await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.Approve)).Succeeded);

        await using var db = host.Database.CreateContext();
        var grant = await db.Set<EnforcementAction>().SingleAsync(a => a.Kind == EnforcementKind.GrantResearchCredits);
        Assert.Equal(EnforcementTargetType.Application, grant.TargetType);
        Assert.Equal(8_000m, EnforcementContract.Read<ResearchCreditParameters>(grant).CreditsUsd);

        var notice = await db.Set<EnforcementAction>().SingleAsync(a => a.Kind == EnforcementKind.SendNotice);
        Assert.Contains("8,000.00 USD", notice.ParametersJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approve_DisallowedCategory_IsRefused()
    {
        var id = await host.SubmitAsync(UseCaseTestHost.ValidRequest("political-campaigning"));

        var result = await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.ApproveWithConditions, conditions: UseCaseConditions.FromTier(QuotaTiers.All[0]));

        Assert.False(result.Succeeded);
        Assert.Contains("UC-6.1", result.Message, StringComparison.Ordinal);
        Assert.Equal(SubmissionState.Submitted, (await host.SubmissionAsync(id)).State);
    }

    [Fact]
    public async Task Approve_HighRiskWithoutConditions_IsRefused()
    {
        var id = await host.SubmitAsync(UseCaseTestHost.ValidRequest("companionship-roleplay"));

        var result = await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.Approve);

        Assert.False(result.Succeeded);
        Assert.Contains("high-risk", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(UseCaseDecisionKind.RequestChanges, "", "questions")]
    [InlineData(UseCaseDecisionKind.Reject, "No.", "reason")]
    [InlineData(UseCaseDecisionKind.ApproveWithConditions, "", "conditions")]
    public async Task Decide_IncompleteDecision_NamesTheMissingField(UseCaseDecisionKind kind, string reason, string field)
    {
        var id = await host.SubmitAsync();

        var result = await host.ClaimAndDecideAsync(id, kind, reason: reason);

        Assert.False(result.Succeeded);
        Assert.Contains(field, result.Errors.Fields);
    }

    [Fact]
    public async Task Decide_RejectedSubmission_CannotBeDecidedAgain()
    {
        var id = await host.SubmitAsync();
        Assert.True((await host.ClaimAndDecideAsync(id, UseCaseDecisionKind.Reject, reason: "Outside what the platform allows.")).Succeeded);

        var claim = await host.Review.ClaimAsync(id, UseCaseTestHost.Uma, default);
        var details = await host.Review.GetAsync(id, default);
        var again = await host.Review.DecideAsync(new DecideUseCaseRequest(id, details!.ConcurrencyVersion, UseCaseDecisionKind.Approve, ""), UseCaseTestHost.Uma, default);

        Assert.False(claim.Succeeded);
        Assert.False(again.Succeeded);
        Assert.Equal(SubmissionState.Rejected, (await host.SubmissionAsync(id)).State);
    }

    [Fact]
    public async Task Queue_Filters_ByRiskAndOverdue()
    {
        await host.SubmitAsync();
        await host.SubmitAsync(UseCaseTestHost.ValidRequest("medical-information", app: "app_med"));
        host.Clock.Advance(TimeSpan.FromHours(host.UseCasesOptions.ReviewSlaHours + 1));
        await host.SubmitAsync(UseCaseTestHost.ValidRequest("code-assistance", app: "app_code"));

        var highRisk = await host.Review.QueueAsync(new UseCaseQueueFilter(RiskLevel: RiskLevel.HighRisk), default);
        var overdue = await host.Review.QueueAsync(new UseCaseQueueFilter(OverdueOnly: true), default);
        var counts = await host.Review.CountsAsync(default);

        Assert.Equal("app_med", Assert.Single(highRisk).App);
        Assert.Equal(2, overdue.Count);
        Assert.Equal(new UseCaseQueueCounts(3, 2, 3, 0), counts);
    }
}
