using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Policies;
using ReviewConsole.Features.Audit;

namespace ReviewConsole.Features.Wellness;

/// <summary>Whether audited content starts blurred for a viewer, the categories that decided it
/// (null when they could not be read), and the audit kind of revealing it.</summary>
public sealed record ContentBlur(bool Blurred, IReadOnlyList<string>? Categories, string RevealAuditKind);

/// <summary>
/// Blur by category for untrusted text shown outside the triage page (which blurs flags itself):
/// raw payloads of rejected intake records. A payload is blurred when a category it names is blurred
/// by default in the taxonomy (and the viewer has not chosen to see it), when it names a category the
/// taxonomy does not know, or when its categories cannot be read; the viewer's "blur everything"
/// preference blurs all of them.
/// </summary>
public sealed class ContentSensitivity(IDbContextFactory<AppDbContext> dbFactory, WellnessService wellness)
{
    public const string IngestionErrorTarget = "IngestionError";

    /// <summary>Null for content this service does not judge (it is shown as it is).</summary>
    public async Task<ContentBlur?> AssessAsync(string targetType, string targetId, string viewerId, CancellationToken cancellationToken)
    {
        if (targetType != IngestionErrorTarget || !long.TryParse(targetId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var raw = await db.Set<IngestionError>().AsNoTracking().Where(e => e.Id == id).Select(e => e.RawPayload).SingleOrDefaultAsync(cancellationToken);
        if (raw is null)
        {
            return null;
        }

        var categories = PayloadCategories.Read(raw);
        var taxonomy = await db.Set<PolicyCategory>().AsNoTracking().Where(c => c.IsActive)
            .Select(c => new { c.Key, c.BlurByDefault }).ToListAsync(cancellationToken);
        var known = taxonomy.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        var blurByDefault = taxonomy.Where(c => c.BlurByDefault).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        var settings = await wellness.GetSettingsAsync(viewerId, cancellationToken);
        var blurred = categories is null
            || categories.Any(c => !known.Contains(c))
            || settings.ShouldBlur(categories, blurByDefault);
        return new ContentBlur(blurred, categories?.Order(StringComparer.Ordinal).ToList(), AuditKinds.IngestionPayloadRevealed);
    }
}
