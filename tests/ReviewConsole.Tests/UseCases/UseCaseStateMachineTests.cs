using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.UseCases;

namespace ReviewConsole.Tests.UseCases;

public sealed class UseCaseStateMachineTests
{
    private static readonly Dictionary<(SubmissionState, UseCaseTransition), SubmissionState> Expected = new()
    {
        [(SubmissionState.Submitted, UseCaseTransition.Approve)] = SubmissionState.Approved,
        [(SubmissionState.Submitted, UseCaseTransition.ApproveWithConditions)] = SubmissionState.ApprovedWithConditions,
        [(SubmissionState.Submitted, UseCaseTransition.RequestChanges)] = SubmissionState.ChangesRequested,
        [(SubmissionState.Submitted, UseCaseTransition.Reject)] = SubmissionState.Rejected,
        [(SubmissionState.ReReview, UseCaseTransition.Approve)] = SubmissionState.Approved,
        [(SubmissionState.ReReview, UseCaseTransition.ApproveWithConditions)] = SubmissionState.ApprovedWithConditions,
        [(SubmissionState.ReReview, UseCaseTransition.RequestChanges)] = SubmissionState.ChangesRequested,
        [(SubmissionState.ReReview, UseCaseTransition.Reject)] = SubmissionState.Rejected,
        [(SubmissionState.ChangesRequested, UseCaseTransition.Resubmit)] = SubmissionState.Submitted,
        [(SubmissionState.Approved, UseCaseTransition.Requeue)] = SubmissionState.ReReview,
        [(SubmissionState.ApprovedWithConditions, UseCaseTransition.Requeue)] = SubmissionState.ReReview,
    };

    public static TheoryData<SubmissionState, UseCaseTransition> EveryPair()
    {
        var data = new TheoryData<SubmissionState, UseCaseTransition>();
        foreach (var state in Enum.GetValues<SubmissionState>())
        {
            foreach (var transition in Enum.GetValues<UseCaseTransition>())
            {
                data.Add(state, transition);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void TryNext_EveryStateAndTransition_AllowsExactlyTheTable(SubmissionState from, UseCaseTransition transition)
    {
        var allowed = UseCaseStateMachine.TryNext(from, transition, out var to);

        if (Expected.TryGetValue((from, transition), out var expected))
        {
            Assert.True(allowed, $"{from} --{transition}--> should be allowed");
            Assert.Equal(expected, to);
        }
        else
        {
            Assert.False(allowed, $"{from} --{transition}--> should be refused");
        }
    }

    [Fact]
    public void Rejected_IsTerminal()
    {
        Assert.All(Enum.GetValues<UseCaseTransition>(), t => Assert.False(UseCaseStateMachine.TryNext(SubmissionState.Rejected, t, out _)));
    }
}
