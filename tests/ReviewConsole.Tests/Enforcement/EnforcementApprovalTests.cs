using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;
using ReviewConsole.Testing.Enforcement;
using static ReviewConsole.Tests.Enforcement.EnforcementTestData;

namespace ReviewConsole.Tests.Enforcement;

public sealed class EnforcementApprovalTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly EnforcementHarness node;

    public EnforcementApprovalTests() => node = new EnforcementHarness(database);

    private EnforcementOutboxService Outbox => node.Get<EnforcementOutboxService>();

    private static EnforcementRequest SuspendOrg(long orgId) =>
        new(EnforcementKind.SuspendOrganization, EnforcementTargetType.Organization, [orgId], EnforcementReason.Manual, null, "MU-9", "campaign");

    [Fact]
    public async Task Approve_ByTheRequestingLead_IsRefused()
    {
        var lead = await EnforcementHarness.CreateStaffAsync(database, Roles.Lead);
        var ids = await ActorAsync(database, "self");
        var action = await RequestAsync(node, database, SuspendOrg(ids.OrganizationId), lead);

        var result = await Outbox.ApproveAsync(action.Id, lead, default);

        Assert.False(result.Succeeded);
        Assert.Contains("second person", result.Message);
        Assert.Equal(EnforcementState.PendingApproval, (await ReloadAsync(database, action.Id)).State);
    }

    [Fact]
    public async Task Approve_ByAReviewer_IsRefused()
    {
        var requester = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var other = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var ids = await ActorAsync(database, "rev");
        var action = await RequestAsync(node, database, SuspendOrg(ids.OrganizationId), requester);

        var result = await Outbox.ApproveAsync(action.Id, other, default);

        Assert.False(result.Succeeded);
        Assert.Equal(EnforcementState.PendingApproval, (await ReloadAsync(database, action.Id)).State);
    }

    [Fact]
    public async Task Approve_ByAnotherLead_QueuesTheActionAndRecordsTheApprover()
    {
        var requester = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var lead = await EnforcementHarness.CreateStaffAsync(database, Roles.Lead);
        var ids = await ActorAsync(database, "ok");
        var action = await RequestAsync(node, database, SuspendOrg(ids.OrganizationId), requester);

        var result = await Outbox.ApproveAsync(action.Id, lead, default);
        var again = await Outbox.ApproveAsync(action.Id, lead, default);

        Assert.True(result.Succeeded, result.Message);
        Assert.False(again.Succeeded);
        var after = await ReloadAsync(database, action.Id);
        Assert.Equal(EnforcementState.Pending, after.State);
        Assert.Equal(lead.Name, after.ApprovedBy);
        Assert.Equal(lead.Id, after.ApprovedById);
        await using var db = database.CreateContext();
        Assert.Equal(1, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "enforcement.approved" && e.TargetId == action.Id.ToString()));
    }

    [Fact]
    public async Task Approve_BulkRevocation_ApprovesTheWholeRequestAndPreviewListsEveryKey()
    {
        var requester = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var lead = await EnforcementHarness.CreateStaffAsync(database, Roles.Lead);
        var keys = new List<long>();
        for (var i = 0; i < 7; i++)
        {
            keys.Add((await ActorAsync(database, "bulk" + i)).ApiKeyId);
        }

        var first = await RequestAsync(node, database, new EnforcementRequest(EnforcementKind.RevokeKey, EnforcementTargetType.ApiKey, keys, EnforcementReason.Manual, null, "MU-3", "bulk"), requester);
        Assert.Equal(EnforcementState.PendingApproval, first.State);

        var preview = await Outbox.PreviewAsync(first.Id, default);
        var result = await Outbox.ApproveAsync(first.Id, lead, default);

        Assert.NotNull(preview);
        Assert.Equal(7, preview.Keys.Count);
        Assert.Equal(7, preview.ActiveKeysAffected);
        Assert.True(result.Succeeded, result.Message);
        await using var db = database.CreateContext();
        Assert.Equal(7, await db.Set<EnforcementAction>().CountAsync(a => a.State == EnforcementState.Pending && a.ApprovedBy == lead.Name));
    }

    [Fact]
    public async Task Cancel_ByAnotherReviewer_IsRefusedButTheRequesterMayCancel()
    {
        var requester = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var other = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var ids = await ActorAsync(database, "cancel");
        var action = await RequestAsync(node, database, Revoke(ids.ApiKeyId), requester);

        var refused = await Outbox.CancelAsync(action.Id, "mistake", other, default);
        var cancelled = await Outbox.CancelAsync(action.Id, "mistake", requester, default);

        Assert.False(refused.Succeeded);
        Assert.True(cancelled.Succeeded, cancelled.Message);
        Assert.Equal(EnforcementState.Cancelled, (await ReloadAsync(database, action.Id)).State);
    }

    [Fact]
    public async Task Requeue_ByANonAdmin_IsRefused()
    {
        var lead = await EnforcementHarness.CreateStaffAsync(database, Roles.Lead);
        var ids = await ActorAsync(database, "rq");
        var action = await RequestAsync(node, database, Revoke(ids.ApiKeyId), lead);
        await SetStateAsync(database, action.Id, EnforcementState.DeadLettered);

        var result = await Outbox.RequeueAsync(action.Id, lead, default);

        Assert.False(result.Succeeded);
        Assert.Equal(EnforcementState.DeadLettered, (await ReloadAsync(database, action.Id)).State);
    }

    public void Dispose()
    {
        node.Dispose();
        database.Dispose();
    }
}
