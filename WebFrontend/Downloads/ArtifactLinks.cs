using Microsoft.Extensions.Options;
using OrleansRegistry.Storage;

namespace OrleansRegistry.WebFrontend.Downloads;

/// <summary>
/// Where a client downloads an artifact from. With <c>REGISTRY_STORAGE_DOWNLOADS=proxy</c> (the default) it is the
/// registry's own HMAC-signed <c>/files/</c> link, which the frontend streams from the store; with <c>redirect</c> it is
/// a pre-signed URL of the store itself, so the bytes never pass through the registry.
/// </summary>
public sealed class ArtifactLinks(UrlSigner signer, IArtifactStore store, IOptions<StorageOptions> storage, IOptions<RegistryOptions> options)
{
    private readonly bool _redirects = storage.Value.Redirects;
    private readonly TimeSpan _lifetime = storage.Value.Redirects ? storage.Value.RedirectLifetimeSpan!.Value : options.Value.SignedUrlLifetime;

    /// <summary>Links point at the store (redirect mode) rather than at the registry.</summary>
    public bool Redirects => _redirects;

    /// <summary>The expiry (Unix seconds) of links made now: the same for a whole <see cref="UrlSigner.ExpiryStep"/>.</summary>
    public long ExpiryNow() => signer.ExpiryFor(_lifetime);

    /// <summary>
    /// The link to <paramref name="key"/> valid until <paramref name="expires"/>: the store's URL, or the registry's
    /// signed path after <paramref name="origin"/> ("" for a link relative to the registry).
    /// </summary>
    public async ValueTask<string> LinkAsync(string key, string origin, long expires, CancellationToken cancellationToken) =>
        _redirects
            ? (await store.GetDownloadUrlAsync(key, DateTimeOffset.FromUnixTimeSeconds(expires), cancellationToken)
                ?? throw new InvalidOperationException("the artifact store cannot sign download URLs")).AbsoluteUri
            : origin + signer.SignUntil(key, expires);
}
