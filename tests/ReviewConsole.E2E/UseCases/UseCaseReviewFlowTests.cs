using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReviewConsole.Data;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Data.UseCases;
using ReviewConsole.Features.Actors;
using ReviewConsole.Features.Admin;
using ReviewConsole.Infrastructure.Api;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.E2E.UseCases;

/// <summary>The use-case review flow in a real browser, with the developer's side through the intake API.</summary>
public sealed class UseCaseReviewFlowTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private static readonly string Screenshots = Path.Combine(Path.GetTempPath(), "reviewconsole-e2e");

    [Fact]
    public async Task SubmitRequestChangesResubmitApproveWithConditions_EndsWithLimitsInTheOutbox()
    {
        var services = Fixture.App.Services;
        var dbFactory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        long orgId;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            orgId = await services.GetRequiredService<ActorRegistry>().EnsureOrganizationAsync(db, "org_e2e_tutor", default);
        }

        var token = await services.GetRequiredService<ApiTokenService>().IssueAsync(
            new IssueTokenRequest("E2E tutor org", [ApiScopes.UseCasesWrite], null, orgId), StaffUser.System, default);
        using var api = new HttpClient { BaseAddress = Fixture.BaseUrl };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Secret);

        // The developer submits through the intake API, without a reporting channel.
        var submission = Submission(["content_filter", "end_user_rate_limits"], responseNote: null);
        var created = await api.PostAsJsonAsync("/api/v1/use-cases", submission);
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        // A use-case reviewer claims it, sees the missing safeguard and requests changes.
        await SignInAsync("usecases@demo.local", DemoUsers.Password);
        var page = Page;
        await page.GotoAsync($"use-cases/{id}");
        await WaitForInteractiveAsync();
        await Assertions.Expect(page.Locator("[data-testid=checklist] [data-testid=missing]")).ToContainTextAsync("Reporting channel");
        await Assertions.Expect(page.Locator("[data-testid=content]")).ToContainTextAsync("<b>not bold</b>");
        await page.Locator("[data-testid=claim-button]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=decision-panel]")).ToBeVisibleAsync();
        await page.GetByText("Request changes", new() { Exact = true }).First.ClickAsync();
        var questions = page.GetByLabel("Questions for the developer (one per line)");
        await questions.FillAsync("How can a pupil or parent report a harmful answer?");
        await page.Locator("[data-testid=decide]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=state]")).ToHaveTextAsync("Changes requested");
        await ScreenshotAsync(page, "usecase-changes-requested");

        // The developer reads the questions and resubmits with a reporting channel.
        var status = await api.GetFromJsonAsync<JsonElement>($"/api/v1/use-cases/{id}");
        Assert.Equal("ChangesRequested", status.GetProperty("state").GetString());
        Assert.Contains("report a harmful answer", status.GetProperty("latestDecision").GetProperty("questions")[0].GetString(), StringComparison.Ordinal);
        var resubmitted = await api.PutAsJsonAsync($"/api/v1/use-cases/{id}", Submission(["content_filter", "end_user_rate_limits", "reporting_channel"], "Every answer has a 'report' button that reaches our trust team."));
        Assert.Equal(System.Net.HttpStatusCode.OK, resubmitted.StatusCode);

        // The reviewer sees the diff and approves with conditions.
        await page.GotoAsync($"use-cases/{id}");
        await WaitForInteractiveAsync();
        await Assertions.Expect(page.Locator("[data-testid=diff-2]")).ToContainTextAsync("Reporting channel");
        await page.Locator("[data-testid=claim-button]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=decision-panel]")).ToBeVisibleAsync();
        await page.GetByText("Approve with conditions", new() { Exact = true }).First.ClickAsync();
        await page.GetByLabel("Max output tokens").FillAsync("800");
        await page.GetByLabel("Note to the developer (optional)").FillAsync("Approved for the pilot; we will review again after the exam season.");
        await ScreenshotAsync(page, "usecase-decision-panel");
        await page.Locator("[data-testid=decide]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=state]")).ToHaveTextAsync("Approved with conditions");
        await Assertions.Expect(page.Locator("[data-testid=conditions]")).ToContainTextAsync("Max output tokens per request: 800");
        await ScreenshotAsync(page, "usecase-approved");

        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var reasonId = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var kinds = await db.Set<EnforcementAction>().Where(a => a.Reason == EnforcementReason.UseCase && a.ReasonId == reasonId)
                .Select(a => a.Kind).ToListAsync();
            // The conditions (quota and rate limits) are one SetLimits action under the one parameter contract.
            Assert.Contains(EnforcementKind.SetLimits, kinds);
            Assert.Equal(2, kinds.Count(k => k == EnforcementKind.SendNotice));
            Assert.Equal(SubmissionState.ApprovedWithConditions, (await db.Set<UseCaseSubmission>().SingleAsync(s => s.Id == id)).State);
        }

        var final = await api.GetFromJsonAsync<JsonElement>($"/api/v1/use-cases/{id}");
        Assert.Equal("ApprovedWithConditions", final.GetProperty("state").GetString());
    }

    [Fact]
    public async Task SubmitOnBehalf_EmptyForm_ShowsFieldErrorsAndSavesNothing()
    {
        await SignInAsync("usecases@demo.local", DemoUsers.Password);
        var page = Page;
        await page.GotoAsync("use-cases/new");
        await WaitForInteractiveAsync();

        await page.Locator("[data-testid=submit]").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=form-errors]")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("A name is required.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("A contact email is required.")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "usecase-form-errors");
        Assert.EndsWith("/use-cases/new", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queue_DemoData_ListsOpenSubmissionsWithFilters()
    {
        await SignInAsync("auditor@demo.local", DemoUsers.Password);
        var page = Page;
        await page.GotoAsync("use-cases");
        await WaitForInteractiveAsync();

        await Assertions.Expect(page.Locator("[data-testid=usecase-queue]")).ToContainTextAsync("HelpDesk Copilot");
        await Assertions.Expect(page.Locator("[data-testid=usecase-queue]")).ToContainTextAsync("Resubmitted");
        await Assertions.Expect(page.Locator("[data-testid=next]")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "usecase-queue");
    }

    private static object Submission(string[] safeguards, string? responseNote) => new
    {
        organizationId = "org_e2e_tutor",
        appId = "app_e2e_tutor",
        name = "Homework Helper",
        description = "Explains homework problems step by step for pupils aged 11 to 16. <b>not bold</b>",
        category = "education-tutoring",
        endUsers = "public",
        minorsPossible = true,
        expectedMonthlyTokens = 3_000_000,
        models = new[] { "rc-mini-2026-05" },
        outputsPublishedAutomatically = false,
        humanReviewsOutputsFirst = false,
        safeguards,
        samples = new[] { new { prompt = "What is 3/4 + 1/8?", output = "Convert 3/4 to 6/8, then 6/8 + 1/8 = 7/8." } },
        contact = new { name = "Sam Tutor", email = "sam@tutor.example" },
        responseNote,
    };

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
    }
}
