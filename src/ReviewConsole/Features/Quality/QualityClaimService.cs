using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Quality;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Features.Wellness;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Quality;

/// <summary>
/// The one hook review quality has in Next: before the ordinary claim, should this claim be a golden
/// item or a waiting second review? Then claim that. Both open on the ordinary triage page, audited
/// and counted for exposure exactly like any claim, so nothing tells the reviewer what they hold.
/// </summary>
public sealed class QualityClaimService(
    IDbContextFactory<AppDbContext> dbFactory,
    DoubleReviewService doubleReview,
    GoldenSetService golden,
    WellnessService wellness,
    AuditLog audit,
    TimeProvider clock)
{
    /// <summary>Extends an open golden attempt on <paramref name="flagId"/> while its page is open (the
    /// flag itself has no lease to renew); false when there is none.</summary>
    public async Task<bool> RenewAsync(StaffUser user, long flagId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var rows = await db.Set<GoldenAnswer>()
            .Where(a => a.ReviewerId == user.Id && a.AnsweredAt == null && a.ExpiresAt > now)
            .Where(a => db.Set<GoldenItem>().Any(g => g.Id == a.GoldenItemId && g.Kind == GoldenSourceKind.Flag && g.SourceId == flagId))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.ExpiresAt, until), cancellationToken);
        return rows > 0;
    }

    /// <summary>An explicit Claim of a golden item <paramref name="user"/> was served and has not answered
    /// (its reservation lapsed or was given back): the reservation is taken again, counted for exposure and
    /// audited exactly as a claim of a live flag, so the page behaves as for any flag back in the queue.</summary>
    /// <returns>Whether it was claimed, and the category whose exposure cap refused it.</returns>
    public async Task<(bool Claimed, string? CappedBy)> ReclaimGoldenAsync(StaffUser user, long flagId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync(
            async ct =>
            {
                var rows = await UnansweredAttempt(db, user.Id, flagId)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.ExpiresAt, until), ct);
                if (rows == 0)
                {
                    return (false, (string?)null);
                }

                if (await wellness.CountExposureAsync(db, user, [flagId], ct) is { } cappedBy)
                {
                    return (false, cappedBy);
                }

                await audit.AppendAsync(db, user, new AuditEntry("flag.claimed", "Flag", flagId.ToString(CultureInfo.InvariantCulture), $"Claimed flag {flagId} until {until:HH:mm:ss} UTC"), ct);
                return (true, (string?)null);
            },
            result => result.Item1,
            cancellationToken);
    }

    /// <summary>Skip or release of a golden item <paramref name="user"/> holds: the reservation ends now,
    /// audited as a release, and the flag shows as back in the queue; false when they hold none on it.</summary>
    public async Task<bool> ReleaseGoldenAsync(StaffUser user, long flagId, string why, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return await db.InTransactionAsync(
            async ct =>
            {
                var rows = await UnansweredAttempt(db, user.Id, flagId).Where(a => a.ExpiresAt > now)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.ExpiresAt, now), ct);
                if (rows == 0)
                {
                    return false;
                }

                await audit.AppendAsync(db, user, new AuditEntry("flag.released", "Flag", flagId.ToString(CultureInfo.InvariantCulture), $"Released flag {flagId} ({why})"), ct);
                return true;
            },
            released => released,
            cancellationToken);
    }

    private static IQueryable<GoldenAnswer> UnansweredAttempt(AppDbContext db, string userId, long flagId) =>
        db.Set<GoldenAnswer>()
            .Where(a => a.ReviewerId == userId && a.AnsweredAt == null)
            .Where(a => db.Set<GoldenItem>().Any(g => g.Id == a.GoldenItemId && g.Kind == GoldenSourceKind.Flag && g.SourceId == flagId));

    /// <summary>Wiring outside the container (tests, benchmarks): the services with the given options.</summary>
    public static QualityClaimService Create(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, WellnessService wellness, TimeProvider clock, QualityOptions? options = null)
    {
        var quality = Microsoft.Extensions.Options.Options.Create(options ?? new QualityOptions());
        return new QualityClaimService(
            dbFactory,
            new DoubleReviewService(dbFactory, audit, clock, quality),
            new GoldenSetService(dbFactory, audit, clock, new QualitySampler(), quality),
            wellness,
            audit,
            clock);
    }

    /// <summary>The flag id of a golden item or second review now held by <paramref name="user"/>, or null
    /// for the ordinary claim to run.</summary>
    public async Task<long?> ClaimNextAsync(StaffUser user, TriageRights rights, IReadOnlyCollection<long> skipped, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(rights);
        ArgumentNullException.ThrowIfNull(skipped);
        if (!rights.CanDecide)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var held = await db.Set<Flag>().AsNoTracking()
            .Where(f => f.LeaseOwner == user.Id && f.Status == FlagStatus.InDoubleReview && f.LeaseExpiresAt > now)
            .Select(f => (long?)f.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (held is { } heldId && !skipped.Contains(heldId))
        {
            return heldId;
        }

        var capped = (await wellness.CappedCategoriesAsync(db, user.Id, cancellationToken)).ToList();
        // The exposure counters are raised atomically with the claim; losing a cap race (another tab
        // of the same reviewer) rolls the claim back and leaves the normal Next to answer.
        var (claimed, capRefused) = await db.InTransactionAsync(
            async ct =>
            {
                var flagId = await golden.ClaimAsync(db, user, capped, skipped, ct)
                    ?? await doubleReview.ClaimSecondReviewAsync(db, user, capped, skipped, lease, ct);
                if (flagId is { } id)
                {
                    if (await wellness.CountExposureAsync(db, user, [id], ct) is not null)
                    {
                        return ((long?)null, true);
                    }

                    await audit.AppendAsync(db, user, new AuditEntry("flag.claimed", "Flag", id.ToString(CultureInfo.InvariantCulture), $"Claimed flag {id} until {now + lease:HH:mm:ss} UTC"), ct);
                }

                return (flagId, false);
            },
            result => !result.Item2,
            cancellationToken);
        return capRefused ? null : claimed;
    }
}
