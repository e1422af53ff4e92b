using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Appeals;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Appeals;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Features.UseCases;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;
using ReviewConsole.Testing.Enforcement;
using ReviewConsole.Tests.UseCases;
using static ReviewConsole.Tests.Enforcement.EnforcementTestData;

namespace ReviewConsole.Tests.Enforcement;

/// <summary>
/// Decisions carried out end to end: the decision is taken through its service, the outbox is
/// executed (the sweeper, as the poller runs it), and the assertions read the key registry and what
/// a real loopback platform received — never only the JSON of a row.
/// </summary>
public sealed class DecisionEffectsTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);
    private readonly TestDatabase database = new();
    private RecordingPlatform platform = default!;
    private EnforcementHarness node = default!;

    public async Task InitializeAsync()
    {
        platform = await RecordingPlatform.StartAsync();
        node = new EnforcementHarness(database, settings: new Dictionary<string, string?>(platform.Settings));
        await node.Get<GuidelineService>().SeedDefaultsAsync(default);
    }

    public async Task DisposeAsync() => await platform.DisposeAsync();

    [Fact]
    public async Task ApproveWithConditions_EveryLimitReachesTheRegistryThePlatformAndLaterKeys()
    {
        var keys = await AddKeysAsync("org_cond", "app_cond", 2);
        var id = await SubmitAsync(UseCaseTestHost.ValidRequest(org: "org_cond", app: "app_cond"));
        var conditions = UseCaseConditions.FromTier(QuotaTiers.All[1]) with { MonthlyTokenQuota = 7_000_000, Rpm = 120, Tpm = 50_000, MaxOutputTokens = 800, PilotEndUserCap = 250 };

        var decided = await DecideAsync(id, UseCaseDecisionKind.ApproveWithConditions, conditions);
        await node.DrainAsync(Drain);

        Assert.True(decided.Succeeded, decided.Message);
        var expected = new LimitSet(7_000_000, 120, 50_000, 800, null, 250);
        foreach (var key in await KeysAsync(keys))
        {
            Assert.Equal(expected, LimitsOf(key));
        }

        // The platform got one SetLimits with every condition, under the contract's names.
        var call = Assert.Single(platform.Applied, c => c.Kind == "SetLimits");
        var limits = call.Parameters.GetProperty("limits");
        Assert.Equal(7_000_000, limits.GetProperty("monthlyTokenQuota").GetInt64());
        Assert.Equal(800, limits.GetProperty("maxOutputTokens").GetInt32());
        Assert.Equal(250, limits.GetProperty("pilotEndUserCap").GetInt32());
        Assert.Equal("app_cond", call.Json.GetProperty("target").GetProperty("id").GetString());

        // A key created after the approval starts from the application's limits.
        await using var db = database.CreateContext();
        var later = await new ActorRegistry(TimeProvider.System).EnsureAsync(db, new ActorRef("org_cond", "app_cond", "key_cond_later"), default);
        Assert.Equal(expected, LimitsOf(await db.Set<ApiKey>().SingleAsync(k => k.Id == later.ApiKeyId)));
        var notice = await db.Set<Notice>().SingleAsync();
        Assert.Contains("Max output tokens per request: 800", notice.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApproveWithAllowedModels_RegistryAndPlatformHoldExactlyThose_LaterKeysInherit()
    {
        var keys = await AddKeysAsync("org_models", "app_models", 2);
        var request = UseCaseTestHost.ValidRequest(org: "org_models", app: "app_models");
        request.Models = ["rc-large", "rc-small", "rc-vision"];
        var id = await SubmitAsync(request);
        var conditions = UseCaseConditions.FromTier(QuotaTiers.All[1]) with { AllowedModels = ["rc-small", "RC-VISION"] };

        var decided = await DecideAsync(id, UseCaseDecisionKind.ApproveWithConditions, conditions);
        await node.DrainAsync(Drain);

        Assert.True(decided.Succeeded, decided.Message);
        Assert.All(await KeysAsync(keys), k => Assert.Equal("rc-small,rc-vision", k.AllowedModels));
        var call = Assert.Single(platform.Applied, c => c.Kind == "SetLimits");
        var sent = call.Parameters.GetProperty("limits").GetProperty("allowedModels").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Equal(["rc-small", "rc-vision"], sent);

        await using var db = database.CreateContext();
        var later = await new ActorRegistry(TimeProvider.System).EnsureAsync(db, new ActorRef("org_models", "app_models", "key_models_later"), default);
        Assert.Equal("rc-small,rc-vision", (await db.Set<ApiKey>().SingleAsync(k => k.Id == later.ApiKeyId)).AllowedModels);
        Assert.Contains("Models allowed: rc-small, rc-vision", (await db.Set<Notice>().SingleAsync()).Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rc-ultra", "not requested: rc-ultra")]
    [InlineData("", "not requested: (blank)")]
    public async Task ApproveWithModelsNotRequested_IsRefusedAndNothingIsWritten(string model, string problem)
    {
        var keys = await AddKeysAsync("org_nomodel", "app_nomodel", 1);
        var id = await SubmitAsync(UseCaseTestHost.ValidRequest(org: "org_nomodel", app: "app_nomodel"));

        var decided = await DecideAsync(id, UseCaseDecisionKind.ApproveWithConditions, UseCaseConditions.FromTier(QuotaTiers.All[1]) with { AllowedModels = ["rc-large", model] });
        var none = await DecideAsync(id, UseCaseDecisionKind.ApproveWithConditions, UseCaseConditions.FromTier(QuotaTiers.All[1]) with { AllowedModels = [] });
        await node.DrainAsync(Drain);

        Assert.False(decided.Succeeded);
        Assert.Contains(problem, decided.Errors.For("conditions.allowedModels"), StringComparison.Ordinal);
        Assert.False(none.Succeeded);
        Assert.NotNull(none.Errors.For("conditions.allowedModels"));
        Assert.Null((await KeysAsync(keys))[0].AllowedModels);
        Assert.Equal(SubmissionState.Submitted, (await SubmissionAsync(id)).State);
        await using var db = database.CreateContext();
        Assert.False(await db.Set<EnforcementAction>().AnyAsync());
    }

    [Theory]
    [InlineData(EnforcementKind.SetRateLimit)]
    [InlineData(EnforcementKind.SetQuota)]
    [InlineData(EnforcementKind.RestrictModelAccess)]
    public async Task LimitKindOnAnOrganization_ChangesOnlyItsFieldsAndCoversLaterKeys(EnforcementKind kind)
    {
        var lead = await EnforcementHarness.CreateStaffAsync(database, Roles.Lead);
        var keys = await AddKeysAsync("org_kind", "app_kind", 2);
        await using (var setup = database.CreateContext())
        {
            await setup.Set<ApiKey>().ExecuteUpdateAsync(s => s.SetProperty(k => k.RateLimitRpm, 500).SetProperty(k => k.MonthlyTokenQuota, 9_000_000).SetProperty(k => k.MaxOutputTokens, 1000));
        }

        EnforcementParameters parameters = kind switch
        {
            EnforcementKind.SetRateLimit => new RateLimitParameters(30, 9_000),
            EnforcementKind.SetQuota => new QuotaParameters(1_000_000),
            _ => new ModelAccessParameters(["rc-small"]),
        };
        var orgId = (await KeysAsync(keys))[0].OrganizationId;
        var action = await RequestAsync(node, database, EnforcementRequest.With(kind, EnforcementTargetType.Organization, [orgId], EnforcementReason.Manual, null, "MU-3", "test", parameters), lead);
        await node.DrainAsync(Drain);

        Assert.Equal(EnforcementState.Succeeded, (await ReloadAsync(database, action.Id)).State);
        var before = new LimitSet(9_000_000, 500, null, 1000, null, null);
        var after = kind switch
        {
            EnforcementKind.SetRateLimit => before with { Rpm = 30, Tpm = 9_000 },
            EnforcementKind.SetQuota => before with { MonthlyTokenQuota = 1_000_000 },
            _ => before with { AllowedModels = ["rc-small"] },
        };
        Assert.All(await KeysAsync(keys), k => Assert.Equal(Normalize(after), Normalize(LimitsOf(k))));
        Assert.Single(platform.Applied, c => c.Kind == kind.ToString());

        await using var db = database.CreateContext();
        var later = await new ActorRegistry(TimeProvider.System).EnsureAsync(db, new ActorRef("org_kind", "app_kind_2", "key_kind_later"), default);
        var fresh = LimitsOf(await db.Set<ApiKey>().SingleAsync(k => k.Id == later.ApiKeyId));
        var inherited = kind switch
        {
            EnforcementKind.SetRateLimit => new LimitSet(Rpm: 30, Tpm: 9_000),
            EnforcementKind.SetQuota => new LimitSet(MonthlyTokenQuota: 1_000_000),
            _ => new LimitSet(AllowedModels: ["rc-small"]),
        };
        Assert.Equal(Normalize(inherited), Normalize(fresh));
    }

    [Fact]
    public async Task ResearchAccess_GrantsALedgerThatUsageDrawsDownAndExhaustionRaises()
    {
        var keys = await AddKeysAsync("org_lab", "app_lab", 1);
        var request = UseCaseTestHost.ValidRequest("research-access", app: "app_lab", org: "org_lab");
        request.Kind = "research_access";
        request.Research = new ResearchRequest
        {
            Institution = "University of Tübingen",
            ResearchQuestion = "How does occupational gender bias vary across forty languages?",
            DataHandling = "Synthetic prompts only; aggregated results; no personal data is stored.",
            RequestedCreditsUsd = 10,
        };
        var id = await SubmitAsync(request);

        Assert.True((await DecideAsync(id, UseCaseDecisionKind.Approve)).Succeeded);
        await node.DrainAsync(Drain);

        var grant = Assert.Single(platform.Applied, c => c.Kind == "GrantResearchCredits");
        Assert.Equal(10m, grant.Parameters.GetProperty("creditsUsd").GetDecimal());
        var credits = Assert.Single(await node.Get<UseCaseMonitorService>().CreditsForApplicationAsync((await KeysAsync(keys))[0].ApplicationId, default));
        Assert.Equal((10m, 0m, 10m), (credits.GrantedUsd, credits.UsedUsd, credits.RemainingUsd));

        // 2 USD per million tokens by default: 3M tokens use 6 USD, 3M more exhaust the grant.
        var platformToken = new StaffUser("token:1", "platform usage feed");
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var first = await node.Get<UsageService>().RecordAsync([new UsageReport("app_lab_key_0", today, 3_000_000, 40)], platformToken, null, default);
        Assert.True(first.Accepted, first.Message);
        credits = (await node.Get<UseCaseMonitorService>().CreditsForApplicationAsync(credits.ApplicationId, default))[0];
        Assert.Equal((6m, 4m), (credits.UsedUsd, credits.RemainingUsd));
        Assert.NotEqual(SubmissionState.ReReview, (await SubmissionAsync(id)).State);

        var second = await node.Get<UsageService>().RecordAsync([new UsageReport("app_lab_key_0", today, 6_000_000, 80)], platformToken, null, default);
        Assert.Equal(1, second.Replaced);
        credits = (await node.Get<UseCaseMonitorService>().CreditsForApplicationAsync(credits.ApplicationId, default))[0];
        Assert.Equal((12m, 0m), (credits.UsedUsd, credits.RemainingUsd));
        Assert.NotNull(credits.ExhaustedAt);
        var submission = await SubmissionAsync(id);
        Assert.Equal(QueueReason.CreditsExhausted, submission.QueueReason);
        Assert.Contains(submission.State, UseCaseStateMachine.Open);
    }

    [Fact]
    public async Task PilotCapExceeded_HaltsAtOnceWithThePilotLimitsAtTheRegistryAndPlatform()
    {
        var keys = await AddKeysAsync("org_stage", "app_stage", 1);
        var id = await SubmitAsync(UseCaseTestHost.ValidRequest(org: "org_stage", app: "app_stage"));
        var tier1 = UseCaseConditions.FromTier(QuotaTiers.All[1]) with { StagedAccess = true, PilotEndUserCap = 50 };
        Assert.True((await DecideAsync(id, UseCaseDecisionKind.ApproveWithConditions, tier1)).Succeeded);
        await node.DrainAsync(Drain);
        Assert.Equal(20_000_000, (await KeysAsync(keys))[0].MonthlyTokenQuota);

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var report = await node.Get<UsageService>().RecordAsync([new UsageReport("app_stage_key_0", today, 1_000, 10, EndUsers: 80)], new StaffUser("token:2", "feed"), null, default);
        Assert.True(report.Accepted, report.Message);

        // The halt is an outbox row that did not wait for anyone; executing it lowers the limits.
        await using (var db = database.CreateContext())
        {
            var halt = await db.Set<EnforcementAction>().SingleAsync(a => a.Kind == EnforcementKind.SetLimits && a.RequestedById == StaffUser.System.Id);
            Assert.Equal(EnforcementState.Pending, halt.State);
        }

        await node.DrainAsync(Drain);
        var pilot = QuotaTiers.All[0];
        Assert.Equal(new LimitSet(pilot.MonthlyTokens, pilot.Rpm, pilot.Tpm, null, null, pilot.PilotEndUserCap), LimitsOf((await KeysAsync(keys))[0]));
        Assert.Equal(2, platform.Applied.Count(c => c.Kind == "SetLimits"));
        Assert.Equal("Pilot", platform.Applied.Last(c => c.Kind == "SetLimits").Parameters.GetProperty("tier").GetString());
        var submission = await SubmissionAsync(id);
        Assert.True(submission.StagedAccessHalted);
        Assert.Equal(QueueReason.PilotCapExceeded, submission.QueueReason);
    }

    [Fact]
    public async Task BulkRevocation_WaitsForALeadByBlastRadiusThenRevokesEveryKeyOnce()
    {
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var lead = await EnforcementHarness.CreateStaffAsync(database, Roles.Lead);
        var keys = await AddKeysAsync("org_bulk", "app_bulk", 7);

        var requested = await node.Get<EnforcementOutboxService>().RequestAsync(new EnforcementRequest(EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, keys, EnforcementReason.Manual, null, "MU-9", "credential stuffing"), reviewer, default);
        await node.DrainAsync(Drain);

        Assert.True(requested.Succeeded, requested.Message);
        Assert.All(await KeysAsync(keys), k => Assert.Equal(ApiKeyStatus.Active, k.Status));
        Assert.Empty(platform.Received);
        var preview = await node.Get<EnforcementOutboxService>().PreviewAsync(requested.Id!.Value, default);
        Assert.Equal(7, preview!.Radius.KeysAffected);
        Assert.Contains(preview.Radius.ApprovalReasons, r => r.Contains("7 active keys", StringComparison.Ordinal));

        Assert.True((await node.Get<EnforcementOutboxService>().ApproveAsync(requested.Id.Value, lead, default)).Succeeded);
        await node.DrainAsync(Drain);

        Assert.All(await KeysAsync(keys), k => Assert.Equal(ApiKeyStatus.Revoked, k.Status));
        Assert.Equal(7, platform.Applied.Count(c => c.Kind == "RevokeKey"));
        Assert.Equal(7, platform.Applied.Where(c => c.Kind == "RevokeKey").Select(c => c.IdempotencyKey).Distinct().Count());

        // One notice for the request group, readable by the organization.
        await using var db = database.CreateContext();
        var notice = await db.Set<Notice>().SingleAsync();
        Assert.Contains("app_bulk_key_6", notice.Body, StringComparison.Ordinal);
        Assert.Single(platform.Applied, c => c.Kind == "SendNotice");
    }

    [Fact]
    public async Task OrganizationRateLimit_OverTheKeyOrTokenThreshold_NeedsApprovalWhateverTheKind()
    {
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var keys = await AddKeysAsync("org_wide", "app_wide", 6);
        var orgId = (await KeysAsync(keys))[0].OrganizationId;

        var limit = await node.Get<EnforcementOutboxService>().RequestAsync(EnforcementRequest.With(EnforcementKind.SetRateLimit, EnforcementTargetType.Organization, [orgId], EnforcementReason.Manual, null, "MU-2", "throttle", new RateLimitParameters(10, 1000)), reviewer, default);
        await using var db = database.CreateContext();
        Assert.Equal(EnforcementState.PendingApproval, (await db.Set<EnforcementAction>().SingleAsync(a => a.Id == limit.Id)).State);

        // One key, but a month of heavy traffic.
        var heavy = await AddKeysAsync("org_heavy", "app_heavy", 1);
        await db.Set<ApiKey>().Where(k => k.Id == heavy[0]).ExecuteUpdateAsync(s => s.SetProperty(k => k.TokensUsedThisMonth, 600_000_000));
        var suspend = await node.Get<EnforcementOutboxService>().RequestAsync(new EnforcementRequest(EnforcementKind.SuspendApplication, EnforcementTargetType.Application, [(await KeysAsync(heavy))[0].ApplicationId], EnforcementReason.Manual, null, "MU-2", "abuse"), reviewer, default);
        Assert.Equal(EnforcementState.PendingApproval, (await db.Set<EnforcementAction>().SingleAsync(a => a.Id == suspend.Id)).State);
    }

    [Fact]
    public async Task Retries_SendTheSameBytesAndHonourRetryAfterOn409And429()
    {
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var ids = await ActorAsync(database, "retry");
        platform.AnswerNext(409);
        platform.AnswerNext(429, "2");
        var action = await RequestAsync(node, database, Revoke(ids.ApiKeyId), reviewer);
        var executor = node.Get<EnforcementExecutor>();

        Assert.Equal(ExecutionResult.Retrying, await executor.RunAsync(action.Id, default));
        await using (var db = database.CreateContext())
        {
            await db.Set<EnforcementAction>().Where(a => a.Id == action.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.NextAttemptAt, DateTimeOffset.UtcNow));
        }

        var before429 = DateTimeOffset.UtcNow;
        Assert.Equal(ExecutionResult.Retrying, await executor.RunAsync(action.Id, default));
        var waiting = await ReloadAsync(database, action.Id);
        Assert.True(waiting.NextAttemptAt >= before429.AddSeconds(2), $"Retry-After ignored: next attempt {waiting.NextAttemptAt:O}");
        Assert.Equal(ExecutionResult.NotPickedUp, await executor.RunAsync(action.Id, default));

        await Task.Delay(waiting.NextAttemptAt!.Value - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100));
        Assert.Equal(ExecutionResult.Succeeded, await executor.RunAsync(action.Id, default));

        var calls = platform.Received.Where(c => c.Kind == "RevokeKey").ToList();
        Assert.Equal([409, 429, 200], calls.Select(c => c.Answer));
        Assert.Single(calls.Select(c => c.Body).Distinct());
        Assert.Single(calls.Select(c => c.IdempotencyKey).Distinct());
        var done = await ReloadAsync(database, action.Id);
        Assert.True(done.ConfirmedAtPlatform);
        Assert.StartsWith("Confirmed by the platform", done.PlatformResponse, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_ParametersNotMatchingTheContract_AreRefusedAndNothingIsWritten()
    {
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var ids = await ActorAsync(database, "bad");

        var result = await node.Get<EnforcementOutboxService>().RequestAsync(new EnforcementRequest(EnforcementKind.SetQuota, EnforcementTargetType.ApiKey, [ids.ApiKeyId], EnforcementReason.Manual, null, null, "quota", """{"monthlyTokenQuota":5}"""), reviewer, default);

        Assert.False(result.Succeeded);
        Assert.Contains("monthlyTokens", result.Message, StringComparison.Ordinal);
        await using var db = database.CreateContext();
        Assert.False(await db.Set<EnforcementAction>().AnyAsync());
    }

    [Fact]
    public async Task SanctionWithNoticeOptOut_IsAppliedWithoutANotice()
    {
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var ids = await ActorAsync(database, "quiet");

        var result = await node.Get<EnforcementOutboxService>().RequestAsync(Revoke(ids.ApiKeyId) with { NoticeOptOutReason = "Active law-enforcement investigation." }, reviewer, default);
        await node.DrainAsync(Drain);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(ApiKeyStatus.Revoked, (await KeysAsync([ids.ApiKeyId]))[0].Status);
        await using var db = database.CreateContext();
        Assert.False(await db.Set<Notice>().AnyAsync());
        Assert.DoesNotContain(platform.Received, c => c.Kind == "SendNotice");
    }

    [Fact]
    public async Task NoticeTemplate_SavedVersionIsUsedForTheNextSanction_BadPlaceholdersRefused()
    {
        var admin = await EnforcementHarness.CreateStaffAsync(database, Roles.Admin);
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var notices = node.Get<NoticeService>();

        var bad = await notices.SaveTemplateAsync(new SaveNoticeTemplateRequest("sanction-applied", "Sanction applied", "Action: {{acton}}", "Hello {{organization_name}}"), admin, default);
        var good = await notices.SaveTemplateAsync(new SaveNoticeTemplateRequest("sanction-applied", "Sanction applied", "Action taken: {{action}}", "Dear {{organization_name}}, {{action}} on {{target}}. Appeal ref {{appeal_reference}}."), admin, default);
        var ids = await ActorAsync(database, "tmpl");
        await RequestAsync(node, database, Revoke(ids.ApiKeyId), reviewer);
        await node.DrainAsync(Drain);

        Assert.False(bad.Succeeded);
        Assert.Contains("{{acton}}", bad.Message, StringComparison.Ordinal);
        Assert.True(good.Succeeded, good.Message);
        var notice = Assert.Single(await notices.ForOrganizationAsync(ids.OrganizationId, 0, 10, default));
        Assert.Equal(("sanction-applied", (int?)2), (notice.Template, notice.TemplateVersion));
        Assert.StartsWith("Dear org_tmpl, API key revoked on", notice.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StrikeProposedSanction_ExpiresAndIsReversed()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var timed = new EnforcementHarness(database, clock, new Dictionary<string, string?> { ["Enforcement:StrikeSanctionDays"] = "7" });
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var ids = await ActorAsync(database, "strk");
        var strikes = timed.Get<StrikeService>();
        await using (var db = database.CreateContext())
        {
            for (var i = 0; i < 3; i++)
            {
                await db.InTransactionAsync(ct => strikes.RecordAsync(db, new RecordStrikeRequest(ids.OrganizationId, "spam", EnforcementReason.Manual, $"m{i}", "MU-1", "spam"), reviewer, ct), default);
            }
        }

        var proposal = (await strikes.StandingAsync(ids.OrganizationId, default)).Proposals.Single(p => p.ProposedKind == EnforcementKind.SetRateLimit);
        Assert.True((await strikes.ConfirmProposalAsync(proposal.Id, reviewer, default)).Succeeded);
        await timed.DrainAsync(Drain);
        Assert.Equal(60, (await KeysAsync([ids.ApiKeyId]))[0].RateLimitRpm);

        clock.Advance(TimeSpan.FromDays(7));
        await timed.Get<SweepEnforcementOutboxJob>().ExecuteDueAsync(default);

        Assert.Null((await KeysAsync([ids.ApiKeyId]))[0].RateLimitRpm);
        await using var check = database.CreateContext();
        var sanction = await check.Set<EnforcementAction>().SingleAsync(a => a.Reason == EnforcementReason.Strike && a.Kind == EnforcementKind.SetRateLimit);
        Assert.Equal(clock.GetUtcNow(), sanction.ExpiresAt);
    }

    [Fact]
    public async Task StrikeExpiry_PointsStopCountingAfterTheLifetime()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var timed = new EnforcementHarness(database, clock, new Dictionary<string, string?> { ["Enforcement:StrikeLifetimeDays"] = "30" });
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var ids = await ActorAsync(database, "age");
        var strikes = timed.Get<StrikeService>();
        await using var db = database.CreateContext();
        await db.InTransactionAsync(ct => strikes.RecordAsync(db, new RecordStrikeRequest(ids.OrganizationId, "spam", EnforcementReason.Manual, "a1", null, "spam"), reviewer, ct), default);

        clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1));
        var before = (await strikes.StandingAsync(ids.OrganizationId, default)).ActivePoints;
        clock.Advance(TimeSpan.FromMinutes(1));
        var after = (await strikes.StandingAsync(ids.OrganizationId, default)).ActivePoints;
        var again = await db.InTransactionAsync(ct => strikes.RecordAsync(db, new RecordStrikeRequest(ids.OrganizationId, "spam", EnforcementReason.Manual, "a2", null, "spam"), reviewer, ct), default);

        Assert.Equal((1, 0), (before, after));
        Assert.Equal((0, 1), (again.PointsBefore, again.PointsAfter));
        Assert.Equal(EnforcementKind.Warn, again.Proposal?.ProposedKind);
    }

    [Fact]
    public async Task Overturn_BeforeTheStrikeIsRecorded_LeavesNoActiveStrike()
    {
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var other = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var ids = await ActorAsync(database, "ovr");
        var sanction = await RequestAsync(node, database, Revoke(ids.ApiKeyId) with { Reason = EnforcementReason.Decision, ReasonId = "991" }, reviewer);
        await node.DrainAsync(Drain);
        var appeal = await node.Get<AppealService>().FileAsync(new FileAppealRequest(sanction.Id, "Our key was stolen.", null), AppealSource.Staff, other, null, default);
        Assert.True((await node.Get<AppealService>().DecideAsync(appeal.Appeal!.Id, true, "Stolen key, confirmed.", other, default)).Succeeded);

        await using var db = database.CreateContext();
        var outcome = await db.InTransactionAsync(ct => node.Get<StrikeService>().RecordAsync(db, new RecordStrikeRequest(ids.OrganizationId, "spam", EnforcementReason.Decision, "991", "MU-1", "late"), reviewer, ct), default);

        Assert.NotNull(outcome.Strike.RevokedAt);
        Assert.Equal(0, outcome.PointsAfter);
        Assert.Null(outcome.Proposal);
    }

    [Fact]
    public async Task Appeal_ThroughATokenWithoutAnOrganization_IsForbidden()
    {
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var ids = await ActorAsync(database, "app");
        var sanction = await RequestAsync(node, database, Revoke(ids.ApiKeyId), reviewer);
        await node.DrainAsync(Drain);

        var anyone = await node.Get<AppealService>().FileAsync(new FileAppealRequest(sanction.Id, "Please reconsider.", null), AppealSource.Api, new StaffUser("token:9", "unbound"), null, default);
        var owner = await node.Get<AppealService>().FileAsync(new FileAppealRequest(sanction.Id, "Please reconsider.", null), AppealSource.Api, new StaffUser("token:10", "owner"), ids.OrganizationId, default);

        Assert.Equal(AppealFileStatus.Forbidden, anyone.Status);
        Assert.Equal(AppealFileStatus.Created, owner.Status);
    }

    [Theory]
    [InlineData("whsec_not*base64", "not valid base64")]
    [InlineData("whsec_c2hvcnQ=", "24–64 bytes")]
    [InlineData("", "required")]
    public void PlatformOptions_BadSigningSecret_FailsValidationAtStart(string secret, string problem)
    {
        var options = new PlatformOptions { Gateway = PlatformGateway.Http, BaseUrl = "https://platform.example/admin/", SigningSecret = secret };

        var result = new PlatformOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(problem, result.FailureMessage, StringComparison.Ordinal);
    }

    private static LimitSet LimitsOf(ApiKey key) =>
        new(key.MonthlyTokenQuota, key.RateLimitRpm, key.RateLimitTpm, key.MaxOutputTokens, LimitSet.ModelsOf(key.AllowedModels), key.PilotEndUserCap);

    private static string Normalize(LimitSet limits) => EnforcementJson.Serialize(limits);

    private async Task<List<long>> AddKeysAsync(string org, string app, int count)
    {
        await using var db = database.CreateContext();
        var registry = new ActorRegistry(TimeProvider.System);
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            ids.Add((await registry.EnsureAsync(db, new ActorRef(org, app, $"{app}_key_{i}"), default)).ApiKeyId);
        }

        return ids;
    }

    private async Task<List<ApiKey>> KeysAsync(IReadOnlyList<long> ids)
    {
        await using var db = database.CreateContext();
        return await db.Set<ApiKey>().AsNoTracking().Where(k => ids.Contains(k.Id)).OrderBy(k => k.Id).ToListAsync();
    }

    private async Task<long> SubmitAsync(UseCaseSubmissionRequest request)
    {
        var result = await node.Get<UseCaseIntakeService>().SubmitAsync(request, Submitter.Staff(UseCaseTestHost.Developer), default);
        Assert.True(result.Succeeded, result.Message);
        return result.SubmissionId!.Value;
    }

    private async Task<DecisionResult> DecideAsync(long id, UseCaseDecisionKind kind, UseCaseConditions? conditions = null)
    {
        var review = node.Get<UseCaseReviewService>();
        Assert.True((await review.ClaimAsync(id, UseCaseTestHost.Uma, default)).Succeeded);
        var details = await review.GetAsync(id, default);
        return await review.DecideAsync(new DecideUseCaseRequest(id, details!.ConcurrencyVersion, kind, "Reviewed against the guidelines.", "", null, conditions), UseCaseTestHost.Uma, default);
    }

    private async Task<UseCaseSubmission> SubmissionAsync(long id)
    {
        await using var db = database.CreateContext();
        return await db.Set<UseCaseSubmission>().AsNoTracking().SingleAsync(s => s.Id == id);
    }

    public void Dispose()
    {
        node?.Dispose();
        database.Dispose();
    }
}
