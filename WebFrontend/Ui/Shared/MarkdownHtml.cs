using AngleSharp.Dom;
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
    /// <summary>A README sits under the page's "Readme" heading (h2): its own headings start below it.</summary>
    private const int HeadingShift = 2;

    /// <summary>
    /// Prefix of every id a README brings (GitHub does the same): a README's "# Content" must not become a second
    /// <c>id="content"</c> that takes the skip link, nor an id the page's own scripts and labels look up.
    /// </summary>
    private const string IdPrefix = "readme-";

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables().UseTaskLists().UseAutoLinks().UseEmphasisExtras().UseAutoIdentifiers().Build();

    // Task lists' disabled checkboxes are the only inputs a README keeps: a form of its own, styled to cover the page,
    // could ask for an API key inside the registry's origin.
    private static readonly string[] FormTags = ["form", "button", "select", "option", "optgroup", "textarea", "label", "fieldset", "legend"];

    // Sanitize is safe to call from many threads once configured.
    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    /// <summary>
    /// The README as sanitized HTML. Markdig refuses Markdown nested too deeply (it throws past its depth limit, e.g. 128
    /// block quotes): such a README is shown as its plain text rather than failing its page.
    /// </summary>
    public static MarkupString Render(string markdown)
    {
        string html;
        try
        {
            html = Markdown.ToHtml(markdown, Pipeline);
        }
        catch (ArgumentException)
        {
            html = $"<pre>{System.Net.WebUtility.HtmlEncode(markdown)}</pre>";
        }

        return new(Sanitizer.Sanitize(html));
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedAttributes.Add("id");
        sanitizer.AllowedAttributes.Remove("style");
        foreach (var attribute in new[] { "action", "formaction", "method" })
        {
            sanitizer.AllowedAttributes.Remove(attribute);
        }

        foreach (var tag in FormTags)
        {
            sanitizer.AllowedTags.Remove(tag);
        }
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is not IElement element)
            {
                return;
            }

            if (element.GetAttribute("id") is { Length: > 0 } id)
            {
                element.SetAttribute("id", IdPrefix + id);
            }

            // A README's links leave the registry: no referrer, no opener. Its links within itself follow its ids.
            if (element is { TagName: "A" } && element.GetAttribute("href") is { } href)
            {
                if (href.Contains("://", StringComparison.Ordinal) || href.StartsWith("//", StringComparison.Ordinal))
                {
                    element.SetAttribute("rel", "noopener noreferrer nofollow");
                }
                else if (href.StartsWith('#') && href.Length > 1)
                {
                    element.SetAttribute("href", $"#{IdPrefix}{href[1..]}");
                }
            }
        };
        // Headings written as Markdown and as HTML alike; the DOM pass runs after every node was sanitized.
        sanitizer.PostProcessDom += (_, e) =>
        {
            foreach (var input in e.Document.QuerySelectorAll("input:not([type=checkbox])").ToArray())
            {
                input.Remove();
            }

            foreach (var heading in e.Document.QuerySelectorAll("h1, h2, h3, h4, h5, h6").ToArray())
            {
                var level = Math.Min(6, heading.LocalName[1] - '0' + HeadingShift);
                var demoted = e.Document.CreateElement($"h{level}");
                foreach (var attribute in heading.Attributes)
                {
                    demoted.SetAttribute(attribute.Name, attribute.Value);
                }

                while (heading.FirstChild is { } child)
                {
                    demoted.AppendChild(child);
                }

                heading.Replace(demoted);
            }
        };
        return sanitizer;
    }
}
