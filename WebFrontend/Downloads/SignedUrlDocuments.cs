using System.Runtime.CompilerServices;
using System.Text;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.WebFrontend.Downloads;

/// <summary>
/// Renders a grain's pre-rendered document with signed URLs spliced in (Terraform sends no token to those URLs, so
/// each carries its own signature): the registry's links, or the store's in redirect mode (<see cref="ArtifactLinks"/>).
/// Links are the same for a whole <see cref="UrlSigner.ExpiryStep"/>, so the finished bytes are kept with their
/// template and rebuilt once per step (or per origin): a request pays no signing
/// (see docs/performance.md#signed-url-documents).
/// </summary>
public sealed class SignedUrlDocuments(ArtifactLinks links)
{
    private readonly ConditionalWeakTable<SignedUrlTemplate, Rendering> _renderings = [];

    public ValueTask<IResult> RenderAsync(SignedUrlTemplate template, string origin, CancellationToken cancellationToken)
    {
        var expires = links.ExpiryNow();
        return _renderings.TryGetValue(template, out var rendering) && rendering.Expires == expires && rendering.Origin == origin
            ? ValueTask.FromResult<IResult>(rendering.Result)
            : RenderNewAsync(template, origin, expires, cancellationToken);
    }

    private async ValueTask<IResult> RenderNewAsync(SignedUrlTemplate template, string origin, long expires, CancellationToken cancellationToken)
    {
        var rendering = new Rendering(origin, expires, new BytesResult(await BuildAsync(template, origin, expires, cancellationToken), "application/json; charset=utf-8"));
        _renderings.AddOrUpdate(template, rendering);
        return rendering.Result;
    }

    private async Task<byte[]> BuildAsync(SignedUrlTemplate template, string origin, long expires, CancellationToken cancellationToken)
    {
        var urls = new byte[template.Keys.Length][];
        for (var i = 0; i < urls.Length; i++)
        {
            urls[i] = Encoding.UTF8.GetBytes(await links.LinkAsync(template.Keys[i], origin, expires, cancellationToken));
        }

        var body = new byte[template.Segments.Sum(s => s.Length) + urls.Sum(u => u.Length)];
        var at = 0;
        for (var i = 0; i < template.Segments.Length; i++)
        {
            template.Segments[i].CopyTo(body, at);
            at += template.Segments[i].Length;
            if (i < urls.Length)
            {
                urls[i].CopyTo(body, at);
                at += urls[i].Length;
            }
        }

        return body;
    }

    private sealed record Rendering(string Origin, long Expires, BytesResult Result);
}
