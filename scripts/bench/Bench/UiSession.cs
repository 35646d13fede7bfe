using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace OrleansRegistry.Bench;

/// <summary>
/// The web UI benchmark's browser: signs in with an API key as a person would (the form's antiforgery token, then
/// the post), keeps the session's cookies for wrk, and checks every benchmarked page answers 200 with its content
/// (a redirect to the sign-in page would time as fast as nothing).
/// </summary>
public static partial class UiSession
{
    public static string CookieFile(string dir) => Path.Combine(dir, "ui-session.cookie");

    public static async Task<int> SignInAsync(Uri baseUrl, string key, string dir)
    {
        var cookies = new CookieContainer();
        using var http = Client(baseUrl, cookies);
        var form = await http.GetStringAsync("/ui/signin");
        var token = AntiforgeryToken().Match(form) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException("the sign-in page has no antiforgery token");
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["_handler"] = "signin", ["ApiKey"] = key,
        });
        using var response = await http.PostAsync("/ui/signin", content);
        var header = cookies.GetCookieHeader(baseUrl);
        if ((int)response.StatusCode is < 300 or > 399 || !header.Contains("registry_session=", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"signing in answered {(int)response.StatusCode} without a session cookie: {await response.Content.ReadAsStringAsync()}");
        }

        await File.WriteAllTextAsync(CookieFile(dir), header);
        Console.Error.WriteLine($"signed in; the session cookie is {header.Length} characters");
        return 0;
    }

    /// <summary>Every URL of ui-checks.tsv once, one at a time (activating what it reads); records each page's size and latency.</summary>
    public static async Task<int> CheckAsync(Uri baseUrl, string dir)
    {
        using var http = Client(baseUrl, null);
        http.DefaultRequestHeaders.Add("Cookie", (await File.ReadAllTextAsync(CookieFile(dir))).Trim());
        var failures = new List<string>();
        foreach (var page in File.ReadLines(Path.Combine(dir, "ui-checks.tsv")).Select(l => l.Split('\t')).GroupBy(f => f[0]))
        {
            var bytes = new List<int>();
            var first = new List<double>();
            foreach (var (url, expect) in page.Select(f => (f[1], f[2])))
            {
                var clock = Stopwatch.StartNew();
                using var response = await http.GetAsync(url);
                var body = await response.Content.ReadAsStringAsync();
                first.Add(clock.Elapsed.TotalMilliseconds);
                bytes.Add(body.Length);
                if (response.StatusCode != HttpStatusCode.OK || !WebUtility.HtmlDecode(body).Contains(expect, StringComparison.Ordinal))
                {
                    var where = response.Headers.Location is { } location ? $" to {location}" : "";
                    failures.Add($"{page.Key}: GET {url} answered {(int)response.StatusCode}{where}, expected 200 with \"{expect}\"");
                    await File.WriteAllTextAsync(Path.Combine(dir, $"ui-failed-{page.Key}.html"), body);
                }
            }

            first.Sort();
            BenchFiles.Append(dir, new
            {
                name = "ui-page", page = page.Key, urls = bytes.Count, html_kb = Math.Round(bytes.Average() / 1024, 1),
                first_p50_ms = Math.Round(BenchFiles.Percentile(first, 50), 1), first_max_ms = Math.Round(first[^1], 1),
            });
            Console.Error.WriteLine($"{page.Key}: {bytes.Count} URL(s) answered 200 with their content, {bytes.Average() / 1024:0.0} KB, first request p50 {BenchFiles.Percentile(first, 50):0.0} ms (max {first[^1]:0})");
        }

        foreach (var failure in failures)
        {
            Console.Error.WriteLine(failure);
        }

        return failures.Count == 0 ? 0 : 1;
    }

    private static HttpClient Client(Uri baseUrl, CookieContainer? cookies) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = cookies is not null,
        CookieContainer = cookies ?? new CookieContainer(),
        // The certificate is checked against the run's own CA (BENCH_UI_CA), as a browser trusting it would.
        SslOptions =
        {
            CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
                CustomTrustStore = { X509CertificateLoader.LoadCertificateFromFile(Environment.GetEnvironmentVariable("BENCH_UI_CA") ?? throw new InvalidOperationException("BENCH_UI_CA must name the CA certificate")) },
            },
        },
    })
    { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(1) };

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
