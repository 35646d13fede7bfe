using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using OrleansRegistry.Caching;
using OrleansRegistry.WebFrontend.Caching;

namespace OrleansRegistry.UnitTests;

/// <summary>
/// The document cache answers from a kept document when its grain's call fails because the cluster is down — within
/// the bound, and never once the grain dropped the document. Grains are stand-ins here (only their id is used).
/// </summary>
public sealed class StaleIfErrorTests : IDisposable
{
    private static readonly DocumentKey Key = new("versions");
    private readonly FakeTimeProvider _clock = new();
    private readonly FakeGrain _grain = new(GrainId.Create("module", "acme/net/aws"));
    private readonly DocumentCache _cache;

    public StaleIfErrorTests()
    {
        var options = Options.Create(new DocumentCacheOptions { Duration = TimeSpan.FromSeconds(2), StaleIfError = TimeSpan.FromMinutes(5) });
        _cache = new DocumentCache(Stand.In<IGrainFactory>(), _clock, options, new StaleIfError(options, _clock, NullLogger<StaleIfError>.Instance));
    }

    public void Dispose() => _cache.Dispose();

    [Fact]
    public async Task A_kept_document_answers_while_the_cluster_fails_within_the_bound()
    {
        Assert.Equal("v1", await GetAsync(() => "v1"));
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal("v1", await GetAsync(() => throw new SiloUnavailableException()));
        Assert.Equal("v1", await GetAsync(() => throw new TimeoutException()));
        _clock.Advance(TimeSpan.FromMinutes(1.1));
        await Assert.ThrowsAsync<SiloUnavailableException>(() => GetAsync(() => throw new SiloUnavailableException()));
    }

    [Fact]
    public async Task A_dropped_document_is_never_served_stale()
    {
        Assert.Equal("v1", await GetAsync(() => "v1"));
        await _cache.Drop(_grain.GrainContext.GrainId);
        await Assert.ThrowsAsync<SiloUnavailableException>(() => GetAsync(() => throw new SiloUnavailableException()));
    }

    [Fact]
    public async Task A_failure_that_is_not_the_cluster_is_not_hidden()
    {
        Assert.Equal("v1", await GetAsync(() => "v1"));
        _clock.Advance(TimeSpan.FromSeconds(3));
        await Assert.ThrowsAsync<InvalidOperationException>(() => GetAsync(() => throw new InvalidOperationException("a bug")));
    }

    [Fact]
    public async Task Nothing_kept_means_the_failure_goes_through()
    {
        await Assert.ThrowsAsync<SiloUnavailableException>(() => GetAsync(() => throw new SiloUnavailableException()));
    }

    private async Task<string?> GetAsync(Func<string> fetch) =>
        await _cache.GetAsync(_grain, Key, fetch, static (_, f, _) => Task.FromResult<string?>(f()));

    /// <summary>A grain as the cache sees it: something with a grain id.</summary>
    private sealed class FakeGrain(GrainId id) : IGrainBase, IAddressable
    {
        public IGrainContext GrainContext { get; } = Stand.In<IGrainContext>(m => m.Name == "get_GrainId" ? id : null);
    }

    /// <summary>An interface implemented by a function of the method called (default: every call returns null).</summary>
    public class Stand : DispatchProxy
    {
        private Func<MethodInfo, object?> _answer = _ => null;

        public static T In<T>(Func<MethodInfo, object?>? answer = null)
            where T : class
        {
            var proxy = Create<T, Stand>();
            ((Stand)(object)proxy)._answer = answer ?? (_ => null);
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => _answer(targetMethod!);
    }
}
