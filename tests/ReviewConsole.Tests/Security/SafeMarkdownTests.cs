using Bunit;
using ReviewConsole.Components.Shared;
using ReviewConsole.Infrastructure.Web;

namespace ReviewConsole.Tests.Security;

public sealed class SafeMarkdownTests
{
    [Fact]
    public void ToHtml_Markdown_RendersFormatting()
    {
        var html = SafeMarkdown.ToHtml("**Bold** and a [link](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |");

        Assert.Contains("<strong>Bold</strong>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.com\"", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", html, StringComparison.Ordinal);
        Assert.Contains("<table>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<iframe src=\"https://evil.test\"></iframe>")]
    public void ToHtml_HostileInput_NoActiveContent(string markdown)
    {
        var html = SafeMarkdown.ToHtml(markdown);

        // Parsed as a browser would: no active elements, no event handlers, no script URLs.
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument("<body>" + html + "</body>");
        var elements = document.Body!.QuerySelectorAll("*");
        Assert.DoesNotContain(elements, e => e.LocalName is "script" or "img" or "iframe" or "object" or "embed");
        Assert.DoesNotContain(elements, e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain(elements, e => e.GetAttribute("href")?.Contains("javascript", StringComparison.OrdinalIgnoreCase) == true);
    }

    [Fact]
    public void Component_HostileText_RendersEscaped()
    {
        using var context = new BunitContext();

        var cut = context.Render<SafeMarkdownView>(p => p.Add(c => c.Text, "# Title\n<script>alert(1)</script>"));

        Assert.Empty(cut.FindAll("script"));
        Assert.Equal("Title", cut.Find("h1").TextContent);
    }
}
