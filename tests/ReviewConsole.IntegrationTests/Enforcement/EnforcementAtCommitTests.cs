using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Appeals;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Appeals;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Features.Incidents;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;
using ReviewConsole.Testing.Enforcement;

namespace ReviewConsole.IntegrationTests.Enforcement;

/// <summary>
/// Enforcement starts at commit: with the outbox poller off and the sweeper's cron out of the way,
/// only the hand-over after the commit (EnforcementCommitInterceptor → Hangfire) can carry an
/// action out. Each feature that creates actions is driven through its own service, and the test
/// waits for the effect in the local key registry.
/// </summary>
public sealed class EnforcementAtCommitTests : IDisposable
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(30);
    private readonly ConsoleAppFactory factory = new();

    public EnforcementAtCommitTests()
    {
        factory.Settings["Enforcement:PollerEnabled"] = "false";
        factory.Settings["Enforcement:SweepCron"] = "0 0 1 1 *";
        _ = factory.Services;
    }

    private T Get<T>()
        where T : notnull => factory.Services.GetRequiredService<T>();

    [Fact]
    public async Task FlagDecision_RevokeKey_KeyRevokedWithoutThePoller()
    {
        var reviewer = await EnforcementHarness.CreateStaffAsync(factory.Database, Roles.Reviewer);
        var ids = await ActorAsync("dec");
        var flagId = await FlagAsync(ids);
        Assert.True((await Get<FlagClaimService>().ClaimAsync(reviewer, TriageRights.Reviewer, flagId, default)).Succeeded);

        var outcome = await Get<FlagDecisionService>().DecideAsync(
            reviewer, TriageRights.Reviewer, flagId, new DecideFlagRequest(Verdict.Violation, ["hate"], DecisionAction.RevokeKey, "HC-1", "Targeted hate."), default);

        Assert.True(outcome.Succeeded, outcome.Message);
        var action = await SingleActionAsync(a => a.Reason == EnforcementReason.Decision);
        await WaitForAsync(action.Id, EnforcementState.Succeeded);
        Assert.Equal(ApiKeyStatus.Revoked, await KeyStatusAsync(ids.ApiKeyId));
    }

    [Fact]
    public async Task IncidentAction_RevokeKey_KeyRevokedWithoutThePoller()
    {
        var responder = await EnforcementHarness.CreateStaffAsync(factory.Database, Roles.IncidentResponder);
        var ids = await ActorAsync("inc");
        var incidents = Get<IncidentService>();
        var incidentId = await incidents.OpenAsync(new OpenIncidentRequest { Title = "Key abuse", Severity = Severity.Sev3 }, responder, default);

        var actionIds = await incidents.RequestEnforcementAsync(incidentId, new IncidentEnforcementRequest(EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, [ids.ApiKeyId], "MU-1", "Stop the abuse."), responder, default);

        await WaitForAsync(Assert.Single(actionIds), EnforcementState.Succeeded);
        Assert.Equal(ApiKeyStatus.Revoked, await KeyStatusAsync(ids.ApiKeyId));
    }

    [Fact]
    public async Task StrikeProposal_Confirmed_WarningDeliveredWithoutThePoller()
    {
        var reviewer = await EnforcementHarness.CreateStaffAsync(factory.Database, Roles.Reviewer);
        var ids = await ActorAsync("str");
        var strikes = Get<StrikeService>();
        await using var db = await Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var outcome = await db.InTransactionAsync(
            ct => strikes.RecordAsync(db, new RecordStrikeRequest(ids.OrganizationId, "spam", EnforcementReason.Decision, "d1", "MU-1", "test"), StaffUser.System, ct),
            CancellationToken.None);
        Assert.NotNull(outcome.Proposal);

        var confirmed = await strikes.ConfirmProposalAsync(outcome.Proposal!.Id, reviewer, default);

        Assert.True(confirmed.Succeeded, confirmed.Message);
        await WaitForAsync(confirmed.Id!.Value, EnforcementState.Succeeded);
    }

    [Fact]
    public async Task AppealOverturned_ReversalReinstatesTheKeyWithoutThePoller()
    {
        var requester = await EnforcementHarness.CreateStaffAsync(factory.Database, Roles.Reviewer);
        var lead = await EnforcementHarness.CreateStaffAsync(factory.Database, Roles.Lead);
        var ids = await ActorAsync("apl");
        var sanction = await RequestAsync(ids, requester);
        await WaitForAsync(sanction.Id, EnforcementState.Succeeded);
        Assert.Equal(ApiKeyStatus.Revoked, await KeyStatusAsync(ids.ApiKeyId));
        var appeals = Get<AppealService>();
        var filed = await appeals.FileAsync(new FileAppealRequest(sanction.Id, "False positive.", null), AppealSource.Api, StaffUser.ForToken(1, "t"), ids.OrganizationId, default);

        var decided = await appeals.DecideAsync(filed.Appeal!.Id, overturn: true, "Classifier false positive.", lead, default);

        Assert.True(decided.Succeeded, decided.Message);
        var reversal = await SingleActionAsync(a => a.Reason == EnforcementReason.Appeal);
        await WaitForAsync(reversal.Id, EnforcementState.Succeeded);
        Assert.Equal(ApiKeyStatus.Active, await KeyStatusAsync(ids.ApiKeyId));
    }

    [Fact]
    public async Task RolledBackTransaction_EnqueuesNothing()
    {
        var requester = await EnforcementHarness.CreateStaffAsync(factory.Database, Roles.Reviewer);
        var ids = await ActorAsync("rb");
        var enforcement = Get<EnforcementService>();
        // Demo seeding made actions of its own; only what this test writes is looked at.
        List<long> seeded;
        await using (var before = factory.Database.CreateContext())
        {
            seeded = await before.Set<EnforcementAction>().Select(a => a.Id).ToListAsync();
        }

        await using var db = await Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

        var created = await db.InTransactionAsync(
            async ct => (await enforcement.RequestAsync(db, new EnforcementRequest(EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, [ids.ApiKeyId], EnforcementReason.Manual, null, "MU-1", "rolled back") { NoticeOptOutReason = "Test of the hand-over only." }, requester, ct)).Count,
            _ => false,
            CancellationToken.None);
        // A committed one afterwards proves the hand-over works in this very app.
        var committed = await RequestAsync(ids, requester);
        await WaitForAsync(committed.Id, EnforcementState.Succeeded);

        Assert.Equal(1, created);
        await using var check = factory.Database.CreateContext();
        Assert.Equal([committed.Id], await check.Set<EnforcementAction>().Where(a => !seeded.Contains(a.Id)).Select(a => a.Id).ToListAsync());
        Assert.Equal([committed.Id], EnforcementJobsCreated().Where(id => !seeded.Contains(id)));
    }

    public void Dispose() => factory.Dispose();

    private List<long> EnforcementJobsCreated()
    {
        var monitoring = Get<JobStorage>().GetMonitoringApi();
        var jobs = monitoring.SucceededJobs(0, 1000).Select(j => j.Value.Job)
            .Concat(monitoring.ProcessingJobs(0, 1000).Select(j => j.Value.Job))
            .Concat(monitoring.EnqueuedJobs("default", 0, 1000).Select(j => j.Value.Job))
            .Concat(monitoring.ScheduledJobs(0, 1000).Select(j => j.Value.Job));
        return jobs.Where(j => j?.Type == typeof(ExecuteEnforcementActionJob)).Select(j => (long)j!.Args[0]).ToList();
    }

    private async Task<EnforcementAction> RequestAsync(ActorIds ids, StaffUser by)
    {
        await using var db = await Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.InTransactionAsync(
            async ct => (await Get<EnforcementService>().RequestAsync(db, new EnforcementRequest(EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, [ids.ApiKeyId], EnforcementReason.Manual, null, "MU-1", "spam") { NoticeOptOutReason = "Test of the hand-over only." }, by, ct))[0],
            CancellationToken.None);
    }

    private async Task<ActorIds> ActorAsync(string suffix)
    {
        await using var db = factory.Database.CreateContext();
        return await new ActorRegistry(TimeProvider.System).EnsureAsync(db, new ActorRef("org_" + suffix, "app_" + suffix, "key_" + suffix), default);
    }

    private async Task<long> FlagAsync(ActorIds ids)
    {
        await using var db = factory.Database.CreateContext();
        var now = DateTimeOffset.UtcNow;
        var flag = new Flag
        {
            UpstreamId = Guid.NewGuid().ToString("N"),
            Source = FlagSource.Api,
            CreatedAt = now,
            IngestedAt = now,
            OrganizationId = ids.OrganizationId,
            ApplicationId = ids.ApplicationId,
            ApiKeyId = ids.ApiKeyId,
            Prompt = "p",
            Completion = "c",
            TopCategory = "hate",
            TopScore = 0.9,
            Status = FlagStatus.New,
            Priority = 50,
            SlaDueAt = now.AddHours(4),
            Scores = [new FlagCategoryScore { Category = "hate", Score = 0.9, Flagged = true }],
        };
        db.Add(flag);
        await db.SaveChangesAsync();
        return flag.Id;
    }

    private async Task<EnforcementAction> SingleActionAsync(Func<EnforcementAction, bool> where)
    {
        await using var db = factory.Database.CreateContext();
        // Sanctions come with a notice to the organization (its own action); the one under test is the sanction.
        return Assert.Single(await db.Set<EnforcementAction>().AsNoTracking().ToListAsync(), a => a.Kind != EnforcementKind.SendNotice && where(a));
    }

    private async Task<ApiKeyStatus> KeyStatusAsync(long keyId)
    {
        await using var db = factory.Database.CreateContext();
        return await db.Set<ApiKey>().Where(k => k.Id == keyId).Select(k => k.Status).SingleAsync();
    }

    private async Task WaitForAsync(long actionId, EnforcementState state)
    {
        var until = DateTime.UtcNow + Soon;
        EnforcementState current;
        do
        {
            await using var db = factory.Database.CreateContext();
            current = await db.Set<EnforcementAction>().Where(a => a.Id == actionId).Select(a => a.State).SingleAsync();
            if (current == state)
            {
                return;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < until);
        Assert.Fail($"Action {actionId} is {current}, not {state}, {Soon.TotalSeconds} s after its commit; jobs created for actions: {string.Join(", ", EnforcementJobsCreated())}.");
    }
}
