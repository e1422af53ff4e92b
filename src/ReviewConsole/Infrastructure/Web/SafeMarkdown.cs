using Ganss.Xss;
using Markdig;
using Microsoft.AspNetCore.Components;

namespace ReviewConsole.Infrastructure.Web;

/// <summary>
/// The only sanctioned producer of <see cref="MarkupString"/> in the console: staff-written Markdown
/// rendered by Markdig with raw HTML disabled, then sanitized by HtmlSanitizer (allow-listed tags,
/// attributes and URL schemes) as a second line of defence. Untrusted text (prompts, completions,
/// submissions, appeals) is never passed here: it is rendered as plain text. A test fails the build
/// when MarkupString appears in any other source file.
/// </summary>
public static class SafeMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UseTaskLists()
        .Build();

    // HtmlSanitizer instances are thread-safe for Sanitize once configured.
    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    /// <summary>Markdown to sanitized HTML text.</summary>
    public static string ToHtml(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return "";
        }

        var html = Markdown.ToHtml(markdown, Pipeline);
        return Sanitizer.Sanitize(html);
    }

    /// <summary>Markdown to markup a component can render.</summary>
    public static MarkupString Render(string? markdown) => new(ToHtml(markdown));

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.Add("https");
        sanitizer.AllowedSchemes.Add("http");
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedAttributes.Remove("style");
        sanitizer.AllowedTags.Remove("img");
        sanitizer.AllowedTags.Remove("form");
        sanitizer.AllowedTags.Remove("input");
        sanitizer.AllowedTags.Remove("button");
        sanitizer.AllowedTags.Remove("textarea");
        sanitizer.AllowedTags.Remove("select");
        // Links leave the console without the referrer and cannot script the opener.
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { TagName: "A" } anchor)
            {
                anchor.SetAttribute("rel", "noopener noreferrer nofollow");
                anchor.SetAttribute("target", "_blank");
            }
        };
        return sanitizer;
    }
}
