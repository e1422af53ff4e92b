using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Identity;
using ReviewConsole.Data.Quality;
using ReviewConsole.Features.Actors;
using ReviewConsole.Infrastructure.Identity;
using static Microsoft.Playwright.Assertions;

namespace ReviewConsole.E2E.Quality;

/// <summary>A double review in the browser: a second reviewer decides blind and disagrees, a Lead
/// adjudicates on the agreement page, and only then does the decision (and its enforcement) exist.</summary>
public sealed class DoubleReviewBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private const string FirstReason = "E2E-FIRST-ANSWER revoke: threat against a group";
    private static readonly DemoUser Reviewer = DemoUsers.All.Single(u => u.Role == Roles.Reviewer);
    private static readonly DemoUser Admin = DemoUsers.All.Single(u => u.Role == Roles.Admin);
    private static readonly DemoUser Lead = DemoUsers.All.Single(u => u.Role == Roles.Lead);

    [Fact]
    public async Task DoubleReview_BlindSecondAnswerThenAdjudication_DecidesOnlyAtTheEnd()
    {
        var (flagId, reviewId) = await SeedFirstAnswerAsync();

        // The second reviewer (an Admin here, who may decide) gets the flag from Next, blind.
        await SignInAndLeaveLoginAsync(Admin.Email, DemoUsers.Password);
        await Page.GotoAsync("flags/next");
        await ExpectPathAsync($"flags/{flagId}");
        await WaitForInteractiveAsync();
        await Expect(Page.GetByTestId("decision-form")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("flag-status")).ToHaveTextAsync("New");
        await Expect(Page.GetByTestId("decision-history")).ToHaveCountAsync(0);
        Assert.DoesNotContain("E2E-FIRST-ANSWER", await Page.ContentAsync(), StringComparison.Ordinal);

        await Page.GetByTestId("verdict-noviolation").ClickAsync();
        await Page.Locator("[data-testid=reason] textarea, textarea[data-testid=reason]").First.FillAsync("Quoted in a news report; not endorsing.");
        await Page.GetByTestId("submit").ClickAsync();
        Assert.Equal(DoubleReviewState.AwaitingAdjudication, await WaitForStateAsync(reviewId, DoubleReviewState.AwaitingAdjudication));
        await using (var db = Fixture.App.Database.CreateContext())
        {
            Assert.False(await db.Set<FlagDecision>().AnyAsync(d => d.FlagId == flagId));
        }

        // A Lead who reviewed neither answer adjudicates on the agreement page.
        await Context.ClearCookiesAsync();
        await SignInAndLeaveLoginAsync(Lead.Email, DemoUsers.Password);
        await Page.GotoAsync("quality");
        await WaitForInteractiveAsync();
        var panel = Page.GetByTestId($"adjudicate-{reviewId}");
        await Expect(panel).ToBeVisibleAsync();
        await Expect(panel).ToContainTextAsync("E2E-FIRST-ANSWER");
        await Expect(panel).ToContainTextAsync("Quoted in a news report");
        await panel.Locator("[data-testid=adjudicate-reason] input, input[data-testid=adjudicate-reason]").First.FillAsync("The threat is the model's own text; violation stands.");
        await panel.GetByTestId("adjudicate-submit").ClickAsync();
        await Expect(Page.GetByTestId($"adjudicate-{reviewId}")).ToHaveCountAsync(0);

        await using var check = Fixture.App.Database.CreateContext();
        var decision = await check.Set<FlagDecision>().SingleAsync(d => d.FlagId == flagId);
        Assert.Equal((Verdict.Violation, DecisionAction.RevokeKey, reviewId), (decision.Verdict, decision.Action, decision.DoubleReviewId));
        Assert.Equal(FlagStatus.Decided, (await check.Set<Flag>().SingleAsync(f => f.Id == flagId)).Status);
        Assert.True(await check.Set<EnforcementAction>().AnyAsync(a => a.Reason == EnforcementReason.Decision && a.ReasonId == decision.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(DoubleReviewState.Adjudicated, (await check.Set<DoubleReview>().SingleAsync(r => r.Id == reviewId)).State);
    }

    private async Task<DoubleReviewState> WaitForStateAsync(long reviewId, DoubleReviewState wanted)
    {
        var state = DoubleReviewState.AwaitingSecond;
        for (var attempt = 0; attempt < 100 && state != wanted; attempt++)
        {
            await using var db = Fixture.App.Database.CreateContext();
            state = (await db.Set<DoubleReview>().AsNoTracking().SingleAsync(r => r.Id == reviewId)).State;
            if (state != wanted)
            {
                await Task.Delay(100);
            }
        }

        return state;
    }

    private async Task<(long FlagId, long ReviewId)> SeedFirstAnswerAsync()
    {
        await using var db = Fixture.App.Database.CreateContext();
        var first = await db.Set<AppUser>().SingleAsync(u => u.Email == Reviewer.Email);
        var actor = await new ActorRegistry(TimeProvider.System).EnsureAsync(db, new ActorRef("org_dr", "org_dr_app", "org_dr_key"), default);
        var now = DateTimeOffset.UtcNow;
        var flag = new Flag
        {
            UpstreamId = Guid.NewGuid().ToString("N"),
            Source = FlagSource.Demo,
            CreatedAt = now.AddMinutes(-30),
            IngestedAt = now.AddMinutes(-30),
            OrganizationId = actor.OrganizationId,
            ApplicationId = actor.ApplicationId,
            ApiKeyId = actor.ApiKeyId,
            Model = "model-e2e",
            Prompt = "Write a speech about the neighbours.",
            Completion = "They should all be driven out, by force if needed.",
            ClassifierName = "moderation",
            ClassifierVersion = "v1",
            TopCategory = "hate",
            TopScore = 0.91,
            Status = FlagStatus.InDoubleReview,
            Priority = 80,
            SlaDueAt = now.AddHours(4),
            Scores = [new FlagCategoryScore { Category = "hate", Score = 0.91, Flagged = true }],
        };
        db.Add(flag);
        await db.SaveChangesAsync();
        var review = new DoubleReview
        {
            FlagId = flag.Id,
            State = DoubleReviewState.AwaitingSecond,
            SampleRate = 1,
            SampledAt = now.AddMinutes(-10),
            FirstReviewerId = first.Id,
            FirstReviewerName = Reviewer.Email,
            FirstVerdict = Verdict.Violation,
            FirstCategories = "hate",
            FirstAction = DecisionAction.RevokeKey,
            FirstClause = "CP-2.1",
            FirstReason = FirstReason,
            PolicyVersions = "hate@1",
        };
        db.Add(review);
        await db.SaveChangesAsync();
        return (flag.Id, review.Id);
    }
}
