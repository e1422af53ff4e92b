namespace ReviewConsole.Features.Wellness;

/// <summary>
/// One reviewer's triage session in this circuit (scoped): flags they skipped (Next does not
/// offer them again this session) and how long they have been reviewing without a pause, for the
/// break reminder.
/// </summary>
public sealed class ReviewSession(TimeProvider clock)
{
    private readonly HashSet<long> skipped = [];
    private DateTimeOffset? stretchStart;
    private DateTimeOffset? lastActivity;
    private DateTimeOffset? snoozedUntil;

    public IReadOnlyCollection<long> Skipped => skipped;

    public void Skip(long flagId) => skipped.Add(flagId);

    /// <summary>Any triage activity (claim, decision, key press) extends the current stretch; a
    /// pause longer than <paramref name="gap"/> starts a new one.</summary>
    public void RecordActivity(TimeSpan gap)
    {
        var now = clock.GetUtcNow();
        if (stretchStart is null || lastActivity is null || now - lastActivity > gap)
        {
            stretchStart = now;
        }

        lastActivity = now;
    }

    public TimeSpan ContinuousReviewing(TimeSpan gap)
    {
        var now = clock.GetUtcNow();
        return stretchStart is null || lastActivity is null || now - lastActivity > gap ? TimeSpan.Zero : now - stretchStart.Value;
    }

    public bool BreakDue(TimeSpan reminderAfter, TimeSpan gap) =>
        (snoozedUntil is null || clock.GetUtcNow() >= snoozedUntil) && ContinuousReviewing(gap) >= reminderAfter;

    /// <summary>The reviewer took (or started) a break: the stretch starts over.</summary>
    public void TakeBreak()
    {
        stretchStart = null;
        lastActivity = null;
        snoozedUntil = null;
    }

    /// <summary>Remind again later without resetting the stretch.</summary>
    public void Snooze(TimeSpan delay) => snoozedUntil = clock.GetUtcNow() + delay;
}
