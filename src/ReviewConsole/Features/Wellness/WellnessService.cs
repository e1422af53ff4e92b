using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Identity;
using ReviewConsole.Data.Policies;
using ReviewConsole.Data.Wellness;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Wellness;

/// <summary>A reviewer's effective wellness settings.</summary>
public sealed record WellnessSettings(bool BlurAll, IReadOnlySet<string> UnblurredCategories, bool Grayscale, int? BreakReminderMinutes)
{
    public static readonly WellnessSettings Default = new(false, new HashSet<string>(StringComparer.Ordinal), true, null);

    /// <summary>Whether content flagged for <paramref name="categories"/> starts blurred for this reviewer.</summary>
    public bool ShouldBlur(IEnumerable<string> categories, IReadOnlySet<string> blurByDefault)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(blurByDefault);
        return BlurAll || categories.Any(c => blurByDefault.Contains(c) && !UnblurredCategories.Contains(c));
    }
}

/// <summary>One category's exposure for one reviewer today, against its cap.</summary>
public sealed record ExposureRow(string ReviewerId, string ReviewerName, string Category, int Count, int Cap)
{
    public bool Capped => Count >= Cap;
}

/// <summary>A category a reviewer may choose to see unblurred.</summary>
public sealed record SensitiveCategory(string Key, string Name);

/// <summary>Blur preferences, exposure counting and daily caps. Caps are enforced inside the
/// Next claim query (<see cref="CappedCategoriesAsync"/>), not just shown.</summary>
public sealed class WellnessService(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, TimeProvider clock, IOptions<WellnessOptions> options)
{
    public WellnessOptions Options => options.Value;

    public async Task<WellnessSettings> GetSettingsAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pref = await db.Set<WellnessPreference>().AsNoTracking().SingleOrDefaultAsync(p => p.UserId == userId, cancellationToken);
        return pref is null ? WellnessSettings.Default : ToSettings(pref);
    }

    public async Task SaveSettingsAsync(StaffUser user, WellnessSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(settings);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.InTransactionAsync(
            async ct =>
            {
                var pref = await db.Set<WellnessPreference>().SingleOrDefaultAsync(p => p.UserId == user.Id, ct);
                var before = pref is null ? null : JsonSerializer.Serialize(ToSettings(pref));
                if (pref is null)
                {
                    pref = new WellnessPreference { UserId = user.Id };
                    db.Add(pref);
                }

                pref.BlurAll = settings.BlurAll;
                pref.UnblurredCategories = string.Join(' ', settings.UnblurredCategories.Order(StringComparer.Ordinal));
                pref.Grayscale = settings.Grayscale;
                pref.BreakReminderMinutes = settings.BreakReminderMinutes;
                pref.UpdatedAt = clock.GetUtcNow();
                await db.SaveChangesAsync(ct);
                await audit.AppendAsync(db, user, new AuditEntry(
                    "wellness.preferences-changed", "WellnessPreference", user.Id, "Wellness preferences changed",
                    BeforeJson: before, AfterJson: JsonSerializer.Serialize(settings)), ct);
            },
            cancellationToken);
    }

    /// <summary>Categories whose content is blurred by default (PolicyCategory.BlurByDefault).</summary>
    public async Task<IReadOnlyList<SensitiveCategory>> SensitiveCategoriesAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<PolicyCategory>().AsNoTracking()
            .Where(c => c.BlurByDefault && c.IsActive)
            .OrderBy(c => c.Key)
            .Select(c => new SensitiveCategory(c.Key, c.Name))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The categories <paramref name="reviewerId"/> reached today's cap for; Next excludes them.</summary>
    public async Task<IReadOnlyList<string>> CappedCategoriesAsync(AppDbContext db, string reviewerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var since = StartOfDay(clock.GetUtcNow());
        var counts = await db.Set<ReviewerExposure>().AsNoTracking()
            .Where(e => e.ReviewerId == reviewerId && e.ExposedAt >= since)
            .GroupBy(e => e.Category)
            .Select(g => new { Category = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return counts.Where(c => c.Count >= options.Value.CapFor(c.Category)).Select(c => c.Category).ToList();
    }

    /// <summary>Records that <paramref name="reviewer"/> was shown <paramref name="flagId"/>, once per flag
    /// and category. Called in the claim's transaction.</summary>
    public async Task RecordExposureAsync(AppDbContext db, StaffUser reviewer, long flagId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(reviewer);
        var flagged = await db.Set<FlagCategoryScore>().AsNoTracking()
            .Where(s => s.FlagId == flagId && s.Flagged)
            .Select(s => s.Category)
            .ToListAsync(cancellationToken);
        if (flagged.Count == 0)
        {
            var top = await db.Set<Flag>().Where(f => f.Id == flagId).Select(f => f.TopCategory).SingleAsync(cancellationToken);
            if (top.Length > 0)
            {
                flagged.Add(top);
            }
        }

        var known = await db.Set<ReviewerExposure>().AsNoTracking()
            .Where(e => e.ReviewerId == reviewer.Id && e.FlagId == flagId)
            .Select(e => e.Category)
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var category in flagged.Distinct().Except(known))
        {
            db.Add(new ReviewerExposure { ReviewerId = reviewer.Id, ReviewerName = reviewer.Name, FlagId = flagId, Category = category, ExposedAt = now });
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Today's exposure per reviewer and category (all reviewers when <paramref name="reviewerId"/> is null).</summary>
    public async Task<IReadOnlyList<ExposureRow>> ExposureTodayAsync(string? reviewerId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var since = StartOfDay(clock.GetUtcNow());
        var query = db.Set<ReviewerExposure>().AsNoTracking().Where(e => e.ExposedAt >= since);
        if (reviewerId is not null)
        {
            query = query.Where(e => e.ReviewerId == reviewerId);
        }

        var rows = await query
            .GroupBy(e => new { e.ReviewerId, e.Category })
            .Select(g => new { g.Key.ReviewerId, g.Key.Category, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.ReviewerId).Distinct().ToList();
        var names = await db.Set<AppUser>().AsNoTracking()
            .Where(u => ids.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => string.IsNullOrEmpty(u.DisplayName) ? u.Email ?? u.Id : u.DisplayName, cancellationToken);
        return rows
            .Select(r => new ExposureRow(r.ReviewerId, names.GetValueOrDefault(r.ReviewerId, r.ReviewerId), r.Category, r.Count, options.Value.CapFor(r.Category)))
            .OrderBy(r => r.ReviewerName, StringComparer.OrdinalIgnoreCase)
            .ThenByDescending(r => r.Count)
            .ToList();
    }

    public int BreakReminderMinutesFor(WellnessSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.BreakReminderMinutes ?? options.Value.BreakReminderMinutes;
    }

    public static DateTimeOffset StartOfDay(DateTimeOffset now) => new(now.UtcDateTime.Date, TimeSpan.Zero);

    private static WellnessSettings ToSettings(WellnessPreference pref) => new(
        pref.BlurAll,
        pref.UnblurredCategories.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal),
        pref.Grayscale,
        pref.BreakReminderMinutes);
}
