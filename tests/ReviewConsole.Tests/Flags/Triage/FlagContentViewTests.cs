using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using ReviewConsole.Data.Audit;
using ReviewConsole.Features.Audit;
using ReviewConsole.Features.Flags.Triage;
using ReviewConsole.Testing;

namespace ReviewConsole.Tests.Flags.Triage;

public sealed class FlagContentViewTests : IDisposable
{
    private const string ScriptPayload = "<script>alert(1)</script>";
    private const string ImagePayload = "<img src=x onerror=alert(2)>";
    private readonly TestDatabase database = new();

    // MudBlazor registers services that only dispose asynchronously, so each test disposes its
    // context with await using rather than through xUnit's synchronous Dispose.
    private BunitContext NewContext(bool interactive = true)
    {
        var context = new BunitContext();
        context.Services.AddMudServices();
        context.Services.AddSingleton(new ContentAccessAudit(database.Factory, new AuditLog(TimeProvider.System)));
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        var auth = context.AddAuthorization();
        auth.SetAuthorized("rita@example.test");
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, "u-rita"));
        context.SetRendererInfo(new RendererInfo(interactive ? "Server" : "Static", interactive));
        return context;
    }

    [Fact]
    public async Task Render_ScriptPayloads_ShowAsEscapedTextWithoutElements()
    {
        await using var ctx = NewContext();
        var cut = ctx.Render<FlagContentView>(p => p
            .Add(c => c.FlagId, 7)
            .Add(c => c.Prompt, ScriptPayload)
            .Add(c => c.Completion, ImagePayload));

        cut.WaitForElement("[data-testid=prompt]");
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(2)&gt;", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll("img"));
        Assert.Equal(ScriptPayload, cut.Find("[data-testid=prompt]").TextContent);
        Assert.Equal(ImagePayload, cut.Find("[data-testid=completion]").TextContent);
        Assert.Equal(("flag.opened", "u-rita", "7"), await SingleAuditAsync());
    }

    [Fact]
    public async Task Render_Static_SendsNoContentAndAuditsNothing()
    {
        await using var ctx = NewContext(interactive: false);
        var cut = ctx.Render<FlagContentView>(p => p
            .Add(c => c.FlagId, 7)
            .Add(c => c.Prompt, "the secret prompt")
            .Add(c => c.Completion, "the secret completion"));

        Assert.DoesNotContain("secret", cut.Markup, StringComparison.Ordinal);
        Assert.NotNull(cut.Find("[data-testid=content-pending]"));
        await using var db = database.CreateContext();
        Assert.False(await db.Set<AuditEvent>().AnyAsync());
    }

    [Fact]
    public async Task Render_Blurred_WithholdsTheTextUntilRevealThenAuditsTheReveal()
    {
        var revealed = 0;
        await using var ctx = NewContext();
        var cut = ctx.Render<FlagContentView>(p => p
            .Add(c => c.FlagId, 9)
            .Add(c => c.Prompt, "the secret prompt")
            .Add(c => c.Completion, "the secret completion")
            .Add(c => c.Blurred, true)
            .Add(c => c.Grayscale, true)
            .Add(c => c.SensitiveCategories, ["self-harm"])
            .Add(c => c.OnReveal, () => revealed++));

        cut.WaitForElement("[data-testid=reveal]");
        Assert.DoesNotContain("secret", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("rc-blurred", cut.Find("[data-testid=flag-content]").ClassList);
        Assert.Contains("self-harm", cut.Find("[data-testid=blur-notice]").TextContent, StringComparison.Ordinal);
        Assert.Equal(("flag.opened", "u-rita", "9"), await SingleAuditAsync());

        cut.Find("[data-testid=reveal]").Click();
        Assert.Equal(1, revealed);
        Assert.DoesNotContain("secret", cut.Markup, StringComparison.Ordinal);

        // The owner clears Blurred on reveal; the view audits the reveal, then sends the text.
        cut.Render(p => p.Add(c => c.Blurred, false));

        cut.WaitForAssertion(() => Assert.Equal("the secret prompt", cut.Find("[data-testid=prompt]").TextContent));
        await using var db = database.CreateContext();
        var kinds = await db.Set<AuditEvent>().OrderBy(e => e.Sequence).Select(e => e.Kind).ToListAsync();
        Assert.Equal(["flag.opened", "flag.content-revealed"], kinds);
    }

    [Fact]
    public async Task Render_NotBlurred_HasNoBlurOrRevealButton()
    {
        await using var ctx = NewContext();
        var cut = ctx.Render<FlagContentView>(p => p.Add(c => c.FlagId, 3).Add(c => c.Prompt, "p").Add(c => c.Completion, "c"));

        cut.WaitForElement("[data-testid=prompt]");
        Assert.DoesNotContain("rc-blurred", cut.Find("[data-testid=flag-content]").ClassList);
        Assert.Empty(cut.FindAll("[data-testid=reveal]"));
    }

    private async Task<(string Kind, string Actor, string Target)> SingleAuditAsync()
    {
        await using var db = database.CreateContext();
        var e = await db.Set<AuditEvent>().SingleAsync();
        return (e.Kind, e.ActorId, e.TargetId);
    }

    public void Dispose() => database.Dispose();
}
