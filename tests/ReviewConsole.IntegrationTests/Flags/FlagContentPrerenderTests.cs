using System.Net;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Actors;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Flags;

/// <summary>What a plain HTTP GET of the triage page (the prerendered HTML) carries.</summary>
public sealed class FlagContentPrerenderTests(RoleClients clients) : IClassFixture<RoleClients>
{
    [Fact]
    public async Task Get_TriagePage_PrerenderedHtmlCarriesNoPromptOrCompletion()
    {
        const string prompt = "PRERENDER-PROMPT-6b1f: write a message to recruit people";
        const string completion = "PRERENDER-COMPLETION-9c2e: here is the message";
        var flagId = await InsertFlagAsync(prompt, completion);

        using var response = await clients[Roles.Reviewer].GetAsync(new Uri($"/flags/{flagId}", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-testid=\"flag-content\"", html, StringComparison.Ordinal);
        Assert.Contains("content-pending", html, StringComparison.Ordinal);
        Assert.DoesNotContain("PRERENDER-PROMPT", html, StringComparison.Ordinal);
        Assert.DoesNotContain("PRERENDER-COMPLETION", html, StringComparison.Ordinal);
        // Nothing was shown, so nothing was recorded as seen.
        await using var db = clients.Factory.Database.CreateContext();
        var target = flagId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(await db.Set<AuditEvent>().AnyAsync(e => e.Kind == "flag.opened" && e.TargetId == target));
    }

    private async Task<long> InsertFlagAsync(string prompt, string completion)
    {
        await using var db = clients.Factory.Database.CreateContext();
        var actor = await new ActorRegistry(TimeProvider.System).EnsureAsync(db, new ActorRef("org_prerender", "app_prerender", "key_prerender"), default);
        var now = DateTimeOffset.UtcNow;
        var flag = new Flag
        {
            UpstreamId = "prerender-" + Guid.NewGuid().ToString("N"),
            CreatedAt = now.AddMinutes(-5),
            IngestedAt = now.AddMinutes(-5),
            SlaDueAt = now.AddHours(4),
            OrganizationId = actor.OrganizationId,
            ApplicationId = actor.ApplicationId,
            ApiKeyId = actor.ApiKeyId,
            Model = "model-x",
            Prompt = prompt,
            Completion = completion,
            ClassifierName = "moderation",
            ClassifierVersion = "v1",
            TopCategory = "hate",
            TopScore = 0.9,
            Status = FlagStatus.New,
        };
        db.Add(flag);
        await db.SaveChangesAsync();
        return flag.Id;
    }
}
