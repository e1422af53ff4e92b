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
    private bool restored;
    private (DateTimeOffset? Start, DateTimeOffset? Last, DateTimeOffset? Snoozed) saved;

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

    /// <summary>Whether <see cref="Restore"/> ran in this circuit.</summary>
    public bool Restored => restored;

    /// <summary>The stretch as last saved (a reload or another tab): taken once per circuit, so the
    /// break reminder survives a reload.</summary>
    public void Restore(DateTimeOffset? stretchStartedAt, DateTimeOffset? lastActivityAt, DateTimeOffset? snoozed)
    {
        if (restored)
        {
            return;
        }

        restored = true;
        if (stretchStart is null || (stretchStartedAt is not null && stretchStartedAt < stretchStart))
        {
            stretchStart = stretchStartedAt;
            lastActivity = lastActivityAt > lastActivity || lastActivity is null ? lastActivityAt : lastActivity;
            snoozedUntil ??= snoozed;
        }

        saved = (stretchStartedAt, lastActivityAt, snoozed);
    }

    /// <summary>The stretch to save, or null when what is saved is still good enough (the start and
    /// snooze are unchanged and the last activity moved less than a minute).</summary>
    public (DateTimeOffset? Start, DateTimeOffset? Last, DateTimeOffset? Snoozed)? ToSave()
    {
        var now = (stretchStart, lastActivity, snoozedUntil);
        if (now.stretchStart == saved.Start && now.snoozedUntil == saved.Snoozed
            && (now.lastActivity is null || (saved.Last is not null && now.lastActivity - saved.Last < TimeSpan.FromMinutes(1))))
        {
            return null;
        }

        saved = now;
        return now;
    }
}
