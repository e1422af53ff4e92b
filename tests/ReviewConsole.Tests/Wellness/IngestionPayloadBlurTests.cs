using System.Globalization;
using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using ReviewConsole.Data.Audit;
using ReviewConsole.Data.Flags;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Flags.Ingestion;
using ReviewConsole.Features.Wellness;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Tests.Flags.Triage;

namespace ReviewConsole.Tests.Wellness;

/// <summary>The ingestion-errors page blurs raw payloads by category: a sensitive (or unreadable)
/// payload is not in the page until the viewer reveals it, and the reveal is audited.</summary>
public sealed class IngestionPayloadBlurTests : IDisposable
{
    private const string Script = "<script>alert('x')</script><b>HARMFUL-MARKER</b>";
    // Keeps '<' and quotes as written, as a sender's raw record would have them.
    private static readonly System.Text.Json.JsonSerializerOptions Verbatim = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly TriageFixture fixture = new();
    private readonly StaffUser admin = new("u-admin", "admin@example.test");

    [Fact]
    public async Task Payload_OfABlurCategory_IsAbsentUntilRevealedThenShownAsTextAndAudited()
    {
        var id = await ErrorAsync(Record("self-harm", Script));
        await using var ctx = NewContext();
        var cut = ctx.Render<IngestionErrorsPage>();

        cut.WaitForElement("[data-testid=toggle-payload]").Click();
        cut.WaitForElement("[data-testid=content-blurred]");

        Assert.DoesNotContain("HARMFUL-MARKER", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("self-harm", cut.Find("[data-testid=content-blurred]").TextContent, StringComparison.Ordinal);
        Assert.Empty(await AuditAsync(id));

        cut.Find("[data-testid=reveal-content]").Click();

        var payload = cut.WaitForElement("[data-testid=payload]");
        Assert.Contains(Script, payload.TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(payload.QuerySelectorAll("b"));
        Assert.Equal([AuditKinds.IngestionPayloadRevealed, AuditKinds.IngestionPayloadViewed], await AuditAsync(id));
    }

    [Theory]
    [InlineData("{\"id\":\"u1\",\"prompt\":\"HARMFUL-MARKER\",\"categ")]
    [InlineData("not json at all HARMFUL-MARKER")]
    public async Task Payload_WhoseCategoriesCannotBeRead_IsBlurredByDefault(string raw)
    {
        var id = await ErrorAsync(raw);
        await using var ctx = NewContext();
        var cut = ctx.Render<IngestionErrorsPage>();

        cut.WaitForElement("[data-testid=toggle-payload]").Click();

        cut.WaitForElement("[data-testid=content-blurred]");
        Assert.DoesNotContain("HARMFUL-MARKER", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("could not be read", cut.Find("[data-testid=content-blurred]").TextContent, StringComparison.Ordinal);
        Assert.Empty(await AuditAsync(id));
    }

    [Fact]
    public async Task Payload_OfAnUnblurredCategory_IsShownAtOnceAndItsViewAudited()
    {
        var id = await ErrorAsync(Record("spam", "Buy HARMFUL-MARKER pills"));
        await using var ctx = NewContext();
        var cut = ctx.Render<IngestionErrorsPage>();

        cut.WaitForElement("[data-testid=toggle-payload]").Click();

        cut.WaitForAssertion(() => Assert.Contains("HARMFUL-MARKER", cut.Find("[data-testid=payload]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=content-blurred]"));
        Assert.Equal([AuditKinds.IngestionPayloadViewed], await AuditAsync(id));
    }

    [Fact]
    public async Task Payload_OfABlurCategoryTheViewerUnblurred_IsShownAtOnce()
    {
        await fixture.Wellness.SaveSettingsAsync(admin, WellnessSettings.Default with { UnblurredCategories = new HashSet<string> { "self-harm" } }, default);
        await ErrorAsync(Record("self-harm", "HARMFUL-MARKER"));
        await using var ctx = NewContext();
        var cut = ctx.Render<IngestionErrorsPage>();

        cut.WaitForElement("[data-testid=toggle-payload]").Click();

        cut.WaitForAssertion(() => Assert.Contains("HARMFUL-MARKER", cut.Find("[data-testid=payload]").TextContent, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"categories":{"self-harm":true,"spam":false},"category_scores":{"self-harm":0.2,"spam":0.1}}""", "self-harm")]
    [InlineData("""{"categories":["Spam"],"category_scores":{"spam":0.9,"violence":0.7}}""", "spam violence")]
    [InlineData("""{"moderation":{"results":[{"flagged":true,"categories":{"hate":true},"category_scores":{"hate":0.8}}]}}""", "hate")]
    [InlineData("""{"moderation":{"flagged":false,"categories":{"hate":false},"category_scores":{"hate":0.1}}}""", "")]
    [InlineData("""{"prompt":"no categories here"}""", null)]
    [InlineData("""{"category_scores":{"hate":"high"}}""", null)]
    [InlineData("[1,2]", null)]
    public void Read_RecordShapes_NameTheFlaggedOrHighScoringCategories(string raw, string? expected)
    {
        var categories = PayloadCategories.Read(raw);

        Assert.Equal(expected, categories is null ? null : string.Join(' ', categories.Order(StringComparer.Ordinal)));
    }

    private static string Record(string category, string prompt) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id"] = "up-1",
            ["prompt"] = prompt,
            ["completion"] = "…",
            ["categories"] = new Dictionary<string, bool> { [category] = true },
            ["category_scores"] = new Dictionary<string, double> { [category] = 0.93 },
        }, Verbatim);

    private async Task<long> ErrorAsync(string raw)
    {
        await fixture.PolicyAsync("self-harm", blur: true);
        await fixture.PolicyAsync("spam", blur: false);
        await using var db = fixture.Database.CreateContext();
        var error = new IngestionError { Source = FlagSource.Api, ReceivedAt = fixture.Clock.GetUtcNow(), Reason = "missing_field: org_id is required", Origin = "batch 1, record 0", RawPayload = raw };
        db.Add(error);
        await db.SaveChangesAsync();
        return error.Id;
    }

    private async Task<List<string>> AuditAsync(long id)
    {
        var target = id.ToString(CultureInfo.InvariantCulture);
        await using var db = fixture.Database.CreateContext();
        return await db.Set<AuditEvent>().Where(e => e.TargetType == ContentSensitivity.IngestionErrorTarget && e.TargetId == target && e.ActorId == admin.Id)
            .OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync();
    }

    private BunitContext NewContext()
    {
        var context = new BunitContext();
        context.Services.AddMudServices();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddSingleton<TimeProvider>(fixture.Clock);
        context.Services.AddSingleton(new IngestionErrorService(fixture.Database.Factory, fixture.Clock));
        context.Services.AddSingleton(new ContentAccessAudit(fixture.Database.Factory, new AuditLog(fixture.Clock)));
        context.Services.AddSingleton(new ContentSensitivity(fixture.Database.Factory, fixture.Wellness));
        var auth = context.AddAuthorization();
        auth.SetAuthorized(admin.Name);
        auth.SetRoles(Roles.Admin);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, admin.Id));
        context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        context.Render<MudBlazor.MudPopoverProvider>();
        return context;
    }

    public void Dispose() => fixture.Dispose();
}
