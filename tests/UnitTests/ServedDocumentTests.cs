using System.Text;
using Microsoft.AspNetCore.Http;
using OrleansRegistry.WebFrontend;

namespace OrleansRegistry.UnitTests;

public class ServedDocumentTests
{
    private static readonly DateTimeOffset Modified = new(2026, 11, 30, 12, 34, 56, 789, TimeSpan.Zero);
    private static readonly ServedDocument Document = new(new ProtocolDocument(Encoding.UTF8.GetBytes("{\"ok\":true}"), "\"v1\"", Modified));

    private static async Task<(int Status, DefaultHttpContext Http, string Body)> ServeAsync(Action<IHeaderDictionary> request)
    {
        var http = new DefaultHttpContext();
        var body = new MemoryStream();
        http.Response.Body = body;
        request(http.Request.Headers);
        await Document.Serve(http).ExecuteAsync(http);
        return (http.Response.StatusCode, http, Encoding.UTF8.GetString(body.ToArray()));
    }

    [Fact]
    public async Task Serves_the_bytes_with_validators_truncated_to_seconds()
    {
        var (status, http, body) = await ServeAsync(_ => { });

        Assert.Equal(200, status);
        Assert.Equal("{\"ok\":true}", body);
        Assert.Equal("application/json", http.Response.ContentType);
        Assert.Equal(11, http.Response.ContentLength);
        Assert.Equal("\"v1\"", http.Response.Headers.ETag.ToString());
        Assert.Equal("Mon, 30 Nov 2026 12:34:56 GMT", http.Response.Headers.LastModified.ToString());
        Assert.Equal("private, no-cache", http.Response.Headers.CacheControl.ToString());
    }

    [Theory]
    [InlineData("Mon, 30 Nov 2026 12:34:56 GMT", 304)] // the Last-Modified it was given, as composer sends it back
    [InlineData("Mon, 30 Nov 2026 12:35:00 GMT", 304)]
    [InlineData("Monday, 30-Nov-26 12:34:56 GMT", 304)] // RFC 850 form, parsed
    [InlineData("Mon, 30 Nov 2026 12:34:55 GMT", 200)]
    [InlineData("not a date", 200)]
    public async Task If_modified_since_compares_dates(string since, int expected)
    {
        var (status, _, body) = await ServeAsync(h => h.IfModifiedSince = since);

        Assert.Equal(expected, status);
        Assert.Equal(expected == 304 ? "" : "{\"ok\":true}", body);
    }

    [Theory]
    [InlineData("\"v1\"", 304)]
    [InlineData("*", 304)]
    [InlineData("\"v0\", \"v1\"", 304)]
    [InlineData("\"v0\"", 200)]
    public async Task If_none_match_compares_etags(string tags, int expected)
    {
        var (status, _, _) = await ServeAsync(h => h.IfNoneMatch = tags);

        Assert.Equal(expected, status);
    }

    [Fact]
    public async Task If_none_match_wins_over_if_modified_since()
    {
        var (status, _, _) = await ServeAsync(h =>
        {
            h.IfNoneMatch = "\"v0\"";
            h.IfModifiedSince = "Mon, 30 Nov 2026 12:34:56 GMT";
        });

        Assert.Equal(200, status);
    }
}
