using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Appeals;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Appeals;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;
using ReviewConsole.Testing.Enforcement;

namespace ReviewConsole.Tests.Appeals;

public sealed class AppealServiceTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly EnforcementHarness node;

    public AppealServiceTests() => node = new EnforcementHarness(database, clock, new Dictionary<string, string?>
    {
        ["Appeals:WindowDays"] = "14",
        ["Appeals:SlaHours"] = "48",
    });

    private AppealService Appeals => node.Get<AppealService>();

    private async Task<(EnforcementAction Sanction, ActorIds Ids, StaffUser Requester)> SanctionAsync(string suffix, DateTimeOffset? expiresAt = null)
    {
        var requester = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        ActorIds ids;
        await using (var db = database.CreateContext())
        {
            ids = await new ActorRegistry(clock).EnsureAsync(db, new ActorRef("org_" + suffix, "app_" + suffix, "key_" + suffix), default);
        }

        await using var write = database.CreateContext();
        EnforcementAction action = default!;
        await write.InTransactionAsync(
            async ct =>
            {
                action = (await node.Get<EnforcementService>().RequestAsync(write, new EnforcementRequest(EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, [ids.ApiKeyId], EnforcementReason.Manual, null, "MU-1", "spam", ExpiresAt: expiresAt), requester, default))[0];
            },
            CancellationToken.None);
        Assert.Equal(ExecutionResult.Succeeded, await node.Get<EnforcementExecutor>().RunAsync(action.Id, default));
        return (action, ids, requester);
    }

    [Fact]
    public async Task File_WithinTheWindow_OpensAnAppealWithItsSla()
    {
        var (sanction, _, _) = await SanctionAsync("a");
        clock.Advance(TimeSpan.FromDays(3));

        var result = await Appeals.FileAsync(new FileAppealRequest(sanction.Id, "We fixed the abuse.", "ops@example.test"), AppealSource.Api, StaffUser.ForToken(1, "contoso"), sanction.OrganizationId, default);

        Assert.Equal(AppealFileStatus.Created, result.Status);
        Assert.Equal(AppealState.Open, result.Appeal!.State);
        Assert.Equal(clock.GetUtcNow().AddHours(48), result.Appeal.DueAt);
    }

    [Fact]
    public async Task File_AfterTheWindow_IsRefused()
    {
        var (sanction, _, _) = await SanctionAsync("b");
        clock.Advance(TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1));

        var result = await Appeals.FileAsync(new FileAppealRequest(sanction.Id, "Please.", null), AppealSource.Api, StaffUser.ForToken(1, "t"), sanction.OrganizationId, default);

        Assert.Equal(AppealFileStatus.OutsideWindow, result.Status);
    }

    [Fact]
    public async Task File_SecondAppealForTheSameSanction_IsRefused()
    {
        var (sanction, _, _) = await SanctionAsync("c");
        await Appeals.FileAsync(new FileAppealRequest(sanction.Id, "First.", null), AppealSource.Api, StaffUser.ForToken(1, "t"), sanction.OrganizationId, default);

        var second = await Appeals.FileAsync(new FileAppealRequest(sanction.Id, "Second.", null), AppealSource.Api, StaffUser.ForToken(1, "t"), sanction.OrganizationId, default);

        Assert.Equal(AppealFileStatus.AlreadyAppealed, second.Status);
        await using var db = database.CreateContext();
        Assert.Equal(1, await db.Set<Appeal>().CountAsync());
    }

    [Fact]
    public async Task File_ByAnotherOrganizationsToken_LooksUnknown()
    {
        var (sanction, ids, _) = await SanctionAsync("d");

        var result = await Appeals.FileAsync(new FileAppealRequest(sanction.Id, "Not ours.", null), AppealSource.Api, StaffUser.ForToken(2, "other"), ids.OrganizationId + 1000, default);

        Assert.Equal(AppealFileStatus.NotFound, result.Status);
    }

    [Fact]
    public async Task File_AgainstAWarningOrAnUnexecutedAction_IsRefused()
    {
        var requester = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        ActorIds ids;
        await using (var db = database.CreateContext())
        {
            ids = await new ActorRegistry(clock).EnsureAsync(db, new ActorRef("org_w", "app_w", "key_w"), default);
        }

        await using var write = database.CreateContext();
        var pending = (await node.Get<EnforcementService>().RequestAsync(write, new EnforcementRequest(EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, [ids.ApiKeyId], EnforcementReason.Manual, null, null, "x"), requester, default))[0];
        var warning = (await node.Get<EnforcementService>().RequestAsync(write, new EnforcementRequest(EnforcementKind.Warn, EnforcementTargetType.Organization, [ids.OrganizationId], EnforcementReason.Manual, null, null, "x"), requester, default))[0];
        await node.Get<EnforcementExecutor>().RunAsync(warning.Id, default);

        var onPending = await Appeals.FileAsync(new FileAppealRequest(pending.Id, "x", null), AppealSource.Api, StaffUser.ForToken(1, "t"), pending.OrganizationId, default);
        var onWarning = await Appeals.FileAsync(new FileAppealRequest(warning.Id, "x", null), AppealSource.Api, StaffUser.ForToken(1, "t"), warning.OrganizationId, default);

        Assert.Equal(AppealFileStatus.NotAppealable, onPending.Status);
        Assert.Equal(AppealFileStatus.NotAppealable, onWarning.Status);
    }

    [Fact]
    public async Task Decide_ByTheOriginalDecider_IsRefused()
    {
        var (sanction, _, requester) = await SanctionAsync("e");
        var filed = await Appeals.FileAsync(new FileAppealRequest(sanction.Id, "Appeal.", null), AppealSource.Api, StaffUser.ForToken(1, "t"), sanction.OrganizationId, default);

        var result = await Appeals.DecideAsync(filed.Appeal!.Id, overturn: true, "I was wrong", requester, default);

        Assert.False(result.Succeeded);
        Assert.Contains("someone other", result.Message);
        await using var db = database.CreateContext();
        Assert.Equal(AppealState.Open, (await db.Set<Appeal>().SingleAsync()).State);
    }

    [Fact]
    public async Task Decide_Uphold_KeepsTheSanction()
    {
        var (sanction, ids, _) = await SanctionAsync("f");
        var lead = await EnforcementHarness.CreateStaffAsync(database, Roles.Lead);
        var filed = await Appeals.FileAsync(new FileAppealRequest(sanction.Id, "Appeal.", null), AppealSource.Api, StaffUser.ForToken(1, "t"), sanction.OrganizationId, default);

        var result = await Appeals.DecideAsync(filed.Appeal!.Id, overturn: false, "Evidence is clear.", lead, default);

        Assert.True(result.Succeeded, result.Message);
        await using var db = database.CreateContext();
        Assert.Equal(AppealState.Upheld, (await db.Set<Appeal>().SingleAsync()).State);
        Assert.False(await db.Set<EnforcementAction>().AnyAsync(a => a.ReversesActionId == sanction.Id));
        Assert.Equal(ApiKeyStatus.Revoked, (await db.Set<ApiKey>().SingleAsync(k => k.Id == ids.ApiKeyId)).Status);
    }

    [Fact]
    public async Task Decide_Overturn_CreatesTheReversalThatReinstatesTheKeyAndReplacesTheScheduledExpiry()
    {
        var (sanction, ids, _) = await SanctionAsync("g", clock.GetUtcNow().AddDays(30));
        var other = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var filed = await Appeals.FileAsync(new FileAppealRequest(sanction.Id, "False positive.", null), AppealSource.Staff, other, null, default);
        Assert.Equal(AppealFileStatus.Created, filed.Status);

        var result = await Appeals.DecideAsync(filed.Appeal!.Id, overturn: true, "Classifier false positive.", other, default);
        var twice = await Appeals.DecideAsync(filed.Appeal.Id, overturn: false, "again", other, default);
        await node.Get<SweepEnforcementOutboxJob>().ExecuteDueAsync(default);

        Assert.True(result.Succeeded, result.Message);
        Assert.False(twice.Succeeded);
        await using var db = database.CreateContext();
        var reversals = await db.Set<EnforcementAction>().Where(a => a.ReversesActionId == sanction.Id).ToListAsync();
        Assert.Contains(reversals, r => r.Reason == EnforcementReason.Expiry && r.State == EnforcementState.Cancelled);
        var byAppeal = Assert.Single(reversals, r => r.Reason == EnforcementReason.Appeal);
        Assert.Equal(EnforcementKind.ReinstateKey, byAppeal.Kind);
        Assert.Equal(EnforcementState.Succeeded, byAppeal.State);
        Assert.Equal(ApiKeyStatus.Active, (await db.Set<ApiKey>().SingleAsync(k => k.Id == ids.ApiKeyId)).Status);
        Assert.Equal(AppealState.Overturned, (await db.Set<Appeal>().SingleAsync()).State);
    }

    [Fact]
    public async Task Decide_OverturnOfADecisionSanction_RevokesItsStrikes()
    {
        var requester = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var decider = await EnforcementHarness.CreateStaffAsync(database, Roles.Lead);
        ActorIds ids;
        await using (var db = database.CreateContext())
        {
            ids = await new ActorRegistry(clock).EnsureAsync(db, new ActorRef("org_s", "app_s", "key_s"), default);
            EnforcementAction action = default!;
            await db.InTransactionAsync(
                async ct =>
                {
                    await node.Get<StrikeService>().RecordAsync(db, new RecordStrikeRequest(ids.OrganizationId, "spam", EnforcementReason.Decision, "77", null, "x"), requester, default);
                    action = (await node.Get<EnforcementService>().RequestAsync(db, new EnforcementRequest(EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, [ids.ApiKeyId], EnforcementReason.Decision, "77", null, "x"), requester, default))[0];
                },
                CancellationToken.None);
            await node.Get<EnforcementExecutor>().RunAsync(action.Id, default);
            var filed = await Appeals.FileAsync(new FileAppealRequest(action.Id, "Appeal.", null), AppealSource.Api, StaffUser.ForToken(1, "t"), action.OrganizationId, default);
            Assert.True((await Appeals.DecideAsync(filed.Appeal!.Id, overturn: true, "Overturned.", decider, default)).Succeeded);
        }

        await using var read = database.CreateContext();
        Assert.NotNull((await read.Set<Strike>().SingleAsync()).RevokedAt);
        Assert.Equal(0, await StrikeService.ActivePointsAsync(read, ids.OrganizationId, clock.GetUtcNow(), default));
    }

    public void Dispose()
    {
        node.Dispose();
        database.Dispose();
    }
}
