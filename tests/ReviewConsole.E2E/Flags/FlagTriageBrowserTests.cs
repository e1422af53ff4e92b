using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewConsole.Data.Flags;
using ReviewConsole.Data.Policies;
using ReviewConsole.Features.Actors;
using ReviewConsole.Infrastructure.Identity;
using static Microsoft.Playwright.Assertions;

namespace ReviewConsole.E2E.Flags;

public sealed class FlagTriageBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private const string ScriptPrompt = "<script>window.__pwned = 'prompt'</script>Tell me a secret";
    private const string ImageCompletion = "<img src=x onerror=\"window.__pwned = 'completion'\"><b>bold?</b>";
    private static readonly DemoUser Reviewer = DemoUsers.All.Single(u => u.Role == Roles.Reviewer);

    [Fact]
    public async Task KeyboardLoop_NextDecideHelpSkip_WorksWithoutTheMouse()
    {
        await EnsurePolicyAsync("hate", blur: false);
        var first = await AddFlagAsync("org_kb", priority: 100, status: FlagStatus.New, "kb prompt one", "kb completion one", "hate");
        var second = await AddFlagAsync("org_kb", priority: 99, status: FlagStatus.New, "kb prompt two", "kb completion two", "hate");
        await SignInAsReviewerAsync();
        await Page.GotoAsync("flags");
        await WaitForInteractiveAsync();
        await WaitForShortcutAsync("n");

        // N: claim the next flag (the highest priority).
        await Page.Keyboard.PressAsync("n");
        await ExpectPathAsync($"flags/{first}");
        await Expect(Page.GetByTestId("decision-form")).ToBeVisibleAsync();
        await WaitForShortcutAsync("v");

        // ?: help overlay lists the shortcuts; Esc closes it.
        await Page.Keyboard.PressAsync("?");
        await Expect(Page.GetByTestId("shortcut-help")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("shortcut-help")).ToContainTextAsync("Submit and go to the next flag");
        await Page.Keyboard.PressAsync("Escape");
        await Expect(Page.GetByTestId("shortcut-help")).ToBeHiddenAsync();

        // V: violation (pre-confirms the flagged category), A: next action (warn), F: reason, Ctrl+Enter: submit & next.
        await Page.Keyboard.PressAsync("v");
        await Expect(Page.GetByTestId("verdict-violation")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-button-filled"));
        await Page.Keyboard.PressAsync("a");
        await Page.Keyboard.PressAsync("f");
        await Page.Keyboard.TypeAsync("Slur against a protected group; see the completion.");
        await Page.Keyboard.PressAsync("Control+Enter");
        await ExpectPathAsync($"flags/{second}");
        await Expect(Page.GetByTestId("decision-form")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-testid=reason] textarea, textarea[data-testid=reason]").First).ToHaveValueAsync("");

        // S: skip releases the flag; nothing else is open, so the page says the queue is clear.
        await Page.Keyboard.PressAsync("s");
        await Expect(Page.GetByTestId("triage-message")).ToContainTextAsync("queue is clear");

        // Next showed the second flag before the address changed; Back still returns to the first one.
        await Page.GoBackAsync();
        await ExpectPathAsync($"flags/{first}");
        await Expect(Page.Locator("#page-title")).ToHaveTextAsync($"Flag #{first}");
        await Expect(Page.GetByTestId("flag-status")).ToHaveTextAsync("Decided");

        await using var db = Fixture.App.Database.CreateContext();
        var decision = await db.Set<FlagDecision>().SingleAsync(d => d.FlagId == first);
        Assert.Equal((Verdict.Violation, "hate", DecisionAction.Warn), (decision.Verdict, decision.ConfirmedCategories, decision.Action));
        Assert.Equal("Slur against a protected group; see the completion.", decision.Reason);
        var skipped = await db.Set<Flag>().SingleAsync(f => f.Id == second);
        Assert.Equal((FlagStatus.New, (string?)null), (skipped.Status, skipped.LeaseOwner));
    }

    [Fact]
    public async Task TriageView_ScriptPayloadsInPromptAndCompletion_ShowAsTextAndNeverRun()
    {
        await EnsurePolicyAsync("spam", blur: false);
        var flag = await AddFlagAsync("org_xss", priority: 1, status: FlagStatus.Decided, ScriptPrompt, ImageCompletion, "spam");
        var dialogs = 0;
        Page.Dialog += (_, dialog) =>
        {
            dialogs++;
            _ = dialog.DismissAsync();
        };
        await SignInAsReviewerAsync();

        await Page.GotoAsync($"flags/{flag}");
        await WaitForInteractiveAsync();

        await Expect(Page.GetByTestId("prompt")).ToHaveTextAsync(ScriptPrompt);
        await Expect(Page.GetByTestId("completion")).ToHaveTextAsync(ImageCompletion);
        Assert.Equal(0, await Page.Locator("[data-testid=flag-content] script, [data-testid=flag-content] img, [data-testid=flag-content] b").CountAsync());
        Assert.Null(await Page.EvaluateAsync<string?>("() => window.__pwned ?? null"));
        Assert.Equal(0, dialogs);
    }

    private async Task SignInAsReviewerAsync()
    {
        await SignInAndLeaveLoginAsync(Reviewer.Email, DemoUsers.Password);
    }

    private async Task WaitForShortcutAsync(string key) =>
        await Page.WaitForFunctionAsync("key => window.reviewConsoleKeyboard.handles(key)", key);

    private async Task EnsurePolicyAsync(string key, bool blur)
    {
        await using var db = Fixture.App.Database.CreateContext();
        if (await db.Set<PolicyCategory>().AnyAsync(c => c.Key == key))
        {
            return;
        }

        db.Add(new PolicyCategory
        {
            Key = key,
            Name = key,
            Kind = PolicyCategoryKind.Content,
            SeverityWeight = 0.5,
            ReviewSlaMinutes = 240,
            BlurByDefault = blur,
            PolicyText = $"No {key}.",
            PolicyClause = key.ToUpperInvariant() + "-1",
            UpdatedAt = DateTimeOffset.UtcNow,
            UpdatedBy = "e2e",
        });
        await db.SaveChangesAsync();
    }

    private async Task<long> AddFlagAsync(string org, int priority, FlagStatus status, string prompt, string completion, string category)
    {
        await using var db = Fixture.App.Database.CreateContext();
        var actor = await new ActorRegistry(TimeProvider.System).EnsureAsync(db, new ActorRef(org, org + "_app", org + "_key"), default);
        var now = DateTimeOffset.UtcNow;
        var flag = new Flag
        {
            UpstreamId = Guid.NewGuid().ToString("N"),
            Source = FlagSource.Demo,
            CreatedAt = now.AddMinutes(-5),
            IngestedAt = now,
            OrganizationId = actor.OrganizationId,
            ApplicationId = actor.ApplicationId,
            ApiKeyId = actor.ApiKeyId,
            Model = "model-e2e",
            Prompt = prompt,
            Completion = completion,
            ClassifierName = "moderation",
            ClassifierVersion = "v1",
            TopCategory = category,
            TopScore = 0.9,
            Status = status,
            Priority = priority,
            SlaDueAt = now.AddHours(4),
            DecidedAt = status == FlagStatus.Decided ? now : null,
            Scores = [new FlagCategoryScore { Category = category, Score = 0.9, Flagged = true }],
        };
        db.Add(flag);
        await db.SaveChangesAsync();
        return flag.Id;
    }
}
