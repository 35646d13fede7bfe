using Microsoft.Extensions.Time.Testing;
using OrleansRegistry.WebFrontend.Downloads;

namespace OrleansRegistry.UnitTests;

public class UrlSignerTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    private static (string Path, string? Exp, string? Sig) Split(string url)
    {
        var uri = new Uri("https://x" + url);
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        return (uri.AbsolutePath, query["exp"], query["sig"]);
    }

    [Fact]
    public void A_signed_url_verifies_until_it_expires()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var signer = new UrlSigner(Key, clock);
        var (path, exp, sig) = Split(signer.Sign("modules/abc.tar.gz", TimeSpan.FromMinutes(10)));
        Assert.Equal("/files/modules/abc.tar.gz", path);
        Assert.Null(signer.Verify(path, exp, sig));
        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal("the download link has expired", signer.Verify(path, exp, sig));
    }

    [Fact]
    public void Links_signed_within_one_expiry_step_are_the_same_url_and_live_at_least_their_lifetime()
    {
        var start = DateTimeOffset.Parse("2026-01-01T00:00:07Z", System.Globalization.CultureInfo.InvariantCulture);
        var clock = new FakeTimeProvider(start);
        var signer = new UrlSigner(Key, clock);
        var first = signer.Sign("providers/a.zip", TimeSpan.FromMinutes(10));
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(first, signer.Sign("providers/a.zip", TimeSpan.FromMinutes(10)));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.NotEqual(first, signer.Sign("providers/a.zip", TimeSpan.FromMinutes(10)));

        var expires = DateTimeOffset.FromUnixTimeSeconds(long.Parse(Split(first).Exp!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(expires - start, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10) + UrlSigner.ExpiryStep);
    }

    [Fact]
    public void Tampering_with_path_expiry_or_key_is_refused()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var signer = new UrlSigner(Key, clock);
        var (path, exp, sig) = Split(signer.Sign("modules/abc.tar.gz", TimeSpan.FromMinutes(10)));
        Assert.NotNull(signer.Verify("/files/modules/other.tar.gz", exp, sig));
        Assert.NotNull(signer.Verify(path, (long.Parse(exp!, System.Globalization.CultureInfo.InvariantCulture) + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture), sig));
        Assert.NotNull(signer.Verify(path, exp, null));
        Assert.NotNull(signer.Verify(path, "soon", sig));
        var otherKey = new UrlSigner(Enumerable.Repeat((byte)7, 32).ToArray(), clock);
        Assert.NotNull(otherKey.Verify(path, exp, sig));
    }
}
