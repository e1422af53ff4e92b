using System.Text.Json;
using ReviewConsole.Data.Policies;

namespace ReviewConsole.Tests.Policies;

/// <summary>Settings that name policy categories name ones the taxonomy has: a misspelt key is not an
/// error anywhere else, it just silently falls back to the default (a strike weighing 1 instead of 4).</summary>
public sealed class ShippedSettingsTests
{
    [Fact]
    public void StrikeWeights_InAppSettings_NameSeededCategories()
    {
        var path = Path.Combine(RepositoryRoot(), "appsettings.json");
        using var settings = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var weights = settings.RootElement.GetProperty("Enforcement").GetProperty("StrikeWeights");
        var known = PolicyCategorySeed.Categories.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);

        var keys = weights.EnumerateObject().Select(p => p.Name).ToList();

        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.Contains(key, known));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ReviewConsole.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (ReviewConsole.sln) was not found above " + AppContext.BaseDirectory);
    }
}
