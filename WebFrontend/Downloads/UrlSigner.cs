using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OrleansRegistry.WebFrontend.Downloads;

/// <summary>
/// HMAC-signed, expiring URLs for artifacts. Terraform sends no credentials to download locations, so the URL
/// itself is the authorization: <c>/files/{key}?exp={unix seconds}&amp;sig={base64url(HMAC-SHA256)}</c>.
/// </summary>
public sealed class UrlSigner(byte[] key, TimeProvider clock)
{
    public const string FilesPrefix = "/files/";

    /// <summary>
    /// Expiry times are rounded up to this step, so every link to an artifact signed within one step is the same URL
    /// and a document full of links can be rendered once per step; a link lives for its lifetime plus at most a step.
    /// </summary>
    public static readonly TimeSpan ExpiryStep = TimeSpan.FromSeconds(30);

    public string Sign(string artifactKey, TimeSpan lifetime) => SignUntil(artifactKey, ExpiryFor(lifetime));

    /// <summary>The expiry (Unix seconds) of a link signed now for <paramref name="lifetime"/>.</summary>
    public long ExpiryFor(TimeSpan lifetime)
    {
        var step = (long)ExpiryStep.TotalSeconds;
        var expires = clock.GetUtcNow().Add(lifetime).ToUnixTimeSeconds();
        return (expires + step - 1) / step * step;
    }

    public string SignUntil(string artifactKey, long expires)
    {
        var path = FilesPrefix + artifactKey;
        return $"{path}?exp={expires}&sig={Signature(path, expires)}";
    }

    /// <summary>Checks a presented signature for <paramref name="path"/>; returns the reason when invalid.</summary>
    public string? Verify(string path, string? exp, string? sig)
    {
        if (exp is null || sig is null || !long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return "the download link is not signed";
        }

        var expected = Encoding.ASCII.GetBytes(Signature(path, expires));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(sig)))
        {
            return "the download link's signature is invalid";
        }

        return clock.GetUtcNow().ToUnixTimeSeconds() > expires ? "the download link has expired" : null;
    }

    private string Signature(string path, long expires)
    {
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{path}\n{expires}"));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
