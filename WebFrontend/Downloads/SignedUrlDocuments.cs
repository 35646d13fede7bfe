using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Options;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.WebFrontend.Downloads;

/// <summary>
/// Renders a grain's pre-rendered document with signed URLs spliced in (Terraform sends no token to those URLs, so
/// each carries its own signature). Signed URLs are the same for a whole <see cref="UrlSigner.ExpiryStep"/>, so the
/// finished bytes are kept with their template and rebuilt once per step (or per origin): a request pays no HMAC
/// (see docs/performance.md#signed-url-documents).
/// </summary>
public sealed class SignedUrlDocuments(UrlSigner signer, IOptions<RegistryOptions> options)
{
    private readonly ConditionalWeakTable<SignedUrlTemplate, Rendering> _renderings = [];

    public IResult Render(SignedUrlTemplate template, string origin)
    {
        var expires = signer.ExpiryFor(options.Value.SignedUrlLifetime);
        if (!_renderings.TryGetValue(template, out var rendering) || rendering.Expires != expires || rendering.Origin != origin)
        {
            rendering = new Rendering(origin, expires, new BytesResult(Build(template, origin, expires), "application/json; charset=utf-8"));
            _renderings.AddOrUpdate(template, rendering);
        }

        return rendering.Result;
    }

    private byte[] Build(SignedUrlTemplate template, string origin, long expires)
    {
        var urls = template.Keys.Select(key => Encoding.UTF8.GetBytes(origin + signer.SignUntil(key, expires))).ToArray();
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
