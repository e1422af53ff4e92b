using AngleSharp.Html.Parser;
using Bunit;
using ReviewConsole.Components.Shared;
using ReviewConsole.Infrastructure.Web;

namespace ReviewConsole.Tests.Incidents;

/// <summary>Retrospectives are staff Markdown rendered through SafeMarkdown: script payloads a staff
/// member (or a compromised account) writes must stay inert.</summary>
public sealed class RetrospectiveMarkdownTests
{
    public static TheoryData<string> ScriptPayloads => new()
    {
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<svg onload=alert(1)>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "[x](JaVaScRiPt:alert(1))",
        "![img](javascript:alert(1))",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    };

    [Theory]
    [MemberData(nameof(ScriptPayloads))]
    public void ToHtml_ScriptPayload_RendersNoActiveContent(string payload)
    {
        var html = SafeMarkdown.ToHtml("Intro\n\n" + payload + "\n\n**after**");

        // Parsed as a browser would: escaped payloads are harmless text, so look at elements and attributes.
        using var document = new HtmlParser().ParseDocument("<body>" + html + "</body>");
        Assert.Empty(document.Body!.QuerySelectorAll("script, iframe, img, svg, object, embed, style"));
        Assert.All(document.Body.QuerySelectorAll("*"), element =>
        {
            Assert.DoesNotContain(element.Attributes, a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase) || a.Name == "style");
            Assert.DoesNotContain("javascript:", element.GetAttribute("href") ?? "", StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("data:", element.GetAttribute("href") ?? "", StringComparison.OrdinalIgnoreCase);
        });
        Assert.Contains("<strong>after</strong>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_OrdinaryMarkdown_KeepsFormattingAndSafeLinks()
    {
        var html = SafeMarkdown.ToHtml("## Impact\n\n- 18,420 generations\n- see [the runbook](https://example.test/runbook)\n\n| a | b |\n|---|---|\n| 1 | 2 |");

        Assert.Contains("<h2", html, StringComparison.Ordinal);
        Assert.Contains("<li>18,420 generations</li>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.test/runbook\"", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", html, StringComparison.Ordinal);
        Assert.Contains("<table>", html, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ScriptPayloads))]
    public void SafeMarkdownView_ScriptPayload_RendersNoScriptElementsOrHandlers(string payload)
    {
        using var context = new BunitContext();

        var cut = context.Render<SafeMarkdownView>(p => p.Add(x => x.Text, payload + "\n\nplain text").Add(x => x.TestId, "md"));

        Assert.Empty(cut.FindAll("script, iframe, img, svg, object, embed"));
        Assert.All(cut.FindAll("*"), element =>
        {
            Assert.DoesNotContain(element.Attributes, a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain("javascript:", element.GetAttribute("href") ?? "", StringComparison.OrdinalIgnoreCase);
        });
        Assert.Contains("plain text", cut.Markup, StringComparison.Ordinal);
    }
}
