using Bunit;
using MudBlazor.Services;
using ReviewConsole.Features.Flags.Triage;

namespace ReviewConsole.Tests.Flags.Triage;

public sealed class FlagContentViewTests
{
    private const string ScriptPayload = "<script>alert(1)</script>";
    private const string ImagePayload = "<img src=x onerror=alert(2)>";

    // MudBlazor registers services that only dispose asynchronously, so each test disposes its
    // context with await using rather than through xUnit's synchronous Dispose.
    private static BunitContext NewContext()
    {
        var context = new BunitContext();
        context.Services.AddMudServices();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        return context;
    }

    [Fact]
    public async Task Render_ScriptPayloads_ShowAsEscapedTextWithoutElements()
    {
        await using var ctx = NewContext();
        var cut = ctx.Render<FlagContentView>(p => p
            .Add(c => c.Prompt, ScriptPayload)
            .Add(c => c.Completion, ImagePayload));

        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(2)&gt;", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll("img"));
        Assert.Equal(ScriptPayload, cut.Find("[data-testid=prompt]").TextContent);
        Assert.Equal(ImagePayload, cut.Find("[data-testid=completion]").TextContent);
    }

    [Fact]
    public async Task Render_Blurred_AppliesBlurAndHidesContentFromAssistiveTech()
    {
        await using var ctx = NewContext();
        var cut = ctx.Render<FlagContentView>(p => p
            .Add(c => c.Prompt, "p")
            .Add(c => c.Completion, "c")
            .Add(c => c.Blurred, true)
            .Add(c => c.Grayscale, true)
            .Add(c => c.SensitiveCategories, ["self-harm"]));

        var content = cut.Find("[data-testid=flag-content]");
        Assert.Contains("rc-blurred", content.ClassList);
        Assert.Contains("rc-grayscale", content.ClassList);
        Assert.Equal("true", cut.Find("[data-testid=prompt]").GetAttribute("aria-hidden"));
        Assert.Contains("self-harm", cut.Find("[data-testid=blur-notice]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_NotBlurred_HasNoBlurOrRevealButton()
    {
        await using var ctx = NewContext();
        var cut = ctx.Render<FlagContentView>(p => p.Add(c => c.Prompt, "p").Add(c => c.Completion, "c"));

        Assert.DoesNotContain("rc-blurred", cut.Find("[data-testid=flag-content]").ClassList);
        Assert.Empty(cut.FindAll("[data-testid=reveal]"));
    }

    [Fact]
    public async Task ClickReveal_Blurred_RaisesOnReveal()
    {
        var revealed = 0;
        await using var ctx = NewContext();
        var cut = ctx.Render<FlagContentView>(p => p
            .Add(c => c.Prompt, "p")
            .Add(c => c.Completion, "c")
            .Add(c => c.Blurred, true)
            .Add(c => c.OnReveal, () => revealed++));

        cut.Find("[data-testid=reveal]").Click();

        Assert.Equal(1, revealed);
    }
}
