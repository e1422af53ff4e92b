using CsvHelper;

namespace ReviewConsole.Infrastructure.Export;

/// <summary>
/// The one CSV writer of every export (statistics, audit, anything added later): CsvHelper in RFC 4180
/// mode with formula-injection protection. A text cell that starts with <c>= + - @</c>, a tab or a CR
/// (OWASP's list) is prefixed with a single quote and quoted, so a spreadsheet shows it as text instead
/// of running it; numbers written as numbers stay numbers (<c>-5</c>). Exported cells carry text that
/// users and attackers typed (reasons, names, category keys), so no export writes CSV any other way.
/// </summary>
public static class CsvExport
{
    public static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        Injection = CsvInjection.Escape,
        CommentPrefix = '#',
        NewLine = "\n",
    };

    /// <summary>A writer on <paramref name="output"/> (UTF-8, no byte order mark); the stream stays open.</summary>
    public static CsvWriter Create(Stream output) => CsvWriter.Create(output, Options, leaveOpen: true);

    /// <summary>A writer on <paramref name="output"/>; the text writer stays open.</summary>
    public static CsvWriter Create(TextWriter output) => CsvWriter.Create(output, Options, leaveOpen: true);

    /// <summary>Writes a whole document in memory (small exports such as statistics).</summary>
    public static string Write(Action<CsvWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        using (var csv = Create(text))
        {
            write(csv);
            csv.Flush();
        }

        return text.ToString();
    }
}
