using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Audit;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Statistics;

public sealed class StatisticsExportTests(RoleClients clients) : IClassFixture<RoleClients>
{
    [Fact]
    public async Task ExportCsv_AsLead_ReturnsTheTransparencyCsvAsAFile()
    {
        using var response = await clients[Roles.Lead].GetAsync(new Uri("/statistics/export/csv?from=2026-01-01&to=2026-02-01", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("safety-statistics-2026-01-01-2026-02-01.csv", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n');
        Assert.Equal("# ReviewConsole safety statistics, 2026-01-01T00:00:00Z to 2026-02-01T00:00:00Z; counts from 1 to 9 suppressed, and the counts that would let them be worked out", lines[0]);
        Assert.Equal("section,key,value", lines[1]);
        Assert.Equal("flags,received,0", lines[2]);
    }

    [Fact]
    public async Task Export_EveryFormat_IsAuditedWithWhoAndPeriod()
    {
        foreach (var format in new[] { "csv", "json" })
        {
            using var response = await clients[Roles.Lead].GetAsync(new Uri($"/statistics/export/{format}?from=2025-03-01&to=2025-04-01", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await using var db = clients.Factory.Database.CreateContext();
        var exports = await db.Set<AuditEvent>().Where(e => e.Kind == "statistics.exported" && e.TargetId == "2025-03-01..2025-04-01").ToListAsync();
        Assert.Equal(2, exports.Count);
        Assert.All(exports, e => Assert.NotEqual("system", e.ActorId));
        Assert.Contains(exports, e => e.Summary.EndsWith("as CSV", StringComparison.Ordinal));
        Assert.Contains(exports, e => e.Summary.EndsWith("as JSON", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExportJson_AsAuditor_ReturnsJsonWithSections()
    {
        using var response = await clients[Roles.Auditor].GetAsync(new Uri("/statistics/export/json?from=2026-01-01&to=2026-02-01", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(10, json.RootElement.GetProperty("suppressBelow").GetInt32());
        Assert.True(json.RootElement.GetProperty("sections").TryGetProperty("median-hours", out _));
    }

    [Theory]
    [InlineData("from=2026-02-01&to=2026-01-01")]
    [InlineData("from=yesterday&to=2026-01-01")]
    public async Task Export_BadPeriod_Returns400WithReason(string query)
    {
        using var response = await clients[Roles.Lead].GetAsync(new Uri("/statistics/export/csv?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("period", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(Roles.Reviewer)]
    [InlineData(Roles.IncidentResponder)]
    public async Task Export_OutsideDashboardRoles_IsRefused(string role)
    {
        using var response = await clients[role].GetAsync(new Uri("/statistics/export/csv", UriKind.Relative));

        Assert.True(response.StatusCode is HttpStatusCode.Forbidden || response.Headers.Location?.OriginalString.Contains("AccessDenied", StringComparison.Ordinal) == true, $"got {(int)response.StatusCode}");
    }
}
