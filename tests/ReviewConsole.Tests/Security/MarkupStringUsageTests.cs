using System.Text.RegularExpressions;

namespace ReviewConsole.Tests.Security;

/// <summary>
/// Untrusted text must never become markup. SafeMarkdown (sanitized staff Markdown) is the one place
/// allowed to create a MarkupString; any other mention in the sources fails the build's tests.
/// </summary>
public sealed partial class MarkupStringUsageTests
{
    private const string SanctionedFile = "src/ReviewConsole/Infrastructure/Web/SafeMarkdown.cs";

    [Fact]
    public void Sources_MarkupStringOutsideSafeMarkdown_None()
    {
        var root = RepositoryRoot();
        var offenders = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (File: Path.GetRelativePath(root, f).Replace('\\', '/'), Text: File.ReadAllText(f)))
            .Where(f => f.File != SanctionedFile && MarkupStringPattern().IsMatch(f.Text))
            .Select(f => f.File)
            .ToList();

        Assert.True(offenders.Count == 0, "MarkupString may only be created by " + SanctionedFile + " (sanitized Markdown); found in: " + string.Join(", ", offenders));
    }

    [Fact]
    public void Sources_SanctionedFile_Exists()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), SanctionedFile));

        Assert.Matches(MarkupStringPattern(), text);
        Assert.Contains("DisableHtml()", text, StringComparison.Ordinal);
        Assert.Contains("Sanitize(", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("var m = (MarkupString)html;")]
    [InlineData("@((MarkupString)Flag.Prompt)")]
    [InlineData("new MarkupString(text)")]
    [InlineData("Microsoft.AspNetCore.Components.MarkupString x = default;")]
    public void Pattern_CatchesEveryForm(string code) => Assert.Matches(MarkupStringPattern(), code);

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ReviewConsole.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("ReviewConsole.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\bMarkupString\b")]
    private static partial Regex MarkupStringPattern();
}
