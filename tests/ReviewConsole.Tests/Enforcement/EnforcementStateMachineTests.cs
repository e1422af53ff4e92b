using ReviewConsole.Data.Enforcement;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;
using ReviewConsole.Testing.Enforcement;
using static ReviewConsole.Tests.Enforcement.EnforcementTestData;

namespace ReviewConsole.Tests.Enforcement;

public sealed class EnforcementStateMachineTests : IDisposable
{
    private readonly TestDatabase database = new();
    private readonly EnforcementHarness node;

    public EnforcementStateMachineTests() => node = new EnforcementHarness(database);

    public enum Move
    {
        Approve,
        Cancel,
        Requeue,
        Execute,
    }

    /// <summary>The state machine, written out independently of the production table.</summary>
    public static TheoryData<EnforcementState, Move, bool> Cases()
    {
        var allowed = new HashSet<(EnforcementState, Move)>
        {
            (EnforcementState.PendingApproval, Move.Approve),
            (EnforcementState.PendingApproval, Move.Cancel),
            (EnforcementState.Pending, Move.Cancel),
            (EnforcementState.Pending, Move.Execute),
            (EnforcementState.Retrying, Move.Cancel),
            (EnforcementState.Retrying, Move.Execute),
            (EnforcementState.InProgress, Move.Execute), // only once its lease has expired
            (EnforcementState.DeadLettered, Move.Requeue),
            (EnforcementState.DeadLettered, Move.Cancel),
        };
        var data = new TheoryData<EnforcementState, Move, bool>();
        foreach (var state in Enum.GetValues<EnforcementState>())
        {
            foreach (var move in Enum.GetValues<Move>())
            {
                data.Add(state, move, allowed.Contains((state, move)));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Move_FromEveryState_IsAllowedOnlyWhereTheStateMachineSaysSo(EnforcementState from, Move move, bool allowed)
    {
        var requester = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var lead = await EnforcementHarness.CreateStaffAsync(database, Roles.Lead);
        var admin = await EnforcementHarness.CreateStaffAsync(database, Roles.Admin);
        var ids = await ActorAsync(database, "sm");
        var action = await RequestAsync(node, database, Revoke(ids.ApiKeyId), requester);
        await SetStateAsync(database, action.Id, from, leaseExpiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));

        var moved = move switch
        {
            Move.Approve => (await node.Get<EnforcementOutboxService>().ApproveAsync(action.Id, lead, default)).Succeeded,
            Move.Cancel => (await node.Get<EnforcementOutboxService>().CancelAsync(action.Id, "no longer needed", admin, default)).Succeeded,
            Move.Requeue => (await node.Get<EnforcementOutboxService>().RequeueAsync(action.Id, admin, default)).Succeeded,
            _ => await node.Get<EnforcementExecutor>().RunAsync(action.Id, default) != ExecutionResult.NotPickedUp,
        };

        Assert.Equal(allowed, moved);
        var after = await ReloadAsync(database, action.Id);
        var expected = !allowed ? from : move switch
        {
            Move.Approve or Move.Requeue => EnforcementState.Pending,
            Move.Cancel => EnforcementState.Cancelled,
            _ => EnforcementState.Succeeded,
        };
        Assert.Equal(expected, after.State);
    }

    [Fact]
    public void Table_TerminalStates_HaveNoWayOut()
    {
        Assert.True(EnforcementStateMachine.IsTerminal(EnforcementState.Succeeded));
        Assert.True(EnforcementStateMachine.IsTerminal(EnforcementState.Cancelled));
        Assert.All(
            Enum.GetValues<EnforcementState>().Where(s => s is not EnforcementState.Succeeded and not EnforcementState.Cancelled),
            s => Assert.False(EnforcementStateMachine.IsTerminal(s)));
        Assert.False(EnforcementStateMachine.CanMove(EnforcementState.PendingApproval, EnforcementState.InProgress));
        Assert.False(EnforcementStateMachine.CanMove(EnforcementState.Succeeded, EnforcementState.Pending));
    }

    [Fact]
    public async Task Execute_InProgressWithLiveLease_IsNotPickedUpAgain()
    {
        var requester = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var ids = await ActorAsync(database, "lease");
        var action = await RequestAsync(node, database, Revoke(ids.ApiKeyId), requester);
        await SetStateAsync(database, action.Id, EnforcementState.InProgress, leaseExpiresAt: DateTimeOffset.UtcNow.AddMinutes(5));

        var result = await node.Get<EnforcementExecutor>().RunAsync(action.Id, default);

        Assert.Equal(ExecutionResult.NotPickedUp, result);
        Assert.Equal(EnforcementState.InProgress, (await ReloadAsync(database, action.Id)).State);
    }

    public void Dispose()
    {
        node.Dispose();
        database.Dispose();
    }
}
