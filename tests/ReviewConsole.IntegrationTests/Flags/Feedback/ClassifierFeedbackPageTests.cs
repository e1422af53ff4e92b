using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.IntegrationTests.Flags.Ingestion;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Flags.Feedback;

public sealed class ClassifierFeedbackPageTests : IDisposable
{
    private readonly ConsoleAppFactory factory = new();

    private async Task SeedAsync()
    {
        var ingestion = factory.Services.GetRequiredService<FlagIngestionService>();
        var records = Enumerable.Range(0, 3)
            .Select(i => new RawFlagRecord(System.Text.Encoding.UTF8.GetBytes(IntakeRecords.Record($"exp-{i}", $"text {i} {Guid.NewGuid()}").ToJsonString()), "seed"))
            .ToList();
        var result = await ingestion.IngestAsync(FlagSource.Api, records, StaffUser.System, "seed", default);
        await using var db = factory.Database.CreateContext();
        var day = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        foreach (var (record, i) in result.Records.Select((r, i) => (r, i)))
        {
            db.Add(new FlagDecision
            {
                FlagId = record.FlagId!.Value,
                Verdict = i == 2 ? Verdict.NoViolation : Verdict.Violation,
                DecidedBy = "r-1",
                DecidedAt = day.AddDays(i),
                Labels =
                [
                    new DecisionLabel { FlagId = record.FlagId!.Value, Category = "harassment", ClassifierName = "omni-moderation", ClassifierVersion = "2025-06-01", Score = 0.88, Outcome = i == 2 ? LabelOutcome.FalsePositive : LabelOutcome.TruePositive, LabeledAt = day.AddDays(i) },
                ],
            });
        }

        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Get_AsReviewer_ShowsPrecisionWithInterval()
    {
        await SeedAsync();
        using var client = await factory.CreateSignedInAsync(Roles.Reviewer);

        var html = await client.GetStringAsync(new Uri("/flags/classifiers", UriKind.Relative));

        Assert.Contains("Classifier feedback", html, StringComparison.Ordinal);
        Assert.Contains("harassment", html, StringComparison.Ordinal);
        Assert.Contains("67%", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_FilteredByDateAndCategory_StreamsLabeledFlagsAndAudits()
    {
        await SeedAsync();
        using var client = await factory.CreateSignedInAsync(Roles.Lead);

        using var response = await client.GetAsync(new Uri("/flags/classifiers/export?from=2026-11-21&to=2026-11-22&category=harassment&classifier=omni-moderation&version=2025-06-01", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["exp-1", "exp-2"], lines.Select(l => l.GetProperty("upstream_id").GetString()));
        Assert.Equal("false_positive", lines[1].GetProperty("labels")[0].GetProperty("outcome").GetString());
        Assert.Equal(0.88, lines[0].GetProperty("category_scores").GetProperty("harassment").GetDouble());
        Assert.StartsWith("prompt of exp-1", lines[0].GetProperty("prompt").GetString(), StringComparison.Ordinal);
        await using var db = factory.Database.CreateContext();
        var audit = await db.Set<AuditEvent>().SingleAsync(e => e.Kind == "labels.exported");
        Assert.Contains("Exported 2 labeled flag(s)", audit.Summary, StringComparison.Ordinal);
        Assert.Equal("lead@demo.local", audit.ActorName);
    }

    [Fact]
    public async Task Export_BadDate_IsBadRequest()
    {
        using var client = await factory.CreateSignedInAsync(Roles.Reviewer);

        using var response = await client.GetAsync(new Uri("/flags/classifiers/export?from=yesterday", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Export_UseCaseReviewer_IsDenied()
    {
        using var client = await factory.CreateSignedInAsync(Roles.UseCaseReviewer);

        using var response = await client.GetAsync(new Uri("/flags/classifiers/export", UriKind.Relative));

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    public void Dispose() => factory.Dispose();
}
