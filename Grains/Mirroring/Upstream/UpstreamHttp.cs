using System.Net;
using System.Net.Http.Headers;

namespace OrleansRegistry.Mirroring.Upstream;

/// <summary>
/// HTTP to one upstream: retries transient failures with exponential backoff, honours <c>Retry-After</c>, sends the
/// credentials (Bearer token or Basic) only to the upstream's own host, and refuses plain http unless the mirror allows it.
/// </summary>
public sealed class UpstreamHttp(
    HttpClient http, Uri upstream, MirrorCredentials? credentials, bool allowInsecure, MirrorOptions options, TimeProvider clock, string? userAgent = null)
{
    public Uri Upstream => upstream;

    /// <summary>
    /// Sends a GET and returns the successful response (headers read; the body not yet). With
    /// <paramref name="ifModifiedSince"/>, a 304 is returned too. <paramref name="retry"/> false gives up at the first
    /// failure (for callers that have something to fall back on).
    /// </summary>
    public async Task<HttpResponseMessage> GetAsync(Uri url, bool authenticated, CancellationToken cancellationToken, DateTimeOffset? ifModifiedSince = null, bool retry = true)
    {
        if (url.Scheme != Uri.UriSchemeHttps && !(allowInsecure && url.Scheme == Uri.UriSchemeHttp))
        {
            throw new UpstreamException($"{url} is not https (set allow_insecure to allow plain http)");
        }

        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.IfModifiedSince = ifModifiedSince;
            if (userAgent is not null)
            {
                request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
            }

            if (authenticated && credentials is { IsEmpty: false } && SameOrigin(url))
            {
                request.Headers.Authorization = string.IsNullOrEmpty(credentials.Token)
                    ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{credentials.Username}:{credentials.Password}")))
                    : new AuthenticationHeaderValue("Bearer", credentials.Token);
            }

            TimeSpan? retryAfter = null;
            UpstreamException failure;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.RequestTimeout);
                var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (response.IsSuccessStatusCode || (ifModifiedSince is not null && response.StatusCode == HttpStatusCode.NotModified))
                {
                    return response;
                }

                var status = (int)response.StatusCode;
                var transient = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || status >= 500;
                retryAfter = RetryAfter(response.Headers.RetryAfter);
                failure = new UpstreamException($"GET {url} answered {status} {response.ReasonPhrase}", transient, status: status);
                response.Dispose();
            }
            catch (HttpRequestException e)
            {
                failure = new UpstreamException($"GET {url} failed: {Describe(e)}", transient: true, e);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = new UpstreamException($"GET {url} timed out after {options.RequestTimeout.TotalSeconds:0} s", transient: true, e);
            }

            if (!failure.Transient || !retry || attempt >= options.MaxRetries)
            {
                throw failure;
            }

            if (retryAfter > options.MaxRetryAfter)
            {
                throw new UpstreamException($"{failure.Message}; it asks to wait {retryAfter.Value.TotalSeconds:0} s, longer than the {options.MaxRetryAfter.TotalSeconds:0} s allowed", transient: true);
            }

            await Task.Delay(retryAfter ?? Backoff(attempt), clock, cancellationToken);
        }
    }

    /// <summary>A small body (metadata, SHA256SUMS, signature), refused above <paramref name="maxBytes"/>.</summary>
    public async Task<byte[]> GetBytesAsync(Uri url, int maxBytes, bool authenticated, CancellationToken cancellationToken, bool retry = true)
    {
        using var response = await GetAsync(url, authenticated, cancellationToken, retry: retry);
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            throw new UpstreamException($"{url} is larger than {maxBytes} bytes");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new UpstreamException($"{url} is larger than {maxBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private bool SameOrigin(Uri url) =>
        Uri.Compare(url, upstream, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(options.RetryDelay.TotalMilliseconds * Math.Pow(2, attempt) * (0.8 + (Random.Shared.NextDouble() * 0.4)));

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - clock.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static string Describe(HttpRequestException e) =>
        e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
}
