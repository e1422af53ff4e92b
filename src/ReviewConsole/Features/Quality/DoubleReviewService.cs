using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Policies;
using ReviewConsole.Data.Quality;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Quality;

/// <summary>One reviewer's answer on a flag, as double review and golden scoring compare them.</summary>
public sealed record ReviewAnswer(Verdict Verdict, IReadOnlyCollection<string> Categories, DecisionAction Action, string Clause)
{
    public static string Join(IEnumerable<string> categories) => string.Join(' ', categories.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    public static IReadOnlySet<string> Split(string categories) => categories.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    /// <summary>Two answers agree when verdict, confirmed categories and action are the same (the
    /// clause follows from the categories, so wording differences there do not block enforcement).</summary>
    public bool AgreesWith(ReviewAnswer other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Verdict == other.Verdict && Categories.ToHashSet(StringComparer.Ordinal).SetEquals(other.Categories) && Action == other.Action;
    }
}

/// <summary>A double review waiting for a Lead, with both answers (shown only once both are in).</summary>
public sealed record AdjudicationItem(long Id, long FlagId, string FirstReviewerName, ReviewAnswer First, string FirstReason, string SecondReviewerName, ReviewAnswer Second, string SecondReason, DateTimeOffset SampledAt, DateTimeOffset SecondAt)
{
    /// <summary>For a held cluster decision: the cluster (the adjudication decides <see cref="Members"/> flags).</summary>
    public long? ClusterId { get; init; }

    public int Members { get; init; } = 1;
}

/// <summary>
/// Blind double review. After a first decision on a live flag, a sample (higher for severe
/// categories) is held: the answer goes to <see cref="DoubleReview"/> instead of a decision, the flag
/// waits in <see cref="FlagStatus.InDoubleReview"/>, and nothing is labelled or enforced. A second
/// reviewer gets it from Next like any flag, without the first answer; agreement makes the first
/// answer the decision, disagreement waits for a Lead.
/// </summary>
public sealed class DoubleReviewService(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, TimeProvider clock, IOptions<QualityOptions> options)
{
    /// <summary>The sampling rate for a flag whose severest flagged (or confirmed) category weighs <paramref name="severity"/>.</summary>
    public double RateFor(double severity) =>
        severity >= options.Value.SevereWeight ? Math.Max(options.Value.SevereDoubleReviewRate, options.Value.DoubleReviewRate) : options.Value.DoubleReviewRate;

    public bool IsSampled(long flagId, double severity) => QualitySampler.FlagDraw(flagId) < RateFor(severity);

    /// <summary>Inside the first decision's transaction, after the flag left the open statuses: when the
    /// flag is sampled, holds the answer for a second review and returns true (the caller then writes
    /// no decision, labels or enforcement).</summary>
    public async Task<bool> HoldIfSampledAsync(AppDbContext db, Flag flag, ReviewAnswer answer, string reason, StaffUser user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(flag);
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(user);
        if (answer.Verdict == Verdict.Escalate || options.Value.DoubleReviewRate <= 0 && options.Value.SevereDoubleReviewRate <= 0)
        {
            return false;
        }

        var relevant = PolicyVersionStamp.Relevant(flag, answer.Categories).ToList();
        var weights = await db.Set<PolicyCategory>().AsNoTracking().Where(c => relevant.Contains(c.Key)).Select(c => c.SeverityWeight).ToListAsync(cancellationToken);
        var severity = weights.DefaultIfEmpty(0).Max();
        if (!IsSampled(flag.Id, severity) || await db.Set<DoubleReview>().AnyAsync(r => r.FlagId == flag.Id, cancellationToken))
        {
            return false;
        }

        await db.Set<Flag>().Where(f => f.Id == flag.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, FlagStatus.InDoubleReview).SetProperty(f => f.DecidedAt, (DateTimeOffset?)null), cancellationToken);
        db.Add(new DoubleReview
        {
            FlagId = flag.Id,
            State = DoubleReviewState.AwaitingSecond,
            SampleRate = RateFor(severity),
            SampledAt = now,
            FirstReviewerId = user.Id,
            FirstReviewerName = user.Name,
            FirstVerdict = answer.Verdict,
            FirstCategories = ReviewAnswer.Join(answer.Categories),
            FirstAction = answer.Action,
            FirstClause = answer.Clause.Trim(),
            FirstReason = reason.Trim(),
            PolicyVersions = await PolicyVersionStamp.ForAsync(db, relevant, cancellationToken),
        });
        await db.SaveChangesAsync(cancellationToken);
        // The answer itself stays out of the audit log until the review resolves: Admins read the log
        // and may be the second reviewer.
        await audit.AppendAsync(db, user, new AuditEntry("flag.first-review", "Flag", Id(flag.Id), $"First review of flag {flag.Id} recorded; held for a blind second review"), cancellationToken);
        return true;
    }

    /// <summary>
    /// The cluster twin of <see cref="HoldIfSampledAsync"/>, inside a cluster decision's transaction
    /// before anything is written: a bulk decision is sampled like a single one (the rate of its
    /// severest relevant category, drawn on its representative member). When sampled, every confirmed
    /// member is held in <see cref="FlagStatus.InDoubleReview"/> and the answer waits in one
    /// <see cref="DoubleReview"/>; the second reviewer answers blind on <paramref name="representativeId"/>
    /// (a member the first reviewer opened), and agreement or a Lead's adjudication decides all held
    /// members at once. Returns true when held (the caller then writes no decision, label or enforcement).
    /// </summary>
    public async Task<bool> HoldClusterIfSampledAsync(AppDbContext db, IReadOnlyList<Flag> flags, long representativeId, long clusterId, ReviewAnswer answer, string reason, StaffUser user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(flags);
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(user);
        if (answer.Verdict == Verdict.Escalate || options.Value.DoubleReviewRate <= 0 && options.Value.SevereDoubleReviewRate <= 0)
        {
            return false;
        }

        var relevant = flags.SelectMany(f => PolicyVersionStamp.Relevant(f, answer.Categories)).Distinct(StringComparer.Ordinal).ToList();
        var weights = await db.Set<PolicyCategory>().AsNoTracking().Where(c => relevant.Contains(c.Key)).Select(c => c.SeverityWeight).ToListAsync(cancellationToken);
        var severity = weights.DefaultIfEmpty(0).Max();
        var ids = flags.Select(f => f.Id).ToList();
        if (!IsSampled(representativeId, severity)
            || await db.Set<DoubleReview>().AnyAsync(r => ids.Contains(r.FlagId), cancellationToken)
            || await db.Set<DoubleReviewMember>().AnyAsync(m => ids.Contains(m.FlagId), cancellationToken))
        {
            return false;
        }

        await db.Set<Flag>().Where(f => ids.Contains(f.Id))
            .ExecuteUpdateAsync(
                s => s.SetProperty(f => f.Status, FlagStatus.InDoubleReview)
                    .SetProperty(f => f.DecidedAt, (DateTimeOffset?)null)
                    .SetProperty(f => f.LeaseOwner, (string?)null)
                    .SetProperty(f => f.LeaseExpiresAt, (DateTimeOffset?)null),
                cancellationToken);
        var review = new DoubleReview
        {
            FlagId = representativeId,
            ClusterId = clusterId,
            MemberCount = ids.Count,
            State = DoubleReviewState.AwaitingSecond,
            SampleRate = RateFor(severity),
            SampledAt = now,
            FirstReviewerId = user.Id,
            FirstReviewerName = user.Name,
            FirstVerdict = answer.Verdict,
            FirstCategories = ReviewAnswer.Join(answer.Categories),
            FirstAction = answer.Action,
            FirstClause = answer.Clause.Trim(),
            FirstReason = reason.Trim(),
            PolicyVersions = await PolicyVersionStamp.ForAsync(db, relevant, cancellationToken),
        };
        db.Add(review);
        await db.SaveChangesAsync(cancellationToken);
        db.AddRange(ids.Select(id => new DoubleReviewMember { DoubleReviewId = review.Id, FlagId = id }));
        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(db, user, new AuditEntry("flag.cluster-first-review", "FlagCluster", Id(clusterId), $"First review of {ids.Count} flag(s) of cluster {clusterId} recorded; held for a blind second review on flag {representativeId}"), cancellationToken);
        return true;
    }

    /// <summary>The flags a review decides: its held cluster members, or its one flag.</summary>
    public static async Task<List<long>> MemberIdsAsync(AppDbContext db, DoubleReview review, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(review);
        if (review.ClusterId is null)
        {
            return [review.FlagId];
        }

        var reviewId = review.Id;
        return await db.Set<DoubleReviewMember>().Where(m => m.DoubleReviewId == reviewId).OrderBy(m => m.FlagId).Select(m => m.FlagId).ToListAsync(cancellationToken);
    }

    /// <summary>The open second review <paramref name="userId"/> holds on the flag (claimed by them, not theirs to begin with).</summary>
    public static Task<DoubleReview?> HeldSecondReviewAsync(AppDbContext db, string userId, long flagId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Set<DoubleReview>()
            .Where(r => r.FlagId == flagId && r.State == DoubleReviewState.AwaitingSecond && r.FirstReviewerId != userId)
            .Where(r => db.Set<Flag>().Any(f => f.Id == r.FlagId && f.Status == FlagStatus.InDoubleReview && f.LeaseOwner == userId && f.LeaseExpiresAt > now))
            .SingleOrDefaultAsync(cancellationToken);

    /// <summary>Claims the oldest second review <paramref name="user"/> may take (not their own first
    /// answer, not in a capped category); null when none.</summary>
    public async Task<long?> ClaimSecondReviewAsync(AppDbContext db, StaffUser user, IReadOnlyCollection<string> capped, IReadOnlyCollection<long> skipped, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(user);
        var now = clock.GetUtcNow();
        var candidates = await db.Set<DoubleReview>().AsNoTracking()
            .Where(r => r.State == DoubleReviewState.AwaitingSecond && r.FirstReviewerId != user.Id)
            .OrderBy(r => r.SampledAt)
            .Join(db.Set<Flag>().Where(f => f.Status == FlagStatus.InDoubleReview && (f.LeaseOwner == null || f.LeaseExpiresAt < now || f.LeaseOwner == user.Id)), r => r.FlagId, f => f.Id, (r, f) => new { f.Id, f.TopCategory })
            .Take(32)
            .ToListAsync(cancellationToken);
        var until = now + lease;
        foreach (var candidate in candidates.Where(c => !capped.Contains(c.TopCategory) && !skipped.Contains(c.Id)))
        {
            var id = candidate.Id;
            var rows = await db.Set<Flag>()
                .Where(f => f.Id == id && f.Status == FlagStatus.InDoubleReview && (f.LeaseOwner == null || f.LeaseExpiresAt < now || f.LeaseOwner == user.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.LeaseOwner, user.Id).SetProperty(f => f.LeaseExpiresAt, until), cancellationToken);
            if (rows == 1)
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>Records the second answer (inside the caller's transaction). True when it agrees with the first.</summary>
    public async Task<bool> RecordSecondAsync(AppDbContext db, DoubleReview review, ReviewAnswer answer, string reason, StaffUser user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(review);
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(user);
        var agreed = First(review).AgreesWith(answer);
        review.SecondReviewerId = user.Id;
        review.SecondReviewerName = user.Name;
        review.SecondVerdict = answer.Verdict;
        review.SecondCategories = ReviewAnswer.Join(answer.Categories);
        review.SecondAction = answer.Action;
        review.SecondClause = answer.Clause.Trim();
        review.SecondReason = reason.Trim();
        review.SecondAt = now;
        review.State = agreed ? DoubleReviewState.Agreed : DoubleReviewState.AwaitingAdjudication;
        await db.SaveChangesAsync(cancellationToken);
        if (!agreed)
        {
            await db.Set<Flag>().Where(f => f.Id == review.FlagId)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.LeaseOwner, (string?)null).SetProperty(f => f.LeaseExpiresAt, (DateTimeOffset?)null), cancellationToken);
        }

        await audit.AppendAsync(db, user, new AuditEntry(
            agreed ? "flag.double-review-agreed" : "flag.double-review-disagreed",
            "Flag",
            Id(review.FlagId),
            agreed
                ? $"Second review of flag {review.FlagId} agrees with {review.FirstReviewerName}: {answer.Verdict}"
                : $"Second review of flag {review.FlagId} disagrees ({review.FirstReviewerName}: {review.FirstVerdict}, {user.Name}: {answer.Verdict}); waiting for a Lead",
            reason.Trim()), cancellationToken);
        return agreed;
    }

    public static ReviewAnswer First(DoubleReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        return new(review.FirstVerdict, ReviewAnswer.Split(review.FirstCategories), review.FirstAction, review.FirstClause);
    }

    public static ReviewAnswer? Second(DoubleReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        return review.SecondVerdict is { } verdict ? new(verdict, ReviewAnswer.Split(review.SecondCategories), review.SecondAction ?? DecisionAction.None, review.SecondClause) : null;
    }

    /// <summary>Double reviews waiting for a Lead, both answers in (never the ones still awaiting a second reviewer).</summary>
    public async Task<IReadOnlyList<AdjudicationItem>> AwaitingAdjudicationAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Set<DoubleReview>().AsNoTracking().Where(r => r.State == DoubleReviewState.AwaitingAdjudication).ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.SecondAt)
            .Select(r => new AdjudicationItem(r.Id, r.FlagId, r.FirstReviewerName, First(r), r.FirstReason, r.SecondReviewerName ?? "", Second(r)!, r.SecondReason, r.SampledAt, r.SecondAt!.Value) { ClusterId = r.ClusterId, Members = r.MemberCount })
            .ToList();
    }

    /// <summary>How many flags wait for a second reviewer (a count only: their answers stay hidden).</summary>
    public async Task<int> AwaitingSecondCountAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<DoubleReview>().CountAsync(r => r.State == DoubleReviewState.AwaitingSecond, cancellationToken);
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
