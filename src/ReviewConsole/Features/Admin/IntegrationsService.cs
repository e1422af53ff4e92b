using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data;
using ReviewConsole.Data.Flags;

namespace ReviewConsole.Features.Admin;

public sealed record ConfigSetting(string Key, string Value, bool Masked);

public sealed record ConfigSection(string Name, string Title, IReadOnlyList<ConfigSetting> Settings);

public sealed record FeedHealth(string Name, string? Cursor, DateTimeOffset UpdatedAt, DateTimeOffset? LastSuccessAt, string? LastError, TimeSpan? Lag);

public sealed record IntakeHealth(int ErrorsLast24Hours, DateTimeOffset? LastErrorAt, DateTimeOffset? LastFlagIngestedAt);

public sealed record IntegrationsSnapshot(IReadOnlyList<ConfigSection> Sections, IReadOnlyList<FeedHealth> Feeds, IntakeHealth Intake, DateTimeOffset CheckedAt);

/// <summary>
/// The integrations' settings (read-only, secrets masked) and health. Settings are read as plain
/// configuration values so this page does not depend on the features' option classes.
/// </summary>
public sealed class IntegrationsService(IConfiguration configuration, IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    private static readonly (string Name, string Title)[] Sections =
    [
        ("Feed", "Flag feed (pull)"),
        ("FileDrop", "JSONL file drop"),
        ("Platform", "Platform / enforcement gateway"),
        ("Database", "Database"),
        ("ConnectionStrings", "Connection strings"),
    ];

    /// <summary>Parts of a key that mark its value as a secret.</summary>
    private static readonly string[] SecretMarkers = ["secret", "password", "pwd", "token", "apikey", "api_key", "credential", "privatekey", "connectionstring"];

    public async Task<IntegrationsSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        var sections = Sections.Select(s => new ConfigSection(s.Name, s.Title, Flatten(configuration.GetSection(s.Name)))).ToList();
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var cursors = await db.Set<FeedCursor>().AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);
        var feeds = cursors.Select(c => new FeedHealth(c.Name, c.Cursor, c.UpdatedAt, c.LastSuccessAt, c.LastError, c.LastSuccessAt is { } at ? now - at : null)).ToList();
        var since = now.AddHours(-24);
        var errors = await db.Set<IngestionError>().CountAsync(e => e.ReceivedAt >= since, cancellationToken);
        var lastError = await db.Set<IngestionError>().OrderByDescending(e => e.ReceivedAt).Select(e => (DateTimeOffset?)e.ReceivedAt).FirstOrDefaultAsync(cancellationToken);
        var lastFlag = await db.Set<Flag>().OrderByDescending(f => f.IngestedAt).Select(f => (DateTimeOffset?)f.IngestedAt).FirstOrDefaultAsync(cancellationToken);
        return new IntegrationsSnapshot(sections, feeds, new IntakeHealth(errors, lastError, lastFlag), now);
    }

    public static IReadOnlyList<ConfigSetting> Flatten(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var settings = new List<ConfigSetting>();
        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true).OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (value is null)
            {
                continue;
            }

            var fullKey = section.Path + ":" + key;
            var secret = IsSecret(fullKey);
            settings.Add(new ConfigSetting(fullKey, secret ? Mask(value) : StripUserInfo(value), secret));
        }

        return settings;
    }

    public static bool IsSecret(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var normalized = key.Replace(":", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        return key.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase)
            || SecretMarkers.Any(m => normalized.Contains(m.Replace("_", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));
    }

    private static string Mask(string value) => value.Length == 0 ? "(not set)" : "•••••• (set)";

    /// <summary>A URL may carry credentials (https://user:pass@host); show it without them.</summary>
    private static string StripUserInfo(string value)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.UserInfo))
        {
            return new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString() + " (credentials hidden)";
        }

        return value.Length == 0 ? "(empty)" : value;
    }
}
