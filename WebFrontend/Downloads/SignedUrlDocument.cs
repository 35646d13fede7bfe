using System.Buffers;
using System.Text;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.WebFrontend.Downloads;

/// <summary>
/// Writes a grain's pre-rendered document with fresh signed URLs spliced in: the only per-request work is one HMAC
/// per URL, no JSON serialization.
/// </summary>
public sealed class SignedUrlDocument(SignedUrlTemplate template, string origin, UrlSigner signer, TimeSpan lifetime) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var urls = new byte[template.Keys.Length][];
        long length = 0;
        for (var i = 0; i < urls.Length; i++)
        {
            urls[i] = Encoding.UTF8.GetBytes(origin + signer.Sign(template.Keys[i], lifetime));
            length += urls[i].Length;
        }

        foreach (var segment in template.Segments)
        {
            length += segment.Length;
        }

        httpContext.Response.ContentType = "application/json; charset=utf-8";
        httpContext.Response.ContentLength = length;
        var body = httpContext.Response.BodyWriter;
        for (var i = 0; i < template.Segments.Length; i++)
        {
            body.Write(template.Segments[i]);
            if (i < urls.Length)
            {
                body.Write(urls[i]);
            }
        }

        await body.FlushAsync(httpContext.RequestAborted);
    }
}
