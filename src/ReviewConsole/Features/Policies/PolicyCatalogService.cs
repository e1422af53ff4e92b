using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Policies;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;

// Not "ReviewConsole.Features.Policies": a namespace of that name would shadow the Policies class
// (Infrastructure.Identity) in every file under ReviewConsole.Features and break Policies.X lookups.
namespace ReviewConsole.Features.PolicyCategories;

/// <summary>A policy category as the admin page and the ingestion pipeline see it.</summary>
public sealed record PolicyCategorySummary(
    int Id,
    string Key,
    string Name,
    PolicyCategoryKind Kind,
    double SeverityWeight,
    int ReviewSlaMinutes,
    bool BlurByDefault,
    string PolicyClause,
    string PolicyText,
    int Version,
    bool IsActive,
    DateTimeOffset UpdatedAt,
    string UpdatedBy);

public sealed record PolicyCategoryVersionSummary(int Version, double SeverityWeight, int ReviewSlaMinutes, bool BlurByDefault, string PolicyClause, string PolicyText, DateTimeOffset ChangedAt, string ChangedBy);

/// <summary>An admin's edit of one category; <see cref="ExpectedVersion"/> guards against overwriting a concurrent edit.</summary>
public sealed class EditPolicyCategoryRequest
{
    public int Id { get; set; }

    public int ExpectedVersion { get; set; }

    [Required, StringLength(200, MinimumLength = 2)]
    public string Name { get; set; } = "";

    [Range(0.0, 1.0)]
    public double SeverityWeight { get; set; }

    [Range(5, 60 * 24 * 14)]
    public int ReviewSlaMinutes { get; set; }

    public bool BlurByDefault { get; set; }

    [Required, StringLength(200, MinimumLength = 2)]
    [RegularExpression(@"^[A-Z]{2,4}-\d+(\.\d+)*$", ErrorMessage = "A clause id looks like CP-3.2 or MU-1.1.")]
    public string PolicyClause { get; set; } = "";

    [Required, StringLength(4000, MinimumLength = 20)]
    public string PolicyText { get; set; } = "";

    public bool IsActive { get; set; } = true;

    [Required, StringLength(1000, MinimumLength = 5)]
    public string ChangeReason { get; set; } = "";

    public static EditPolicyCategoryRequest From(PolicyCategorySummary category)
    {
        ArgumentNullException.ThrowIfNull(category);
        return new()
        {
            Id = category.Id,
            ExpectedVersion = category.Version,
            Name = category.Name,
            SeverityWeight = category.SeverityWeight,
            ReviewSlaMinutes = category.ReviewSlaMinutes,
            BlurByDefault = category.BlurByDefault,
            PolicyClause = category.PolicyClause,
            PolicyText = category.PolicyText,
            IsActive = category.IsActive,
        };
    }
}

/// <summary>An Admin's new category (version 1).</summary>
public sealed class CreatePolicyCategoryRequest
{
    [Required, StringLength(100, MinimumLength = 2)]
    [RegularExpression(@"^[a-z0-9][a-z0-9/_.\-]*$", ErrorMessage = "A key is lower-case letters, digits and / - _ . (as classifiers name it).")]
    public string Key { get; set; } = "";

    [Required, StringLength(200, MinimumLength = 2)]
    public string Name { get; set; } = "";

    public PolicyCategoryKind Kind { get; set; }

    [Range(0.0, 1.0)]
    public double SeverityWeight { get; set; } = 0.5;

    [Range(5, 60 * 24 * 14)]
    public int ReviewSlaMinutes { get; set; } = 480;

    public bool BlurByDefault { get; set; }

    [Required, StringLength(200, MinimumLength = 2)]
    [RegularExpression(@"^[A-Z]{2,4}-\d+(\.\d+)*$", ErrorMessage = "A clause id looks like CP-3.2 or MU-1.1.")]
    public string PolicyClause { get; set; } = "";

    [Required, StringLength(4000, MinimumLength = 20)]
    public string PolicyText { get; set; } = "";

    [Required, StringLength(1000, MinimumLength = 5)]
    public string ChangeReason { get; set; } = "";
}

public sealed record PolicyEditResult(bool Succeeded, string Message, int? NewVersion = null);

/// <summary>What the ingestion pipeline needs of the taxonomy, read once per batch.</summary>
public sealed record PolicyTaxonomy(IReadOnlyDictionary<string, PolicyCategorySummary> ByKey)
{
    public IReadOnlySet<string> Keys { get; } = ByKey.Keys.ToHashSet(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, double> SeverityWeights { get; } = ByKey.ToDictionary(p => p.Key, p => p.Value.SeverityWeight, StringComparer.Ordinal);

    /// <summary>The SLA of a flag: the strictest among the categories that drive it (a loop, not a
    /// query: it runs for every ingested record).</summary>
    public TimeSpan SlaFor(IEnumerable<string> categories)
    {
        ArgumentNullException.ThrowIfNull(categories);
        int? minutes = null;
        foreach (var category in categories)
        {
            if (ByKey.TryGetValue(category, out var policy) && (minutes is null || policy.ReviewSlaMinutes < minutes))
            {
                minutes = policy.ReviewSlaMinutes;
            }
        }

        return TimeSpan.FromMinutes(minutes ?? DefaultSlaMinutes);
    }

    public const int DefaultSlaMinutes = 24 * 60;
}

/// <summary>
/// The content-policy taxonomy as data. Edits are versioned (a <see cref="PolicyCategoryVersion"/>
/// row per version, so a decision cites the text it was made under) and audited; the version check
/// is a conditional update, so two admins editing at once cannot silently overwrite each other.
/// </summary>
public sealed class PolicyCatalogService(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<PolicyCategorySummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await QueryAsync(db, cancellationToken);
    }

    public async Task<IReadOnlyList<PolicyCategoryVersionSummary>> HistoryAsync(int categoryId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<PolicyCategoryVersion>().AsNoTracking()
            .Where(v => v.PolicyCategoryId == categoryId)
            .OrderByDescending(v => v.Version)
            .Select(v => new PolicyCategoryVersionSummary(v.Version, v.SeverityWeight, v.ReviewSlaMinutes, v.BlurByDefault, v.PolicyClause, v.PolicyText, v.ChangedAt, v.ChangedBy))
            .ToListAsync(cancellationToken);
    }

    public static async Task<PolicyTaxonomy> LoadTaxonomyAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var all = await QueryAsync(db, cancellationToken);
        return new PolicyTaxonomy(all.ToDictionary(c => c.Key, StringComparer.Ordinal));
    }

    public async Task<PolicyEditResult> UpdateAsync(EditPolicyCategoryRequest request, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(by);
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(request, new ValidationContext(request), errors, validateAllProperties: true))
        {
            return new PolicyEditResult(false, string.Join(" ", errors.Select(e => e.ErrorMessage)));
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync(
            async ct =>
        {
            var before = await db.Set<PolicyCategory>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == request.Id, cancellationToken);
            if (before is null)
            {
                return new PolicyEditResult(false, "The category no longer exists.");
            }

            var now = clock.GetUtcNow();
            var newVersion = request.ExpectedVersion + 1;
            var text = request.PolicyText.Trim();
            var clause = request.PolicyClause.Trim();
            var name = request.Name.Trim();
            var updated = await db.Set<PolicyCategory>()
                .Where(c => c.Id == request.Id && c.Version == request.ExpectedVersion)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(c => c.Version, newVersion)
                        .SetProperty(c => c.Name, name)
                        .SetProperty(c => c.SeverityWeight, request.SeverityWeight)
                        .SetProperty(c => c.ReviewSlaMinutes, request.ReviewSlaMinutes)
                        .SetProperty(c => c.BlurByDefault, request.BlurByDefault)
                        .SetProperty(c => c.PolicyClause, clause)
                        .SetProperty(c => c.PolicyText, text)
                        .SetProperty(c => c.IsActive, request.IsActive)
                        .SetProperty(c => c.UpdatedAt, now)
                        .SetProperty(c => c.UpdatedBy, by.Name),
                    cancellationToken);
            if (updated != 1)
            {
                return new PolicyEditResult(false, $"Someone else changed '{before.Key}' meanwhile (now version {before.Version}); reload and edit again.");
            }

            db.Add(new PolicyCategoryVersion
            {
                PolicyCategoryId = request.Id,
                Version = newVersion,
                SeverityWeight = request.SeverityWeight,
                ReviewSlaMinutes = request.ReviewSlaMinutes,
                BlurByDefault = request.BlurByDefault,
                PolicyClause = clause,
                PolicyText = text,
                ChangedAt = now,
                ChangedBy = by.Name,
            });
            await db.SaveChangesAsync(cancellationToken);
            var after = await db.Set<PolicyCategory>().AsNoTracking().SingleAsync(c => c.Id == request.Id, cancellationToken);
            await audit.AppendAsync(
                db,
                by,
                new AuditEntry(
                    "policy.category.updated",
                    nameof(PolicyCategory),
                    before.Key,
                    $"Updated policy category '{before.Key}' to version {newVersion.ToString(CultureInfo.InvariantCulture)}",
                    request.ChangeReason.Trim(),
                    Snapshot(before),
                    Snapshot(after)),
                cancellationToken);
            return new PolicyEditResult(true, $"Saved '{before.Key}' as version {newVersion.ToString(CultureInfo.InvariantCulture)}.", newVersion);
        },
            result => result.Succeeded,
            cancellationToken);
    }

    /// <summary>Creates a category at version 1 (with its version row), audited; an unknown intake key of
    /// the same name counts as resolved.</summary>
    public async Task<PolicyEditResult> CreateAsync(CreatePolicyCategoryRequest request, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(by);
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(request, new ValidationContext(request), errors, validateAllProperties: true))
        {
            return new PolicyEditResult(false, string.Join(" ", errors.Select(e => e.ErrorMessage)));
        }

        var key = request.Key.Trim();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync(
            async ct =>
            {
                if (await db.Set<PolicyCategory>().AnyAsync(c => c.Key == key, ct))
                {
                    return new PolicyEditResult(false, $"A category '{key}' exists already.");
                }

                var now = clock.GetUtcNow();
                var category = new PolicyCategory
                {
                    Key = key,
                    Name = request.Name.Trim(),
                    Kind = request.Kind,
                    SeverityWeight = request.SeverityWeight,
                    ReviewSlaMinutes = request.ReviewSlaMinutes,
                    BlurByDefault = request.BlurByDefault,
                    PolicyClause = request.PolicyClause.Trim(),
                    PolicyText = request.PolicyText.Trim(),
                    Version = 1,
                    IsActive = true,
                    UpdatedAt = now,
                    UpdatedBy = by.Name,
                };
                db.Add(category);
                await db.SaveChangesAsync(ct);
                db.Add(new PolicyCategoryVersion
                {
                    PolicyCategoryId = category.Id,
                    Version = 1,
                    SeverityWeight = category.SeverityWeight,
                    ReviewSlaMinutes = category.ReviewSlaMinutes,
                    BlurByDefault = category.BlurByDefault,
                    PolicyClause = category.PolicyClause,
                    PolicyText = category.PolicyText,
                    ChangedAt = now,
                    ChangedBy = by.Name,
                });
                await db.SaveChangesAsync(ct);
                await UnknownCategoryService.ResolveByCreationAsync(db, key, by, now, ct);
                await audit.AppendAsync(
                    db,
                    by,
                    new AuditEntry("policy.category.created", nameof(PolicyCategory), key, $"Created policy category '{key}' (version 1)", request.ChangeReason.Trim(), null, Snapshot(category)),
                    ct);
                return new PolicyEditResult(true, $"Created '{key}' as version 1.", 1);
            },
            result => result.Succeeded,
            cancellationToken);
    }

    private static string Snapshot(PolicyCategory c) => JsonSerializer.Serialize(new
    {
        c.Key,
        c.Name,
        c.Version,
        c.SeverityWeight,
        c.ReviewSlaMinutes,
        c.BlurByDefault,
        c.PolicyClause,
        c.PolicyText,
        c.IsActive,
    });

    private static async Task<IReadOnlyList<PolicyCategorySummary>> QueryAsync(AppDbContext db, CancellationToken cancellationToken) =>
        await db.Set<PolicyCategory>().AsNoTracking()
            .OrderBy(c => c.Kind).ThenBy(c => c.Key)
            .Select(c => new PolicyCategorySummary(c.Id, c.Key, c.Name, c.Kind, c.SeverityWeight, c.ReviewSlaMinutes, c.BlurByDefault, c.PolicyClause, c.PolicyText, c.Version, c.IsActive, c.UpdatedAt, c.UpdatedBy))
            .ToListAsync(cancellationToken);
}
