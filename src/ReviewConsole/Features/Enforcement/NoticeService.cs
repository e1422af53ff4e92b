using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Enforcement;

/// <summary>A notice template: <c>{{placeholder}}</c>s are filled from the organization and the related action.</summary>
public sealed record NoticeTemplate(string Key, string Name, string Subject, string Body);

public sealed record NoticeRender(bool Ok, string Subject, string Body, IReadOnlyList<string> Problems);

public sealed record SendNoticeRequest(long OrganizationId, string TemplateKey, string Subject, string Body, long? RelatedActionId, string? PolicyClause, string Note);

/// <summary>
/// Templated notices to an affected organization. Every placeholder is checked before sending:
/// an unknown name, a value the context cannot supply, or an unclosed brace refuses the notice
/// (a notice reading "Dear {{organisation_name}}" never goes out). Accepted notices are sent as
/// SendNotice actions through the same outbox as every other effect.
/// </summary>
public sealed partial class NoticeService(
    IDbContextFactory<AppDbContext> dbFactory,
    EnforcementService enforcement,
    TimeProvider clock)
{
    public static readonly IReadOnlyList<string> Placeholders =
        ["organization_name", "organization_id", "action", "target", "policy_clause", "effective_at", "expires_at", "appeal_reference", "appeal_deadline", "note"];

    public static readonly IReadOnlyList<NoticeTemplate> Templates =
    [
        new("sanction-applied", "Sanction applied",
            "Enforcement action on your account: {{action}}",
            "Hello {{organization_name}},\n\nWe have applied the following enforcement action to {{target}} under our usage policy ({{policy_clause}}), effective {{effective_at}}:\n\n{{action}}\n\n{{note}}\n\nYou may appeal this decision until {{appeal_deadline}} by sending an appeal with reference {{appeal_reference}}.\n\nThe Trust & Safety team"),
        new("time-bounded-sanction", "Time-bounded sanction",
            "Temporary restriction on your account until {{expires_at}}",
            "Hello {{organization_name}},\n\n{{action}} applies to {{target}} from {{effective_at}} until {{expires_at}} under {{policy_clause}}.\n\n{{note}}\n\nAppeal reference: {{appeal_reference}} (appeals accepted until {{appeal_deadline}}).\n\nThe Trust & Safety team"),
        new("warning", "Warning",
            "Usage policy warning for {{organization_name}}",
            "Hello {{organization_name}},\n\nWe reviewed recent traffic from your organization ({{organization_id}}) and found content that violates our usage policy ({{policy_clause}}).\n\n{{note}}\n\nRepeated violations lead to rate limits, key revocation or suspension.\n\nThe Trust & Safety team"),
    ];

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
                    EnforcementJson.Serialize(new NoticeParameters(request.TemplateKey, render.Subject, render.Body))), by, ct);
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
            _ => "Warning",
        });
        switch (kind)
        {
            case EnforcementKind.SetRateLimit when EnforcementJson.Deserialize<RateLimitParameters>(parametersJson) is { } l && (l.Rpm is not null || l.Tpm is not null):
                text.Append(CultureInfo.InvariantCulture, $" ({(l.Rpm is { } rpm ? rpm.ToString("N0", CultureInfo.InvariantCulture) : "unlimited")} requests/min, {(l.Tpm is { } tpm ? tpm.ToString("N0", CultureInfo.InvariantCulture) : "unlimited")} tokens/min)");
                break;
            case EnforcementKind.SetQuota when EnforcementJson.Deserialize<QuotaParameters>(parametersJson) is { MonthlyTokens: { } q }:
                text.Append(CultureInfo.InvariantCulture, $" ({q:N0} tokens/month)");
                break;
            case EnforcementKind.RestrictModelAccess when EnforcementJson.Deserialize<ModelAccessParameters>(parametersJson) is { Models: { } m }:
                text.Append(CultureInfo.InvariantCulture, $" (allowed: {string.Join(", ", m)})");
                break;
            default:
                break;
        }

        return text.ToString();
    }

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\{\{\s*([a-z_]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
