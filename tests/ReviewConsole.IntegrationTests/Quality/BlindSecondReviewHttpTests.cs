using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Actors;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Identity;
using ReviewConsole.Data.Quality;
using ReviewConsole.Features.Actors;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Quality;

/// <summary>
/// Blindness over HTTP: while a flag waits for its second review, nothing the second reviewer can
/// request — the triage page they hold, the queue, the actor pages, their own quality page, the
/// classifier export, the agreement export — carries the first answer.
/// </summary>
public sealed class BlindSecondReviewHttpTests(RoleClients clients) : IClassFixture<RoleClients>
{
    private const string Marker = "FIRSTANSWERMARKER";

    [Fact]
    public async Task SecondReviewer_EveryPageAndEndpoint_NeverShowsTheFirstAnswer()
    {
        var (flagId, orgId) = await SeedHeldFirstAnswerAsync();

        string[] paths =
        [
            $"/flags/{flagId}",
            "/flags",
            "/flags/next",
            "/actors",
            $"/actors/org/{orgId}",
            "/quality/me",
            "/flags/classifiers",
            "/flags/classifiers/export",
            "/enforcement",
            "/appeals",
            "/wellness",
        ];
        foreach (var path in paths)
        {
            using var response = await clients[Roles.Reviewer].GetAsync(new Uri(path, UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(Marker, body, StringComparison.Ordinal);
            Assert.DoesNotContain("Lena First", body, StringComparison.Ordinal);
        }

        // The agreement export is for Leads: it counts the waiting review, never shows its answer.
        using var export = await clients[Roles.Lead].GetAsync(new Uri("/quality/export.csv?days=30", UriKind.Relative));
        Assert.True(export.IsSuccessStatusCode, export.StatusCode.ToString());
        Assert.DoesNotContain(Marker, await export.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var forbidden = await clients[Roles.Reviewer].GetAsync(new Uri("/quality/export.csv", UriKind.Relative));
        Assert.False(forbidden.IsSuccessStatusCode);

        // The held page itself renders as an ordinary new flag the reviewer holds.
        using var page = await clients[Roles.Reviewer].GetAsync(new Uri($"/flags/{flagId}", UriKind.Relative));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("decision-form", html, StringComparison.Ordinal);
        Assert.DoesNotContain("InDoubleReview", html, StringComparison.Ordinal);
    }

    /// <summary>A first answer by someone else, held for a second review the demo Reviewer now holds.</summary>
    private async Task<(long FlagId, long OrgId)> SeedHeldFirstAnswerAsync()
    {
        await using var db = clients.Factory.Database.CreateContext();
        var reviewerEmail = DemoUsers.All.Single(u => u.Role == Roles.Reviewer).Email;
        var reviewer = await db.Set<AppUser>().SingleAsync(u => u.Email == reviewerEmail);
        var actor = await new ActorRegistry(TimeProvider.System).EnsureAsync(db, new ActorRef("org_blind", "app_blind", "key_blind"), default);
        var now = DateTimeOffset.UtcNow;
        var flag = new Flag
        {
            UpstreamId = "blind-" + Guid.NewGuid().ToString("N"),
            Source = FlagSource.Demo,
            CreatedAt = now.AddMinutes(-20),
            IngestedAt = now.AddMinutes(-20),
            OrganizationId = actor.OrganizationId,
            ApplicationId = actor.ApplicationId,
            ApiKeyId = actor.ApiKeyId,
            Model = "m",
            Prompt = "p",
            Completion = "c",
            ClassifierName = "moderation",
            ClassifierVersion = "v1",
            TopCategory = "hate",
            TopScore = 0.9,
            Status = FlagStatus.InDoubleReview,
            Priority = 50,
            SlaDueAt = now.AddHours(4),
            LeaseOwner = reviewer.Id,
            LeaseExpiresAt = now.AddMinutes(10),
            Scores = [new FlagCategoryScore { Category = "hate", Score = 0.9, Flagged = true }],
        };
        db.Add(flag);
        await db.SaveChangesAsync();
        db.Add(new DoubleReview
        {
            FlagId = flag.Id,
            State = DoubleReviewState.AwaitingSecond,
            SampleRate = 1,
            SampledAt = now.AddMinutes(-5),
            FirstReviewerId = "someone-else",
            FirstReviewerName = "Lena First",
            FirstVerdict = Verdict.Violation,
            FirstCategories = "hate",
            FirstAction = DecisionAction.RevokeKey,
            FirstClause = "CP-2.1",
            FirstReason = Marker + " threat against a group",
            PolicyVersions = "hate@1",
        });
        await db.SaveChangesAsync();
        return (flag.Id, actor.OrganizationId);
    }
}
