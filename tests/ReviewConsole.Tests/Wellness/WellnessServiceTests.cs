using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Audit;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Features.Wellness;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Tests.Flags.Triage;

namespace ReviewConsole.Tests.Wellness;

public sealed class WellnessServiceTests : IDisposable
{
    private static readonly HashSet<string> Sensitive = new(StringComparer.Ordinal) { "self-harm", "violence/graphic" };
    private readonly TriageFixture fixture = new(new WellnessOptions { DailyCapPerCategory = 3, CategoryCaps = { ["self-harm"] = 1 } });
    private readonly StaffUser alice = new("u-alice", "alice@example.test");

    [Theory]
    [InlineData(false, "", "self-harm", true)]
    [InlineData(false, "", "spam", false)]
    [InlineData(false, "self-harm", "self-harm", false)]
    [InlineData(true, "self-harm", "spam", true)]
    [InlineData(false, "self-harm", "self-harm violence/graphic", true)]
    public void ShouldBlur_DefaultsAndOverrides_Combine(bool blurAll, string unblurred, string categories, bool expected)
    {
        var settings = new WellnessSettings(blurAll, unblurred.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(), true, null);

        Assert.Equal(expected, settings.ShouldBlur(categories.Split(' '), Sensitive));
    }

    [Fact]
    public async Task SaveSettings_RoundTripsAndIsAudited()
    {
        var settings = new WellnessSettings(false, new HashSet<string> { "self-harm" }, false, 30);

        await fixture.Wellness.SaveSettingsAsync(alice, settings, default);
        var read = await fixture.Wellness.GetSettingsAsync(alice.Id, default);

        Assert.Equal(["self-harm"], read.UnblurredCategories);
        Assert.False(read.Grayscale);
        Assert.Equal(30, fixture.Wellness.BreakReminderMinutesFor(read));
        Assert.Equal(50, fixture.Wellness.BreakReminderMinutesFor(WellnessSettings.Default));
        await using var db = fixture.Database.CreateContext();
        Assert.Equal(1, await db.Set<AuditEvent>().CountAsync(e => e.Kind == "wellness.preferences-changed" && e.ActorId == alice.Id));
    }

    [Fact]
    public async Task ExposureToday_AfterClaims_CountsPerReviewerAndCategoryAgainstCaps()
    {
        var actor = await fixture.ActorAsync();
        var a = await fixture.FlagAsync(actor, priority: 90, scores: [("self-harm", 0.9, true), ("violence", 0.7, true)]);
        await fixture.FlagAsync(actor, priority: 80, scores: [("violence", 0.8, true)]);
        await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [], default);
        await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [a], default);
        // Claiming the same flag again (a held flag is returned) does not count twice.
        await fixture.Claims.ClaimNextAsync(alice, TriageRights.Reviewer, [a], default);

        var rows = await fixture.Wellness.ExposureTodayAsync(null, default);

        Assert.Equal(
            ["self-harm:1/1:capped", "violence:2/3:open"],
            rows.Select(r => $"{r.Category}:{r.Count}/{r.Cap}:{(r.Capped ? "capped" : "open")}").Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(alice.Id, r.ReviewerId));
    }

    public void Dispose() => fixture.Dispose();
}
