using Microsoft.Extensions.Time.Testing;
using ReviewConsole.Features.Wellness;

namespace ReviewConsole.Tests.Wellness;

public sealed class ReviewSessionTests
{
    private static readonly TimeSpan Gap = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Reminder = TimeSpan.FromMinutes(50);
    private readonly FakeTimeProvider clock = new();

    [Fact]
    public void BreakDue_AfterContinuousReviewing_RemindsAndTakingABreakResets()
    {
        var session = new ReviewSession(clock);
        for (var minute = 0; minute <= 50; minute += 5)
        {
            session.RecordActivity(Gap);
            clock.Advance(TimeSpan.FromMinutes(5));
        }

        Assert.True(session.BreakDue(Reminder, Gap));

        session.TakeBreak();

        Assert.False(session.BreakDue(Reminder, Gap));
    }

    [Fact]
    public void BreakDue_PauseLongerThanGap_StartsANewStretch()
    {
        var session = new ReviewSession(clock);
        session.RecordActivity(Gap);
        clock.Advance(TimeSpan.FromMinutes(40));
        session.RecordActivity(Gap);
        clock.Advance(TimeSpan.FromMinutes(9));
        session.RecordActivity(Gap);

        Assert.Equal(TimeSpan.FromMinutes(9), session.ContinuousReviewing(Gap));
        Assert.False(session.BreakDue(Reminder, Gap));
    }

    [Fact]
    public void Snooze_DueReminder_WaitsUntilTheSnoozeEnds()
    {
        var session = new ReviewSession(clock);
        for (var minute = 0; minute < 60; minute += 5)
        {
            session.RecordActivity(Gap);
            clock.Advance(TimeSpan.FromMinutes(5));
        }

        session.RecordActivity(Gap);
        session.Snooze(TimeSpan.FromMinutes(10));
        Assert.False(session.BreakDue(Reminder, Gap));
        clock.Advance(TimeSpan.FromMinutes(5));
        session.RecordActivity(Gap);
        clock.Advance(TimeSpan.FromMinutes(5));
        session.RecordActivity(Gap);

        Assert.True(session.BreakDue(Reminder, Gap));
    }

    [Fact]
    public void Skip_RemembersSkippedFlags()
    {
        var session = new ReviewSession(clock);

        session.Skip(7);
        session.Skip(7);
        session.Skip(9);

        Assert.Equal([7L, 9L], session.Skipped.Order());
    }
}
