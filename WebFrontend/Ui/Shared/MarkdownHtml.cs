using Ganss.Xss;
using Markdig;
using Microsoft.AspNetCore.Components;

namespace OrleansRegistry.WebFrontend.Ui.Shared;

/// <summary>
/// READMEs as HTML: rendered by Markdig (GitHub-flavoured tables, task lists, autolinks), then sanitized, because a
/// README is written by whoever publishes a package and is shown to everyone who reads it.
/// </summary>
public static class MarkdownHtml
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables().UseTaskLists().UseAutoLinks().UseEmphasisExtras().UseAutoIdentifiers().Build();

    // Sanitize is safe to call from many threads once configured.
    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    public static MarkupString Render(string markdown) => new(Sanitizer.Sanitize(Markdown.ToHtml(markdown, Pipeline)));

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedAttributes.Add("id");
        // A README's links leave the registry: no referrer, no opener.
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { TagName: "A" } link && link.GetAttribute("href") is { } href && href.Contains("://", StringComparison.Ordinal))
            {
                link.SetAttribute("rel", "noopener noreferrer nofollow");
            }
        };
        return sanitizer;
    }
}
