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

    public string Sign(string artifactKey, TimeSpan lifetime)
    {
        var expires = clock.GetUtcNow().Add(lifetime).ToUnixTimeSeconds();
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
