using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Policies;
using ReviewConsole.Data.Quality;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Statistics;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.PolicyCategories;

/// <summary>An intake category key the taxonomy did not know, as the Admin page lists it.</summary>
public sealed record UnknownCategorySummary(long Id, string Key, int FlagCount, long? ExampleFlagId, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, string? MappedTo, DateTimeOffset? ResolvedAt, string? ResolvedBy);

/// <summary>
/// Category keys intake met that the taxonomy lacks. The records are stored (their scores under the
/// unknown key); an Admin maps the key to an existing category (stored scores are rewritten, later
/// records translated at intake) or creates a category with that key.
/// </summary>
public sealed class UnknownCategoryService(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, TimeProvider clock)
{
    /// <summary>Mapped keys (unknown → category), read once per intake batch.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> MappingsAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.Set<UnknownCategory>().AsNoTracking().Where(u => u.MappedTo != null)
            .Select(u => new { u.Key, u.MappedTo }).ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.Key, r => r.MappedTo!, StringComparer.Ordinal);
    }

    /// <summary>Counts a stored flag against each unknown key it carried (inside the intake transaction).</summary>
    public static async Task RecordAsync(AppDbContext db, IReadOnlyList<string> keys, long flagId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            var rows = await db.Set<UnknownCategory>().Where(u => u.Key == key)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.FlagCount, u => u.FlagCount + 1).SetProperty(u => u.LastSeenAt, now), cancellationToken);
            if (rows == 0)
            {
                db.Add(new UnknownCategory { Key = key, FirstSeenAt = now, LastSeenAt = now, FlagCount = 1, ExampleFlagId = flagId });
                await db.SaveChangesAsync(cancellationToken);
            }
        }
    }

    public async Task<IReadOnlyList<UnknownCategorySummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Set<UnknownCategory>().AsNoTracking()
            .Select(u => new UnknownCategorySummary(u.Id, u.Key, u.FlagCount, u.ExampleFlagId, u.FirstSeenAt, u.LastSeenAt, u.MappedTo, u.ResolvedAt, u.ResolvedBy))
            .ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.ResolvedAt is not null).ThenByDescending(r => r.FlagCount).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>Maps <paramref name="key"/> to the existing category <paramref name="targetKey"/>: every
    /// stored score under the key moves to the category (a flag that already has one keeps the higher),
    /// and later records are translated at intake.</summary>
    public async Task<PolicyEditResult> MapAsync(string key, string targetKey, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync(
            async ct =>
            {
                var unknown = await db.Set<UnknownCategory>().SingleOrDefaultAsync(u => u.Key == key, ct);
                if (unknown is null)
                {
                    return new PolicyEditResult(false, $"'{key}' is not an unknown category.");
                }

                if (unknown.ResolvedAt is not null)
                {
                    return new PolicyEditResult(false, $"'{key}' was already resolved by {unknown.ResolvedBy}.");
                }

                if (!await db.Set<PolicyCategory>().AnyAsync(c => c.Key == targetKey, ct))
                {
                    return new PolicyEditResult(false, $"'{targetKey}' is not a policy category.");
                }

                // A flag scored under both keys keeps the category's own score; the unknown one goes.
                var both = db.Set<FlagCategoryScore>().Where(t => t.Category == targetKey).Select(t => t.FlagId);
                await db.Set<FlagCategoryScore>().Where(s => s.Category == key && both.Contains(s.FlagId)).ExecuteDeleteAsync(ct);
                var moved = await db.Set<FlagCategoryScore>().Where(s => s.Category == key)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Category, targetKey), ct);
                await db.Set<Flag>().Where(f => f.TopCategory == key).ExecuteUpdateAsync(s => s.SetProperty(f => f.TopCategory, targetKey), ct);
                await StatisticsRollup.RenameCategoryAsync(db, key, targetKey, ct);
                var now = clock.GetUtcNow();
                unknown.MappedTo = targetKey;
                unknown.ResolvedAt = now;
                unknown.ResolvedBy = by.Name;
                await db.SaveChangesAsync(ct);
                await audit.AppendAsync(db, by, new AuditEntry(
                    "policy.category.mapped",
                    nameof(PolicyCategory),
                    key,
                    string.Create(CultureInfo.InvariantCulture, $"Mapped unknown category '{key}' to '{targetKey}' ({moved} stored score(s) moved)")), ct);
                return new PolicyEditResult(true, string.Create(CultureInfo.InvariantCulture, $"'{key}' now maps to '{targetKey}'; {moved} stored score(s) moved."));
            },
            result => result.Succeeded,
            cancellationToken);
    }

    /// <summary>Marks the unknown key resolved when an Admin creates a category with it (same transaction).</summary>
    internal static Task ResolveByCreationAsync(AppDbContext db, string key, StaffUser by, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Set<UnknownCategory>().Where(u => u.Key == key && u.ResolvedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.ResolvedAt, now).SetProperty(u => u.ResolvedBy, by.Name), cancellationToken);
}
