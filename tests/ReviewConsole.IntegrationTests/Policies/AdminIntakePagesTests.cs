using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

// Not "...Policies": that namespace would shadow the Policies class for every test under ReviewConsole.IntegrationTests.
namespace ReviewConsole.IntegrationTests.PolicyCategories;

public sealed class AdminIntakePagesTests : IDisposable
{
    private readonly ConsoleAppFactory factory = new();

    [Fact]
    public async Task IngestionErrors_AsAdmin_ListsRejectsWithCountsAndPayloadAsText()
    {
        var ingestion = factory.Services.GetRequiredService<FlagIngestionService>();
        await ingestion.IngestAsync(
            FlagSource.FileDrop,
            [new RawFlagRecord("{\"id\":\"x1\",\"prompt\":\"<script>alert(1)</script>\"}"u8.ToArray(), "file a.jsonl line 1")],
            StaffUser.System,
            "t",
            default);
        using var client = await factory.CreateSignedInAsync(Roles.Admin);

        var html = await client.GetStringAsync(new Uri("/admin/ingestion-errors", UriKind.Relative));

        Assert.Contains("Ingestion errors", html, StringComparison.Ordinal);
        Assert.Contains("missing_field", html, StringComparison.Ordinal);
        Assert.Contains("file a.jsonl line 1", html, StringComparison.Ordinal);
        Assert.Contains("1 error(s)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policies_AsAdmin_ListsTheTaxonomy()
    {
        using var client = await factory.CreateSignedInAsync(Roles.Admin);

        var html = await client.GetStringAsync(new Uri("/admin/policies", UriKind.Relative));

        Assert.Contains("Policy categories", html, StringComparison.Ordinal);
        Assert.Contains("self-harm/intent", html, StringComparison.Ordinal);
        Assert.Contains("CP-3.2", html, StringComparison.Ordinal);
        Assert.Contains("MU-1.1", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/admin/ingestion-errors")]
    [InlineData("/admin/policies")]
    public async Task AdminPages_AsReviewer_AreDenied(string path)
    {
        using var client = await factory.CreateSignedInAsync(Roles.Reviewer);

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    public void Dispose() => factory.Dispose();
}
