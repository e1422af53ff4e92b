using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Features.Appeals;
using ReviewConsole.Features.Audit;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Enforcement;

/// <summary>A notice template version: <c>{{placeholder}}</c>s are filled from the organization and the related action.</summary>
public sealed record NoticeTemplate(string Key, int Version, string Name, string Subject, string Body, string CreatedBy, DateTimeOffset CreatedAt);

public sealed record SaveNoticeTemplateRequest(string Key, string Name, string Subject, string Body);

/// <summary>A notice as an organization reads it (<c>GET /api/v1/notices</c>).</summary>
public sealed record NoticeView(long Id, string Subject, string Body, string Template, int? TemplateVersion, long? RelatedActionId, DateTimeOffset CreatedAt);

public sealed record NoticeRender(bool Ok, string Subject, string Body, IReadOnlyList<string> Problems);

public sealed record SendNoticeRequest(long OrganizationId, string TemplateKey, string Subject, string Body, long? RelatedActionId, string? PolicyClause, string Note, int? TemplateVersion = null);

/// <summary>
/// Templated notices to an affected organization. Every placeholder is checked before sending:
/// an unknown name, a value the context cannot supply, or an unclosed brace refuses the notice
/// (a notice reading "Dear {{organisation_name}}" never goes out). Accepted notices are sent as
/// SendNotice actions through the same outbox as every other effect. Templates are data: an Admin
/// saves a new version (placeholders checked at save); a sanction's notice is rendered from the
/// current version when the sanction takes effect.
/// </summary>
public sealed partial class NoticeService(
    IDbContextFactory<AppDbContext> dbFactory,
    EnforcementService enforcement,
    AuditLog audit,
    TimeProvider clock,
    IOptions<AppealsOptions> appealOptions)
{
    public static readonly IReadOnlyList<string> Placeholders =
        ["organization_name", "organization_id", "action", "target", "policy_clause", "effective_at", "expires_at", "appeal_reference", "appeal_deadline", "note"];

    /// <summary>The current version of every template.</summary>
    public async Task<IReadOnlyList<NoticeTemplate>> TemplatesAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await CurrentTemplatesAsync(db, cancellationToken);
    }

    public async Task<IReadOnlyList<NoticeTemplate>> HistoryAsync(string key, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return (await db.Set<NoticeTemplateVersion>().AsNoTracking().Where(t => t.Key == key).OrderByDescending(t => t.Version).ToListAsync(cancellationToken))
            .Select(View).ToList();
    }

    /// <summary>Checks a template's placeholders without values: unknown names and malformed braces are refused.</summary>
    public static IReadOnlyList<string> CheckTemplate(string subject, string body)
    {
        var everything = Placeholders.ToDictionary(p => p, p => (string?)"x", StringComparer.Ordinal);
        var problems = Render(subject ?? "", body ?? "", everything).Problems.ToList();
        if (subject is { Length: > 300 })
        {
            problems.Add("The subject is longer than 300 characters.");
        }

        if (body is { Length: > 8000 })
        {
            problems.Add("The body is longer than 8000 characters.");
        }

        return problems;
    }

    /// <summary>An Admin saves a template: a new version, refused with the reasons when a placeholder is wrong.</summary>
    public async Task<ServiceResult> SaveTemplateAsync(SaveNoticeTemplateRequest request, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(by);
        var key = request.Key?.Trim() ?? "";
        if (!TemplateKey().IsMatch(key))
        {
            return ServiceResult.Fail("The template key is 2–60 lower-case letters, digits and dashes.");
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200)
        {
            return ServiceResult.Fail("The template needs a name (at most 200 characters).");
        }

        var problems = CheckTemplate(request.Subject, request.Body);
        if (problems.Count > 0)
        {
            return ServiceResult.Fail("The template was not saved: " + string.Join(" ", problems));
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await StaffDirectory.IsInAnyRoleAsync(db, by.Id, [Roles.Admin], cancellationToken))
        {
            return ServiceResult.Fail("Only an Admin can edit notice templates.");
        }

        var now = clock.GetUtcNow();
        try
        {
            var saved = await db.InTransactionAsync(
                async ct =>
                {
                    var version = (await db.Set<NoticeTemplateVersion>().Where(t => t.Key == key).MaxAsync(t => (int?)t.Version, ct) ?? 0) + 1;
                    var row = new NoticeTemplateVersion { Key = key, Version = version, Name = request.Name.Trim(), Subject = request.Subject, Body = request.Body, CreatedBy = by.Name, CreatedAt = now };
                    db.Add(row);
                    await db.SaveChangesAsync(ct);
                    await audit.AppendAsync(db, by, new AuditEntry("notice.template.saved", "NoticeTemplate", key, $"Saved version {version} of notice template '{key}'", AfterJson: EnforcementJson.Serialize(new { row.Subject, row.Body })), ct);
                    return row;
                },
                cancellationToken);
            return ServiceResult.Ok($"Saved version {saved.Version} of '{key}'.", saved.Id);
        }
        catch (DbUpdateException)
        {
            return ServiceResult.Fail("Someone saved this template at the same moment; reload and try again.");
        }
    }

    /// <summary>The notices of one organization, oldest first after <paramref name="afterId"/> (the API's cursor).</summary>
    public async Task<IReadOnlyList<NoticeView>> ForOrganizationAsync(long organizationId, long afterId, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<Notice>().AsNoTracking()
            .Where(n => n.OrganizationId == organizationId && n.Id > afterId)
            .OrderBy(n => n.Id)
            .Take(Math.Clamp(take, 1, 500))
            .Select(n => new NoticeView(n.Id, n.Subject, n.Body, n.TemplateKey, n.TemplateVersion, n.RelatedActionId, n.CreatedAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The notice that goes with a sanction (or warning) that just took effect, rendered from the
    /// current template inside the executor's transaction; null with the problems when it cannot be
    /// rendered (the sanction stands either way).
    /// </summary>
    public async Task<(NoticeParameters? Notice, IReadOnlyList<string> Problems)> ComposeForSanctionAsync(AppDbContext db, EnforcementAction sanction, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(sanction);
        var key = sanction.Kind == EnforcementKind.Warn ? DefaultNoticeTemplates.Warning
            : sanction.ExpiresAt is not null ? DefaultNoticeTemplates.TimeBoundedSanction
            : DefaultNoticeTemplates.SanctionApplied;
        var template = (await CurrentTemplatesAsync(db, cancellationToken)).FirstOrDefault(t => t.Key == key);
        if (template is null)
        {
            return (null, [$"No notice template '{key}'."]);
        }

        var values = (Dictionary<string, string?>)await ValuesAsync(db, sanction.OrganizationId, sanction.Id, sanction.PolicyClause, sanction.Note, appealOptions.Value.WindowDays, cancellationToken);
        values["effective_at"] = Format(now);
        if (sanction.RequestGroupId is { } group)
        {
            var groupActions = await db.Set<EnforcementAction>().AsNoTracking().Where(a => a.RequestGroupId == group).OrderBy(a => a.Id).ToListAsync(cancellationToken);
            if (groupActions.Count > 1)
            {
                var labels = (await EnforcementOutboxService.DescribeAsync(db, groupActions, cancellationToken)).Select(d => d.TargetLabel);
                values["target"] = string.Join(", ", labels);
            }
        }

        // Automatic notices must not fail on an optional value: say plainly what is missing.
        values["policy_clause"] = string.IsNullOrWhiteSpace(values.GetValueOrDefault("policy_clause")) ? "our usage policy" : values["policy_clause"];
        values["note"] = string.IsNullOrWhiteSpace(values.GetValueOrDefault("note")) ? "No further details were given." : values["note"];
        var render = Render(template.Subject, template.Body, values);
        return render.Ok
            ? (new NoticeParameters(template.Key, template.Version, Clip(render.Subject, 300), Clip(render.Body, 8000), sanction.Id), [])
            : (null, render.Problems);
    }

    private static async Task<IReadOnlyList<NoticeTemplate>> CurrentTemplatesAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var latest = db.Set<NoticeTemplateVersion>().GroupBy(t => t.Key).Select(g => new { Key = g.Key, Version = g.Max(t => t.Version) });
        var rows = await (from t in db.Set<NoticeTemplateVersion>().AsNoTracking()
                          join l in latest on new { t.Key, t.Version } equals new { l.Key, l.Version }
                          orderby t.Id
                          select t).ToListAsync(cancellationToken);
        return rows.Select(View).ToList();
    }

    private static NoticeTemplate View(NoticeTemplateVersion t) => new(t.Key, t.Version, t.Name, t.Subject, t.Body, t.CreatedBy, t.CreatedAt);

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";

    /// <summary>Fills <paramref name="subject"/> and <paramref name="body"/>; <see cref="NoticeRender.Ok"/> is false with the reasons when any placeholder cannot be filled.</summary>
    public static NoticeRender Render(string subject, string body, IReadOnlyDictionary<string, string?> values)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(values);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(subject))
        {
            problems.Add("The subject is empty.");
        }

        if (string.IsNullOrWhiteSpace(body))
        {
            problems.Add("The body is empty.");
        }

        string Fill(string text, string part)
        {
            var filled = Placeholder().Replace(text, match =>
            {
                var name = match.Groups[1].Value;
                if (!Placeholders.Contains(name))
                {
                    problems.Add($"Unknown placeholder {{{{{name}}}}} in the {part}.");
                    return match.Value;
                }

                if (!values.TryGetValue(name, out var value) || string.IsNullOrWhiteSpace(value))
                {
                    problems.Add($"No value for {{{{{name}}}}} in the {part}.");
                    return match.Value;
                }

                return value;
            });
            // Whatever braces remain after filling are malformed placeholders ({{ name, {{}}, {name}}).
            if (Placeholder().Replace(text, "").Contains("{{", StringComparison.Ordinal) || Placeholder().Replace(text, "").Contains("}}", StringComparison.Ordinal))
            {
                problems.Add($"The {part} has an unclosed or malformed placeholder.");
            }

            return filled;
        }

        var renderedSubject = Fill(subject, "subject");
        var renderedBody = Fill(body, "body");
        return new NoticeRender(problems.Count == 0, renderedSubject, renderedBody, problems.Distinct().ToList());
    }

    /// <summary>The placeholder values for a notice to <paramref name="organizationId"/> about <paramref name="relatedActionId"/>.</summary>
    public async Task<IReadOnlyDictionary<string, string?>> ValuesAsync(long organizationId, long? relatedActionId, string? policyClause, string note, int appealWindowDays, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await ValuesAsync(db, organizationId, relatedActionId, policyClause, note, appealWindowDays, cancellationToken);
    }

    public async Task<NoticeRender> PreviewAsync(SendNoticeRequest request, int appealWindowDays, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = await ValuesAsync(request.OrganizationId, request.RelatedActionId, request.PolicyClause, request.Note, appealWindowDays, cancellationToken);
        return Render(request.Subject, request.Body, values);
    }

    /// <summary>Checks and renders the notice, then requests a SendNotice action for the organization.</summary>
    public async Task<ServiceResult> SendAsync(SendNoticeRequest request, int appealWindowDays, StaffUser by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(by);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await StaffDirectory.IsInAnyRoleAsync(db, by.Id, [Roles.Reviewer, Roles.IncidentResponder, Roles.Lead, Roles.Admin], cancellationToken))
        {
            return ServiceResult.Fail("Your role cannot send notices.");
        }

        var values = await ValuesAsync(db, request.OrganizationId, request.RelatedActionId, request.PolicyClause, request.Note, appealWindowDays, cancellationToken);
        var render = Render(request.Subject, request.Body, values);
        if (!render.Ok)
        {
            return ServiceResult.Fail("The notice was not sent: " + string.Join(" ", render.Problems));
        }

        IReadOnlyList<EnforcementAction> actions = default!;
        await db.InTransactionAsync(
            async ct =>
            {
                actions = await enforcement.RequestAsync(db, new EnforcementRequest(
                    EnforcementKind.SendNotice,
                    EnforcementTargetType.Organization,
                    [request.OrganizationId],
                    EnforcementReason.Manual,
                    request.RelatedActionId?.ToString(CultureInfo.InvariantCulture),
                    request.PolicyClause,
                    request.Note,
                    EnforcementContract.Write(EnforcementKind.SendNotice, new NoticeParameters(request.TemplateKey, request.TemplateVersion, render.Subject, render.Body, request.RelatedActionId))), by, ct);
            },
            cancellationToken);
        return ServiceResult.Ok("Notice queued for delivery.", actions[0].Id);
    }

    private async Task<IReadOnlyDictionary<string, string?>> ValuesAsync(AppDbContext db, long organizationId, long? relatedActionId, string? policyClause, string note, int appealWindowDays, CancellationToken cancellationToken)
    {
        var org = await db.Set<Organization>().AsNoTracking().SingleOrDefaultAsync(o => o.Id == organizationId, cancellationToken);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["organization_name"] = org?.Name,
            ["organization_id"] = org?.ExternalId,
            ["policy_clause"] = policyClause,
            ["note"] = note,
        };
        if (relatedActionId is { } id
            && await db.Set<EnforcementAction>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == id && a.OrganizationId == organizationId, cancellationToken) is { } action)
        {
            var described = (await EnforcementOutboxService.DescribeAsync(db, [action], cancellationToken))[0];
            var effective = action.CompletedAt ?? action.RequestedAt;
            values["action"] = Describe(action.Kind, action.ParametersJson);
            values["target"] = described.TargetLabel;
            values["policy_clause"] = policyClause ?? action.PolicyClause;
            values["effective_at"] = Format(effective);
            values["expires_at"] = action.ExpiresAt is { } expires ? Format(expires) : null;
            if (EnforcementStateMachine.IsSanction(action.Kind))
            {
                values["appeal_reference"] = "SANCTION-" + action.Id.ToString(CultureInfo.InvariantCulture);
                values["appeal_deadline"] = Format(effective.AddDays(appealWindowDays));
            }
        }
        else
        {
            values["effective_at"] = Format(clock.GetUtcNow());
        }

        return values;
    }

    public static string Describe(EnforcementKind kind, string? parametersJson)
    {
        var text = new StringBuilder(kind switch
        {
            EnforcementKind.RevokeKey => "API key revoked",
            EnforcementKind.ReinstateKey => "API key reinstated",
            EnforcementKind.SuspendApplication => "Application suspended",
            EnforcementKind.SuspendOrganization => "Organization suspended",
            EnforcementKind.Reinstate => "Access reinstated",
            EnforcementKind.SetRateLimit => "Rate limit set",
            EnforcementKind.SetQuota => "Monthly token quota set",
            EnforcementKind.RestrictModelAccess => "Model access restricted",
            EnforcementKind.SendNotice => "Notice",
            EnforcementKind.SetLimits => "Limits set",
            EnforcementKind.RestoreLimits => "Previous limits restored",
            EnforcementKind.GrantResearchCredits => "Research credits granted",
            _ => "Warning",
        });
        EnforcementParameters parameters;
        try
        {
            parameters = EnforcementContract.Read(kind, parametersJson);
        }
        catch (ArgumentException)
        {
            return text.ToString();
        }

        switch (parameters)
        {
            case RateLimitParameters l when l.Rpm is not null || l.Tpm is not null:
                text.Append(CultureInfo.InvariantCulture, $" ({Limit(l.Rpm)} requests/min, {Limit(l.Tpm)} tokens/min)");
                break;
            case QuotaParameters { MonthlyTokens: { } q }:
                text.Append(CultureInfo.InvariantCulture, $" ({q:N0} tokens/month)");
                break;
            case ModelAccessParameters { Models: { } m }:
                text.Append(CultureInfo.InvariantCulture, $" (allowed: {string.Join(", ", m)})");
                break;
            case LimitParameters l:
                text.Append(" (").Append(string.Join("; ", DescribeLimits(l.Tier, l.Limits))).Append(')');
                break;
            case ResearchCreditParameters c:
                text.Append(CultureInfo.InvariantCulture, $" ({c.CreditsUsd:N2} USD)");
                break;
            case NoticeParameters n:
                text.Append(": ").Append(n.Subject);
                break;
            default:
                break;
        }

        return text.ToString();
    }

    /// <summary>A limit set in words (notices, the actor page, the action details).</summary>
    public static IReadOnlyList<string> DescribeLimits(string? tier, LimitSet limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var parts = new List<string>();
        if (tier is not null)
        {
            parts.Add(tier);
        }

        parts.Add($"quota {Limit(limits.MonthlyTokenQuota)} tokens/month");
        parts.Add($"{Limit(limits.Rpm)} requests/min");
        parts.Add($"{Limit(limits.Tpm)} tokens/min");
        parts.Add($"max output {Limit(limits.MaxOutputTokens)} tokens");
        parts.Add(limits.AllowedModels is { } models ? "models " + string.Join(", ", models) : "all models");
        parts.Add(limits.PilotEndUserCap is { } cap ? $"pilot cap {cap.ToString("N0", CultureInfo.InvariantCulture)} end users" : "no end-user cap");
        return parts;
    }

    private static string Limit(long? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "unlimited";

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\{\{\s*([a-z_]+)\s*\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,59}$")]
    private static partial Regex TemplateKey();
}
