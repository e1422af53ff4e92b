using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.UseCases;

public sealed record GuidelineSummary(int Id, string Key, string Name, RiskLevel RiskLevel, Safeguards RequiredSafeguards, string Guidance, string Clause, bool IsResearch, int Version, bool IsActive, DateTimeOffset UpdatedAt, string UpdatedBy);

public sealed record GuidelineVersionRow(int Version, string Name, RiskLevel RiskLevel, Safeguards RequiredSafeguards, string Guidance, string Clause, bool IsActive, DateTimeOffset ChangedAt, string ChangedBy);

/// <summary>An edit of a category (new when <see cref="Id"/> is null).</summary>
public sealed class GuidelineEdit
{
    public int? Id { get; set; }

    public string Key { get; set; } = "";

    public string Name { get; set; } = "";

    public RiskLevel RiskLevel { get; set; } = RiskLevel.NeedsReview;

    public Safeguards RequiredSafeguards { get; set; }

    public string Guidance { get; set; } = "";

    public string Clause { get; set; } = "";

    public bool IsResearch { get; set; }

    public bool IsActive { get; set; } = true;

    /// <summary>The version the editor started from; a newer one means someone else saved first.</summary>
    public int ExpectedVersion { get; set; }
}

public sealed record GuidelineSaveResult(bool Succeeded, string Message, int? Id = null, int? Version = null);

/// <summary>The use-case guidelines as data: categories, risk levels and checklists, versioned.</summary>
public sealed class GuidelineService(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<GuidelineSummary>> ListAsync(bool includeInactive, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Set<GuidelineCategory>().AsNoTracking()
            .Where(c => includeInactive || c.IsActive)
            .OrderBy(c => c.Name)
            .ToListAsync(cancellationToken);
        return rows.Select(ToSummary).ToList();
    }

    public async Task<IReadOnlyList<GuidelineVersionRow>> VersionsAsync(int categoryId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<GuidelineCategoryVersion>().AsNoTracking()
            .Where(v => v.GuidelineCategoryId == categoryId)
            .OrderByDescending(v => v.Version)
            .Select(v => new GuidelineVersionRow(v.Version, v.Name, v.RiskLevel, v.RequiredSafeguards, v.Guidance, v.Clause, v.IsActive, v.ChangedAt, v.ChangedBy))
            .ToListAsync(cancellationToken);
    }

    public async Task<GuidelineSaveResult> SaveAsync(GuidelineEdit edit, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edit);
        ArgumentNullException.ThrowIfNull(by);
        var key = edit.Key.Trim().ToLowerInvariant();
        var name = edit.Name.Trim();
        if (edit.Id is null && (key.Length is < 2 or > 100 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            return new(false, "The key must be 2 to 100 lower-case letters, digits or '-'.");
        }

        if (name.Length is < 2 or > 200)
        {
            return new(false, "The name must be 2 to 200 characters.");
        }

        if (edit.Clause.Trim().Length is 0 or > 100)
        {
            return new(false, "The guideline clause (e.g. UC-3.1) is required, at most 100 characters.");
        }

        if (edit.Guidance.Length > 8000)
        {
            return new(false, "The guidance must be at most 8000 characters.");
        }

        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        GuidelineCategory category = default!;
        var refused = await db.InTransactionAsync<GuidelineSaveResult?>(
            async ct =>
            {
                string? before = null;
                if (edit.Id is { } id)
                {
                    var found = await db.Set<GuidelineCategory>().SingleOrDefaultAsync(c => c.Id == id, ct);
                    if (found is null)
                    {
                        return new(false, "That category no longer exists.");
                    }

                    before = Snapshot(found);

                    // Optimistic concurrency by a conditional version bump: two admins saving at once
                    // cannot both win, and the loser is told to reload.
                    var bumped = await db.Set<GuidelineCategory>()
                        .Where(c => c.Id == id && c.Version == edit.ExpectedVersion)
                        .ExecuteUpdateAsync(s => s.SetProperty(c => c.Version, c => c.Version + 1), ct);
                    if (bumped != 1)
                    {
                        return new(false, $"Someone else changed '{found.Name}' (now version {found.Version}); reload and edit again.");
                    }

                    // The row already holds the new version; tell the tracker so SaveChanges leaves it be.
                    category = found;
                    var version = db.Entry(category).Property(c => c.Version);
                    version.OriginalValue = edit.ExpectedVersion + 1;
                    version.CurrentValue = edit.ExpectedVersion + 1;
                }
                else
                {
                    if (await db.Set<GuidelineCategory>().AnyAsync(c => c.Key == key, ct))
                    {
                        return new(false, $"A category with the key '{key}' already exists.");
                    }

                    category = new GuidelineCategory { Key = key, Name = name, Version = 1 };
                    db.Add(category);
                }

                category.Name = name;
                category.RiskLevel = edit.RiskLevel;
                category.RequiredSafeguards = edit.RequiredSafeguards;
                category.Guidance = edit.Guidance.Trim();
                category.Clause = edit.Clause.Trim();
                category.IsResearch = edit.IsResearch;
                category.IsActive = edit.IsActive;
                category.UpdatedAt = now;
                category.UpdatedBy = by.Name;
                await db.SaveChangesAsync(ct);
                db.Add(VersionOf(category, now, by.Name));
                await db.SaveChangesAsync(ct);
                await audit.AppendAsync(db, by, new AuditEntry(
                    edit.Id is null ? "guideline.created" : "guideline.updated",
                    "GuidelineCategory",
                    category.Id.ToString(CultureInfo.InvariantCulture),
                    $"Guideline '{category.Name}' v{category.Version}: {category.RiskLevel}, requires {SafeguardCatalog.Describe(category.RequiredSafeguards)}",
                    BeforeJson: before,
                    AfterJson: Snapshot(category)), ct);
                return null;
            },
            refusal => refusal is null,
            cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        return new(true, $"Saved '{category.Name}' as version {category.Version}.", category.Id, category.Version);
    }

    /// <summary>Seeds the default categories once (idempotent, safe with two nodes starting together).</summary>
    public async Task SeedDefaultsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Set<GuidelineCategory>().AnyAsync(cancellationToken))
        {
            return;
        }

        var now = clock.GetUtcNow();
        await db.InTransactionAsync(
            async ct =>
            {
                var categories = DefaultGuidelines.All.Select(d => new GuidelineCategory
                {
                    Key = d.Key,
                    Name = d.Name,
                    RiskLevel = d.RiskLevel,
                    RequiredSafeguards = d.Required,
                    Guidance = d.Guidance,
                    Clause = d.Clause,
                    IsResearch = d.IsResearch,
                    UpdatedAt = now,
                    UpdatedBy = StaffUser.System.Name,
                }).ToList();
                db.AddRange(categories);
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    // Another node seeded first (unique keys); its rows stand.
                    return false;
                }

                db.AddRange(categories.Select(c => VersionOf(c, now, StaffUser.System.Name)));
                await db.SaveChangesAsync(ct);
                await audit.AppendAsync(db, StaffUser.System, new AuditEntry("guideline.seeded", "GuidelineCategory", "*", $"Seeded {categories.Count} default use-case guideline categories"), ct);
                return true;
            },
            seeded => seeded,
            cancellationToken);
    }

    public async Task<IReadOnlyList<CategoryRule>> RulesAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await RulesAsync(db, cancellationToken);
    }

    public static Task<List<CategoryRule>> RulesAsync(AppDbContext db, CancellationToken cancellationToken) =>
        db.Set<GuidelineCategory>().AsNoTracking().Where(c => c.IsActive).OrderBy(c => c.Key)
            .Select(c => new CategoryRule(c.Id, c.Key, c.Name, c.IsResearch, c.RiskLevel))
            .ToListAsync(cancellationToken);

    private static GuidelineCategoryVersion VersionOf(GuidelineCategory c, DateTimeOffset now, string by) => new()
    {
        GuidelineCategoryId = c.Id,
        Version = c.Version,
        Name = c.Name,
        RiskLevel = c.RiskLevel,
        RequiredSafeguards = c.RequiredSafeguards,
        Guidance = c.Guidance,
        Clause = c.Clause,
        IsActive = c.IsActive,
        ChangedAt = now,
        ChangedBy = by,
    };

    private static string Snapshot(GuidelineCategory c) => JsonSerializer.Serialize(new
    {
        c.Name,
        RiskLevel = c.RiskLevel.ToString(),
        Required = SafeguardCatalog.Describe(c.RequiredSafeguards),
        c.Clause,
        c.IsActive,
        c.Version,
    });

    internal static GuidelineSummary ToSummary(GuidelineCategory c) =>
        new(c.Id, c.Key, c.Name, c.RiskLevel, c.RequiredSafeguards, c.Guidance, c.Clause, c.IsResearch, c.Version, c.IsActive, c.UpdatedAt, c.UpdatedBy);
}

/// <summary>The guideline categories a fresh installation starts with.</summary>
public static class DefaultGuidelines
{
    public sealed record GuidelineDefault(string Key, string Name, RiskLevel RiskLevel, Safeguards Required, string Clause, string Guidance, bool IsResearch = false);

    public static readonly IReadOnlyList<GuidelineDefault> All =
    [
        new("customer-support", "Customer support", RiskLevel.Allowed, Safeguards.ContentFilter | Safeguards.ReportingChannel, "UC-2.1",
            "Answers customers' questions about the developer's own product. Check that replies are scoped to the product and that customers can report a bad answer."),
        new("education-tutoring", "Education and tutoring", RiskLevel.NeedsReview, Safeguards.ContentFilter | Safeguards.EndUserRateLimits | Safeguards.ReportingChannel, "UC-2.4",
            "Tutoring and study help. Minors are likely: a content filter and a reporting channel are required, and answers must not be presented as graded assessment."),
        new("medical-information", "Medical information", RiskLevel.HighRisk, Safeguards.HumanInTheLoop | Safeguards.ContentFilter | Safeguards.ReportingChannel, "UC-3.1",
            "Health information for patients or clinicians. Medical advice needs a qualified human in the loop before it reaches a patient; no diagnosis or dosing without review."),
        new("legal-information", "Legal information", RiskLevel.HighRisk, Safeguards.HumanInTheLoop | Safeguards.OutputLengthLimit | Safeguards.ReportingChannel, "UC-3.2",
            "Legal information and drafting. Legal advice needs a human in the loop (a lawyer or paralegal) and outputs must say they are not legal advice."),
        new("social-media-content", "Social-media content generation", RiskLevel.NeedsReview, Safeguards.EndUserRateLimits | Safeguards.EndUserIdentification | Safeguards.ContentFilter, "UC-4.1",
            "Posts, replies and captions for social platforms. Needs per-user rate limits and end-user identification so coordinated inauthentic behaviour can be traced."),
        new("long-form-writing", "Long-form writing", RiskLevel.NeedsReview, Safeguards.OutputLengthLimit | Safeguards.EndUserRateLimits, "UC-4.3",
            "Articles, stories and reports. Needs an output length limit and per-user rate limits against bulk content farming."),
        new("code-assistance", "Code assistance", RiskLevel.Allowed, Safeguards.EndUserRateLimits, "UC-2.2",
            "Code completion and explanation for developers. Watch for malware generation in samples; rate limits per end user are required."),
        new("companionship-roleplay", "Companionship and role-play", RiskLevel.HighRisk, Safeguards.ContentFilter | Safeguards.EndUserIdentification | Safeguards.ReportingChannel | Safeguards.OutputLengthLimit, "UC-5.2",
            "Ongoing conversational characters. High risk of emotional dependence and sexual content: age assurance (end-user identification), a content filter and a reporting channel are required; start as a pilot."),
        new("political-campaigning", "Political campaigning", RiskLevel.Disallowed, Safeguards.None, "UC-6.1",
            "Generating campaign material, targeted political persuasion or voter outreach is not allowed on the platform. Reject citing this clause."),
        new("research-access", "Research access (subsidized credits)", RiskLevel.NeedsReview, Safeguards.None, "UC-7.1",
            "Researchers studying bias and misuse. Check the institution, that the research question needs model access, and that the data handling plan protects any personal data.", IsResearch: true),
    ];
}
