namespace ReviewConsole.Data.Enforcement;

/// <summary>
/// One version of a notice template. Saving a template adds a version (the highest is current), so
/// every notice names the exact words it was rendered from. Placeholders are checked when a
/// version is saved.
/// </summary>
public class NoticeTemplateVersion
{
    public long Id { get; set; }

    /// <summary>Stable name, e.g. <c>sanction-applied</c>.</summary>
    public required string Key { get; set; }

    public int Version { get; set; }

    public string Name { get; set; } = "";

    public string Subject { get; set; } = "";

    public string Body { get; set; } = "";

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A notice an organization can read (<c>GET /api/v1/notices</c>): written when its SendNotice
/// action takes effect, in the transaction that marks that action Succeeded (once per action).
/// </summary>
public class Notice
{
    public long Id { get; set; }

    public long OrganizationId { get; set; }

    /// <summary>The SendNotice action that delivered it (unique).</summary>
    public long EnforcementActionId { get; set; }

    /// <summary>The sanction or decision the notice is about, when there is one.</summary>
    public long? RelatedActionId { get; set; }

    public string TemplateKey { get; set; } = "";

    public int? TemplateVersion { get; set; }

    public string Subject { get; set; } = "";

    public string Body { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}
