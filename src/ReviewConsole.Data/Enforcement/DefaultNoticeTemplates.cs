namespace ReviewConsole.Data.Enforcement;

/// <summary>The first version of each notice template, seeded by the migration; Admins edit them
/// from there (each save adds a version).</summary>
public static class DefaultNoticeTemplates
{
    public const string SanctionApplied = "sanction-applied";
    public const string TimeBoundedSanction = "time-bounded-sanction";
    public const string Warning = "warning";

    public static readonly IReadOnlyList<NoticeTemplateVersion> All =
    [
        new()
        {
            Id = 1,
            Key = SanctionApplied,
            Version = 1,
            Name = "Sanction applied",
            Subject = "Enforcement action on your account: {{action}}",
            Body = "Hello {{organization_name}},\n\nWe have applied the following enforcement action to {{target}} under our usage policy ({{policy_clause}}), effective {{effective_at}}:\n\n{{action}}\n\n{{note}}\n\nYou may appeal this decision until {{appeal_deadline}} by sending an appeal with reference {{appeal_reference}}.\n\nThe Trust & Safety team",
            CreatedBy = "seed",
            CreatedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        },
        new()
        {
            Id = 2,
            Key = TimeBoundedSanction,
            Version = 1,
            Name = "Time-bounded sanction",
            Subject = "Temporary restriction on your account until {{expires_at}}",
            Body = "Hello {{organization_name}},\n\n{{action}} applies to {{target}} from {{effective_at}} until {{expires_at}} under {{policy_clause}}.\n\n{{note}}\n\nAppeal reference: {{appeal_reference}} (appeals accepted until {{appeal_deadline}}).\n\nThe Trust & Safety team",
            CreatedBy = "seed",
            CreatedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        },
        new()
        {
            Id = 3,
            Key = Warning,
            Version = 1,
            Name = "Warning",
            Subject = "Usage policy warning for {{organization_name}}",
            Body = "Hello {{organization_name}},\n\nWe reviewed recent traffic from your organization ({{organization_id}}) and found content that violates our usage policy ({{policy_clause}}).\n\n{{note}}\n\nRepeated violations lead to rate limits, key revocation or suspension.\n\nThe Trust & Safety team",
            CreatedBy = "seed",
            CreatedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        },
    ];
}
