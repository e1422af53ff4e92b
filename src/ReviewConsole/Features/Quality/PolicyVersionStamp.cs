using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Policies;

namespace ReviewConsole.Features.Quality;

/// <summary>A policy category version a decision was made under, with the clause and text of that version.</summary>
public sealed record PolicyVersionView(string Key, string Name, int Version, string Clause, string Text);

/// <summary>
/// Records which version of each relevant policy category a decision was made under
/// (<c>key@version</c>, space-separated) and resolves it back to the clause and text of that
/// version from <see cref="PolicyCategoryVersion"/>, so history shows the rule as it read then.
/// </summary>
public static class PolicyVersionStamp
{
    /// <summary>The categories a decision was judged against: those confirmed and those the classifier flagged.</summary>
    public static IEnumerable<string> Relevant(Flag flag, IEnumerable<string> confirmed)
    {
        ArgumentNullException.ThrowIfNull(flag);
        return confirmed.Concat(flag.Scores.Where(s => s.Flagged).Select(s => s.Category)).Distinct(StringComparer.Ordinal);
    }

    public static async Task<string> ForAsync(AppDbContext db, IEnumerable<string> categories, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var keys = categories.Distinct(StringComparer.Ordinal).ToList();
        var versions = await db.Set<PolicyCategory>().AsNoTracking()
            .Where(c => keys.Contains(c.Key))
            .Select(c => new { c.Key, c.Version })
            .ToListAsync(cancellationToken);
        return Format(versions.Select(v => (v.Key, v.Version)));
    }

    public static string Format(IEnumerable<(string Key, int Version)> versions) =>
        string.Join(' ', versions.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Key}@{v.Version}")));

    public static IReadOnlyList<(string Key, int Version)> Parse(string? stamp)
    {
        if (string.IsNullOrWhiteSpace(stamp))
        {
            return [];
        }

        var result = new List<(string, int)>();
        foreach (var part in stamp.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = part.LastIndexOf('@');
            if (at > 0 && int.TryParse(part.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                result.Add((part[..at], version));
            }
        }

        return result;
    }

    /// <summary>The clause and text of every version named in <paramref name="stamps"/>.</summary>
    public static async Task<IReadOnlyList<PolicyVersionView>> ResolveAsync(AppDbContext db, IEnumerable<string> stamps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var wanted = stamps.SelectMany(Parse).Distinct().ToList();
        if (wanted.Count == 0)
        {
            return [];
        }

        var keys = wanted.Select(w => w.Key).Distinct(StringComparer.Ordinal).ToList();
        var rows = await db.Set<PolicyCategoryVersion>().AsNoTracking()
            .Join(db.Set<PolicyCategory>().Where(c => keys.Contains(c.Key)), v => v.PolicyCategoryId, c => c.Id, (v, c) => new { c.Key, c.Name, v.Version, v.PolicyClause, v.PolicyText })
            .ToListAsync(cancellationToken);
        return rows
            .Where(r => wanted.Contains((r.Key, r.Version)))
            .Select(r => new PolicyVersionView(r.Key, r.Name, r.Version, r.PolicyClause, r.PolicyText))
            .OrderBy(r => r.Key, StringComparer.Ordinal).ThenBy(r => r.Version)
            .ToList();
    }
}
