using System.Net;
using System.Net.Http.Headers;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace OrleansRegistry.Mirroring.Upstream;

/// <summary>
/// HTTP to one upstream: retries transient failures with exponential backoff, honours <c>Retry-After</c>, sends the
/// credentials (Bearer token or Basic) only to the upstream's own host, and refuses plain http unless the mirror allows it.
/// Retries run in a Polly.Core pipeline here rather than in an HttpClient resilience handler, because callers choose per
/// call whether to retry and the client handed in may be a plain one.
/// </summary>
public sealed class UpstreamHttp(
    HttpClient http, Uri upstream, MirrorCredentials? credentials, bool allowInsecure, MirrorOptions options, TimeProvider clock, string? userAgent = null)
{
    private readonly ResiliencePipeline<HttpResponseMessage> _once = Pipeline(options, clock, retry: false);
    private readonly ResiliencePipeline<HttpResponseMessage> _retrying = Pipeline(options, clock, retry: true);

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

        var attempts = 0;
        HttpResponseMessage response;
        try
        {
            response = await (retry ? _retrying : _once).ExecuteAsync(
                async attemptCancellation =>
                {
                    attempts++;
                    using var request = Request(url, authenticated, ifModifiedSince);
                    return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCancellation);
                },
                cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new UpstreamException($"GET {url} failed: {Describe(e)}", transient: true, e);
        }
        catch (Exception e) when (IsTimeout(e, cancellationToken))
        {
            throw new UpstreamException($"GET {url} timed out after {options.RequestTimeout.TotalSeconds:0} s", transient: true, e);
        }

        if (response.IsSuccessStatusCode || (ifModifiedSince is not null && response.StatusCode == HttpStatusCode.NotModified))
        {
            return response;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var transient = IsTransient(response.StatusCode);
            var refusal = $"GET {url} answered {status} {response.ReasonPhrase}";
            if (transient && retry && attempts <= options.MaxRetries && RetryAfter(response, clock) is { } wait && wait > options.MaxRetryAfter)
            {
                throw new UpstreamException($"{refusal}; it asks to wait {wait.TotalSeconds:0} s, longer than the {options.MaxRetryAfter.TotalSeconds:0} s allowed", transient: true);
            }

            throw new UpstreamException(refusal, transient, status: status);
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

    /// <summary>
    /// Each attempt bounded by the request timeout; when retrying, transient failures are tried again after the upstream's
    /// <c>Retry-After</c> (unless longer than allowed) or an exponential backoff.
    /// </summary>
    private static ResiliencePipeline<HttpResponseMessage> Pipeline(MirrorOptions options, TimeProvider clock, bool retry)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = clock };

        // Polly rejects zero retry attempts: with MaxRetries 0 every call is a single attempt.
        if (retry && options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Result: { } response } => IsTransient(response.StatusCode) && !(RetryAfter(response, clock) > options.MaxRetryAfter),
                    { Exception: HttpRequestException } => true,
                    { Exception: { } e } => IsTimeout(e, args.Context.CancellationToken),
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(RetryAfter(args.Outcome.Result, clock) ?? Backoff(options.RetryDelay, args.AttemptNumber)),
            });
        }

        return builder.AddTimeout(options.RequestTimeout).Build();
    }

    private HttpRequestMessage Request(Uri url, bool authenticated, DateTimeOffset? ifModifiedSince)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
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

        return request;
    }

    private bool SameOrigin(Uri url) =>
        Uri.Compare(url, upstream, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;

    private static bool IsTimeout(Exception e, CancellationToken caller) =>
        e is TimeoutRejectedException || (e is OperationCanceledException && !caller.IsCancellationRequested);

    // Our own ±20% jitter: Polly's decorrelated jitter may make a later wait shorter than an earlier one.
    private static TimeSpan Backoff(TimeSpan first, int attempt) =>
        TimeSpan.FromMilliseconds(first.TotalMilliseconds * Math.Pow(2, attempt) * (0.8 + (Random.Shared.NextDouble() * 0.4)));

    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider clock) => response?.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - clock.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static string Describe(HttpRequestException e) =>
        e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
}
