using System.Globalization;

namespace ReviewConsole.Features.Incidents;

/// <summary>Times typed as "yyyy-MM-dd HH:mm" in UTC: unambiguous for a team across time zones, and keyboard friendly.</summary>
public static class UtcInput
{
    public const string Format = "yyyy-MM-dd HH:mm";

    /// <summary>Blank is null; otherwise the UTC time, or an error naming the field.</summary>
    public static bool TryParse(string? text, string field, out DateTimeOffset? value, out string? error)
    {
        value = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (DateTime.TryParseExact(text.Trim(), [Format, "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            value = new DateTimeOffset(parsed, TimeSpan.Zero);
            return true;
        }

        error = $"{field}: write the time as {Format} (UTC).";
        return false;
    }

    public static string Show(DateTimeOffset? at) => at is { } value ? value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture) : "";
}
