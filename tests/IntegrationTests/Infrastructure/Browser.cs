using System.Net;
using System.Text.RegularExpressions;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>
/// What a browser does in a sign-in flow, and no more: follows redirects across hosts keeping cookies, and submits
/// the first form of a page (the identity provider's login and consent forms). No JavaScript is needed by either side.
/// </summary>
public sealed partial class Browser : IDisposable
{
    private readonly HttpClient _client;

    public Browser(TestCertificates certificates)
    {
        var handler = certificates.CreateHandler();
        handler.AllowAutoRedirect = false;
        handler.CookieContainer = Cookies;
        handler.UseCookies = true;
        _client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
    }

    public CookieContainer Cookies { get; } = new();

    /// <summary>Gets <paramref name="url"/> and follows redirects (at most 20); the last response, and where it came from.</summary>
    public async Task<(HttpResponseMessage Response, Uri Url)> GetAsync(Uri url, Func<Uri, bool>? stopAt = null)
    {
        var response = await _client.GetAsync(url);
        return await FollowAsync(response, url, stopAt);
    }

    /// <summary>Submits the page's first form with its fields (and <paramref name="fields"/> filled in), following redirects.</summary>
    public async Task<(HttpResponseMessage Response, Uri Url)> SubmitFirstFormAsync(string page, Uri pageUrl, IDictionary<string, string>? fields = null, Func<Uri, bool>? stopAt = null)
    {
        var form = FormPattern().Match(page);
        Assert.True(form.Success, $"no form on the page at {pageUrl}: {page}");
        var values = InputPattern().Matches(form.Groups["body"].Value)
            .Select(m => (Name: m.Groups["name"].Value, Value: WebUtility.HtmlDecode(m.Groups["value"].Value)))
            .ToDictionary(i => i.Name, i => i.Value);
        foreach (var (name, value) in fields ?? new Dictionary<string, string>())
        {
            values[name] = value;
        }

        var action = new Uri(pageUrl, WebUtility.HtmlDecode(form.Groups["action"].Value));
        var response = await _client.PostAsync(action, new FormUrlEncodedContent(values));
        return await FollowAsync(response, action, stopAt);
    }

    private async Task<(HttpResponseMessage, Uri)> FollowAsync(HttpResponseMessage response, Uri url, Func<Uri, bool>? stopAt)
    {
        for (var hop = 0; hop < 20 && (int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location; hop++)
        {
            url = new Uri(url, location);
            if (stopAt?.Invoke(url) == true)
            {
                return (response, url);
            }

            response.Dispose();
            response = await _client.GetAsync(url);
        }

        return (response, url);
    }

    public Task<HttpResponseMessage> PostAsync(Uri url) => _client.PostAsync(url, content: null);

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("""<form[^>]*action="(?<action>[^"]*)"[^>]*>(?<body>.*?)</form>""", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex FormPattern();

    [GeneratedRegex("""<input[^>]*name="(?<name>[^"]*)"(?:[^>]*value="(?<value>[^"]*)")?""", RegexOptions.IgnoreCase)]
    private static partial Regex InputPattern();
}
