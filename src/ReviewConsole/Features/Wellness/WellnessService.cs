using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Identity;
using ReviewConsole.Data.Policies;
using ReviewConsole.Data.Wellness;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Database;
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

/// <summary>Blur preferences, exposure counting and daily caps. Caps are enforced by every claim
/// (<see cref="CountExposureAsync"/> in the claim's transaction), not just shown.</summary>
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

    /// <summary>The categories <paramref name="reviewerId"/> reached today's cap for (read from the
    /// day counters: one row per category, never the exposure rows themselves).</summary>
    public async Task<IReadOnlyList<string>> CappedCategoriesAsync(AppDbContext db, string reviewerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var day = StartOfDay(clock.GetUtcNow());
        var counts = await db.Set<ReviewerExposureDay>().AsNoTracking()
            .Where(d => d.ReviewerId == reviewerId && d.Day == day)
            .Select(d => new { d.Category, d.Count })
            .ToListAsync(cancellationToken);
        return counts.Where(c => c.Count >= options.Value.CapFor(c.Category)).Select(c => c.Category).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Counts that <paramref name="reviewer"/> is being shown <paramref name="flagIds"/> (once per flag
    /// and category, ever) against today's caps, inside the caller's transaction — the claim's. Each
    /// category's day counter is raised by a conditional update (<c>Count + n &lt;= cap</c>), so two
    /// concurrent claims cannot both pass the cap. Returns null when counted, or the category whose
    /// cap it would pass; the caller then rolls its transaction back (nothing was shown).
    /// </summary>
    public async Task<string?> CountExposureAsync(AppDbContext db, StaffUser reviewer, IReadOnlyCollection<long> flagIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(reviewer);
        ArgumentNullException.ThrowIfNull(flagIds);
        if (flagIds.Count == 0)
        {
            return null;
        }

        var ids = flagIds.Distinct().ToList();
        var shown = await db.Set<FlagCategoryScore>().AsNoTracking()
            .Where(s => ids.Contains(s.FlagId) && s.Flagged)
            .Select(s => new { s.FlagId, s.Category })
            .ToListAsync(cancellationToken);
        var withoutFlagged = ids.Except(shown.Select(s => s.FlagId)).ToList();
        if (withoutFlagged.Count > 0)
        {
            // A flag with no category over its threshold still shows its top category's content.
            shown.AddRange(await db.Set<Flag>().AsNoTracking()
                .Where(f => withoutFlagged.Contains(f.Id) && f.TopCategory != "")
                .Select(f => new { FlagId = f.Id, Category = f.TopCategory })
                .ToListAsync(cancellationToken));
        }

        var known = await db.Set<ReviewerExposure>().AsNoTracking()
            .Where(e => e.ReviewerId == reviewer.Id && ids.Contains(e.FlagId))
            .Select(e => new { e.FlagId, e.Category })
            .ToListAsync(cancellationToken);
        var fresh = shown.Distinct().Except(known).ToList();
        if (fresh.Count == 0)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var day = StartOfDay(now);
        foreach (var category in fresh.GroupBy(f => f.Category).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (!await RaiseDayCounterAsync(db, reviewer.Id, day, category.Key, category.Count(), options.Value.CapFor(category.Key), cancellationToken))
            {
                return category.Key;
            }
        }

        db.AddRange(fresh.Select(f => new ReviewerExposure { ReviewerId = reviewer.Id, ReviewerName = reviewer.Name, FlagId = f.FlagId, Category = f.Category, ExposedAt = now }));
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>Today's exposure per reviewer and category (all reviewers when <paramref name="reviewerId"/> is null),
    /// from the day counters.</summary>
    public async Task<IReadOnlyList<ExposureRow>> ExposureTodayAsync(string? reviewerId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var day = StartOfDay(clock.GetUtcNow());
        var query = db.Set<ReviewerExposureDay>().AsNoTracking().Where(d => d.Day == day && d.Count > 0);
        if (reviewerId is not null)
        {
            query = query.Where(d => d.ReviewerId == reviewerId);
        }

        var rows = await query.Select(d => new { d.ReviewerId, d.Category, d.Count }).ToListAsync(cancellationToken);
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

    /// <summary>The reviewer's continuous-reviewing stretch as last saved (it outlives circuits).</summary>
    public async Task<(DateTimeOffset? StretchStartedAt, DateTimeOffset? LastActivityAt, DateTimeOffset? SnoozedUntil)> LoadStretchAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pref = await db.Set<WellnessPreference>().AsNoTracking().Where(p => p.UserId == userId)
            .Select(p => new { p.StretchStartedAt, p.LastActivityAt, p.BreakSnoozedUntil })
            .SingleOrDefaultAsync(cancellationToken);
        return pref is null ? default : (pref.StretchStartedAt, pref.LastActivityAt, pref.BreakSnoozedUntil);
    }

    /// <summary>Saves the stretch, so a reload or a new tab keeps the break reminder's clock.</summary>
    public async Task SaveStretchAsync(string userId, DateTimeOffset? stretchStartedAt, DateTimeOffset? lastActivityAt, DateTimeOffset? snoozedUntil, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.InTransactionAsync(
            async ct =>
            {
                var updated = await db.Set<WellnessPreference>().Where(p => p.UserId == userId)
                    .ExecuteUpdateAsync(
                        s => s.SetProperty(p => p.StretchStartedAt, stretchStartedAt)
                            .SetProperty(p => p.LastActivityAt, lastActivityAt)
                            .SetProperty(p => p.BreakSnoozedUntil, snoozedUntil),
                        ct);
                if (updated == 0)
                {
                    db.Add(new WellnessPreference { UserId = userId, StretchStartedAt = stretchStartedAt, LastActivityAt = lastActivityAt, BreakSnoozedUntil = snoozedUntil, UpdatedAt = clock.GetUtcNow() });
                    await db.SaveChangesAsync(ct);
                }
            },
            cancellationToken);
    }

    public int BreakReminderMinutesFor(WellnessSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.BreakReminderMinutes ?? options.Value.BreakReminderMinutes;
    }

    public static DateTimeOffset StartOfDay(DateTimeOffset now) => new(now.UtcDateTime.Date, TimeSpan.Zero);

    private static async Task<bool> RaiseDayCounterAsync(AppDbContext db, string reviewerId, DateTimeOffset day, string category, int count, int cap, CancellationToken cancellationToken)
    {
        if (await RaiseAsync() == 1)
        {
            return true;
        }

        if (count > cap)
        {
            return false;
        }

        // First exposure to this category today: create the counter at zero (a concurrent creator
        // is harmless) and raise it under the same condition.
        var dialect = RawSql.DialectOf(db);
        var sql = dialect switch
        {
            SqlDialect.Sqlite => """INSERT OR IGNORE INTO "ReviewerExposureDay" ("ReviewerId", "Day", "Category", "Count") VALUES (@r, @d, @c, 0)""",
            SqlDialect.Postgres => """INSERT INTO "ReviewerExposureDay" ("ReviewerId", "Day", "Category", "Count") VALUES (@r, @d, @c, 0) ON CONFLICT DO NOTHING""",
            _ => """INSERT INTO "ReviewerExposureDay" ("ReviewerId", "Day", "Category", "Count") SELECT @r, @d, @c, 0 WHERE NOT EXISTS (SELECT 1 FROM "ReviewerExposureDay" WITH (UPDLOCK, HOLDLOCK) WHERE "ReviewerId" = @r AND "Day" = @d AND "Category" = @c)""",
        };
        await RawSql.ExecuteAsync(db, sql, [new("@r", reviewerId), new("@d", RawSql.Time(dialect, day)), new("@c", category)], cancellationToken);
        return await RaiseAsync() == 1;

        Task<int> RaiseAsync() => db.Set<ReviewerExposureDay>()
            .Where(d => d.ReviewerId == reviewerId && d.Day == day && d.Category == category && d.Count + count <= cap)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Count, d => d.Count + count), cancellationToken);
    }

    private static WellnessSettings ToSettings(WellnessPreference pref) => new(
        pref.BlurAll,
        pref.UnblurredCategories.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal),
        pref.Grayscale,
        pref.BreakReminderMinutes);
}
