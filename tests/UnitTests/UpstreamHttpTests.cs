using System.Net;
using Microsoft.Extensions.Time.Testing;
using OrleansRegistry.Mirroring;
using OrleansRegistry.Mirroring.Upstream;

namespace OrleansRegistry.UnitTests;

/// <summary>
/// Retry, Retry-After and token rules of upstream requests. The upstream here is a scripted HttpMessageHandler
/// (the HTTP exchanges themselves are covered end to end by the mirror integration tests), on a fake clock.
/// </summary>
public class UpstreamHttpTests
{
    private static readonly Uri Upstream = new("https://upstream.test");
    private readonly FakeTimeProvider _clock = new();
    private readonly MirrorOptions _options = new() { MaxRetries = 3, RetryDelay = TimeSpan.FromSeconds(1), MaxRetryAfter = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Waits_as_long_as_Retry_After_says_then_succeeds()
    {
        var upstream = new ScriptedUpstream(_clock, Status(HttpStatusCode.TooManyRequests, retryAfter: 7), Status(HttpStatusCode.OK));
        using var response = await RunAsync(Http(upstream).GetAsync(new Uri(Upstream, "/v1/x"), authenticated: true, CancellationToken.None));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, upstream.Times.Count);
        Assert.True(upstream.Times[1] - upstream.Times[0] >= TimeSpan.FromSeconds(7));
    }

    [Fact]
    public async Task Backs_off_exponentially_on_server_errors_and_gives_up_after_the_retries()
    {
        var upstream = new ScriptedUpstream(_clock, Enumerable.Repeat(Status(HttpStatusCode.BadGateway), 4).ToArray());
        var failure = await Assert.ThrowsAsync<UpstreamException>(() => RunAsync(Http(upstream).GetAsync(new Uri(Upstream, "/v1/x"), true, CancellationToken.None)));
        Assert.Contains("answered 502", failure.Message, StringComparison.Ordinal);
        Assert.True(failure.Transient);
        Assert.Equal(4, upstream.Times.Count);
        Assert.True(upstream.Times[3] - upstream.Times[2] > upstream.Times[1] - upstream.Times[0]);
    }

    [Fact]
    public async Task Does_not_retry_client_errors_or_wait_longer_than_allowed()
    {
        var missing = new ScriptedUpstream(_clock, Status(HttpStatusCode.NotFound));
        var notFound = await Assert.ThrowsAsync<UpstreamException>(() => RunAsync(Http(missing).GetAsync(new Uri(Upstream, "/v1/x"), true, CancellationToken.None)));
        Assert.False(notFound.Transient);
        Assert.Single(missing.Times);

        var busy = new ScriptedUpstream(_clock, Status(HttpStatusCode.ServiceUnavailable, retryAfter: 3600));
        var tooLong = await Assert.ThrowsAsync<UpstreamException>(() => RunAsync(Http(busy).GetAsync(new Uri(Upstream, "/v1/x"), true, CancellationToken.None)));
        Assert.Contains("asks to wait 3600 s", tooLong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sends_the_token_only_to_the_upstream_and_never_over_plain_http()
    {
        var upstream = new ScriptedUpstream(_clock, Status(HttpStatusCode.OK), Status(HttpStatusCode.OK), Status(HttpStatusCode.OK));
        var http = Http(upstream);
        (await http.GetAsync(new Uri(Upstream, "/v1/x"), authenticated: true, CancellationToken.None)).Dispose();
        (await http.GetAsync(new Uri("https://cdn.test/file.zip"), authenticated: true, CancellationToken.None)).Dispose();
        (await http.GetAsync(new Uri(Upstream, "/files/x.zip"), authenticated: false, CancellationToken.None)).Dispose();
        Assert.Equal(["Bearer secret", null, null], upstream.Authorizations);

        var insecure = await Assert.ThrowsAsync<UpstreamException>(() => http.GetAsync(new Uri("http://upstream.test/v1/x"), true, CancellationToken.None));
        Assert.Contains("allow_insecure", insecure.Message, StringComparison.Ordinal);
    }

    private UpstreamHttp Http(ScriptedUpstream upstream) => new(new HttpClient(upstream), Upstream, new MirrorCredentials("secret", null, null), allowInsecure: false, _options, _clock);

    /// <summary>Runs the call while moving the fake clock forward, so backoff delays elapse without real waiting.</summary>
    private async Task<T> RunAsync<T>(Task<T> call)
    {
        while (!call.IsCompleted)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(1);
        }

        return await call;
    }

    private static Func<HttpResponseMessage> Status(HttpStatusCode status, int? retryAfter = null) => () =>
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent("{}") };
        if (retryAfter is { } seconds)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
        }

        return response;
    };

    private sealed class ScriptedUpstream(TimeProvider clock, params Func<HttpResponseMessage>[] responses) : HttpMessageHandler
    {
        private int _next;

        public List<DateTimeOffset> Times { get; } = [];
        public List<string?> Authorizations { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Times.Add(clock.GetUtcNow());
            Authorizations.Add(request.Headers.Authorization?.ToString());
            return Task.FromResult(responses[_next++]());
        }
    }
}
