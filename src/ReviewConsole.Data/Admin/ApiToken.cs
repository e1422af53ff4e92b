namespace ReviewConsole.Data.Admin;

/// <summary>
/// A bearer token for the intake APIs and the platform's key-status reads. Only the SHA-256 of
/// the secret is stored; the secret is shown once when issued.
/// </summary>
public class ApiToken
{
    public long Id { get; set; }

    public required string Name { get; set; }

    /// <summary>The first characters of the token, to recognise it in lists and logs.</summary>
    public required string Prefix { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole token; unique.</summary>
    public required string SecretHash { get; set; }

    /// <summary>Space-separated scopes, e.g. <c>flags:write appeals:write</c>.</summary>
    public required string Scopes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevokedBy { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>For intake tokens issued to an organization (appeals, use cases): whose token it is.</summary>
    public long? OrganizationId { get; set; }
}
