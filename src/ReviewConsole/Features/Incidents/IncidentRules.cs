using System.Globalization;
using ReviewConsole.Data.Incidents;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Features.Incidents;

/// <summary>A refused incident change, with a message meant for the person who tried it.</summary>
public sealed class IncidentRuleException(string message) : InvalidOperationException(message);

/// <summary>The workflow's written rules: severity definitions, allowed transitions, timestamp order.</summary>
public static class IncidentRules
{
    /// <summary>Roles that may change incidents; Auditors read only.</summary>
    public static readonly IReadOnlyList<string> EditorRoles = [Roles.IncidentResponder, Roles.Lead, Roles.Admin];

    public static string Definition(Severity severity) => severity switch
    {
        Severity.Sev1 => "SEV1 — critical: ongoing severe real-world harm or illegal content (e.g. sexual content involving minors, a large coordinated operation live on the platform). All hands now; Lead and communications engaged within 15 minutes.",
        Severity.Sev2 => "SEV2 — major: significant misuse at scale or by a high-profile organization, harm likely but contained to a product area. A commander within 1 hour; updates at least hourly.",
        Severity.Sev3 => "SEV3 — moderate: limited misuse by a few actors, no evidence of wide harm. Handled during working hours.",
        Severity.Sev4 => "SEV4 — minor: a near-miss or a weakness found before misuse; tracked to fix.",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, null),
    };

    public static string Label(Severity severity) => "SEV" + ((int)severity).ToString(CultureInfo.InvariantCulture);

    public static string Label(MisuseType type) => type switch
    {
        MisuseType.InfluenceOperation => "Influence operation",
        MisuseType.SpamDeceptiveHealthClaims => "Spam / deceptive health claims",
        MisuseType.HatefulRolePlay => "Hateful role-play",
        MisuseType.Malware => "Malware",
        MisuseType.SexualContentInvolvingMinors => "Sexual content involving minors",
        MisuseType.SelfHarm => "Self-harm",
        MisuseType.Other => "Other",
        _ => type.ToString(),
    };

    public static string Label(DetectionSource source) => source switch
    {
        DetectionSource.ExternalReport => "External report",
        _ => source.ToString(),
    };

    public static string Label(HarmLevel level) => level == HarmLevel.NearMiss ? "Near-miss" : level.ToString();

    public static string Label(Reversibility reversibility) => reversibility == Reversibility.PartiallyReversible ? "Partially reversible" : reversibility.ToString();

    /// <summary>SEV1 and SEV2 need an approved retrospective before they close, and are reminded when stale.</summary>
    public static bool IsMajor(Severity severity) => severity is Severity.Sev1 or Severity.Sev2;

    /// <summary>The one next status from each status; the workflow does not skip or go back.</summary>
    public static IncidentStatus? Next(IncidentStatus status) => status switch
    {
        IncidentStatus.Detected => IncidentStatus.Acknowledged,
        IncidentStatus.Acknowledged => IncidentStatus.Mitigated,
        IncidentStatus.Mitigated => IncidentStatus.Resolved,
        IncidentStatus.Resolved => IncidentStatus.Closed,
        _ => null,
    };

    public static void EnsureTransition(IncidentStatus from, IncidentStatus to)
    {
        if (Next(from) != to)
        {
            var next = Next(from);
            throw new IncidentRuleException(next is null
                ? $"The incident is {from}; it cannot move to {to}."
                : $"The incident is {from}; it can only move to {next} next, not {to}.");
        }
    }

    /// <summary>The workflow timestamps in order; null ones are skipped. Returns the first violation, or null.</summary>
    public static string? CheckOrder(
        DateTimeOffset? abuseStarted,
        DateTimeOffset detected,
        DateTimeOffset? acknowledged,
        DateTimeOffset? mitigated,
        DateTimeOffset? resolved,
        DateTimeOffset? retrospectiveDone,
        DateTimeOffset now)
    {
        var steps = new (string Name, DateTimeOffset? At)[]
        {
            ("Abuse started", abuseStarted),
            ("Detected", detected),
            ("Acknowledged", acknowledged),
            ("Mitigated", mitigated),
            ("Resolved", resolved),
            ("Retrospective done", retrospectiveDone),
        };
        (string Name, DateTimeOffset At)? previous = null;
        foreach (var (name, at) in steps)
        {
            if (at is not { } value)
            {
                continue;
            }

            // A minute of slack for clocks between browser and server.
            if (value > now.AddMinutes(1))
            {
                return $"{name} ({Format(value)}) is in the future.";
            }

            if (previous is { } p && value < p.At)
            {
                return $"{name} ({Format(value)}) cannot be before {p.Name.ToLowerInvariant()} ({Format(p.At)}).";
            }

            previous = (name, value);
        }

        return null;
    }

    public static void EnsureOrder(Incident incident, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var error = CheckOrder(incident.AbuseStartedAt, incident.DetectedAt, incident.AcknowledgedAt, incident.MitigatedAt, incident.ResolvedAt, incident.RetrospectiveDoneAt, now);
        if (error is not null)
        {
            throw new IncidentRuleException(error);
        }
    }

    public static IncidentMetrics Metrics(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return new IncidentMetrics(
            incident.AcknowledgedAt - incident.DetectedAt,
            incident.MitigatedAt - incident.DetectedAt,
            incident.ResolvedAt - incident.DetectedAt);
    }

    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Format(TimeSpan? span)
    {
        if (span is not { } s)
        {
            return "—";
        }

        return s.TotalDays >= 1 ? $"{(int)s.TotalDays}d {s.Hours}h"
            : s.TotalHours >= 1 ? $"{(int)s.TotalHours}h {s.Minutes}m"
            : $"{(int)s.TotalMinutes}m";
    }
}

/// <summary>Time to acknowledge (MTTA for one incident), to mitigate and to resolve, from detection.</summary>
public sealed record IncidentMetrics(TimeSpan? TimeToAcknowledge, TimeSpan? TimeToMitigate, TimeSpan? TimeToResolve);
