using OrleansRegistry.Caching;

namespace OrleansRegistry.Terraform;

/// <summary>An uploaded release file already in the artifact store.</summary>
[GenerateSerializer, Immutable, Alias("provider-file")]
public sealed record ProviderFile(
    [property: Id(0)] string FileName,
    [property: Id(1)] string StorageKey,
    [property: Id(2)] long Size,
    [property: Id(3)] string Sha256);

/// <summary>A provider version to publish: platform zips, and optionally the release's SHA256SUMS and its signature.</summary>
[GenerateSerializer, Immutable, Alias("provider-publish")]
public sealed record ProviderPublish(
    [property: Id(0)] string Version,
    [property: Id(1)] string[] Protocols,
    [property: Id(2)] ProviderFile[] Zips,
    [property: Id(3)] ProviderFile? Sha256Sums,
    [property: Id(4)] ProviderFile? Signature,
    [property: Id(5)] Actor PublishedBy);

[GenerateSerializer, Immutable, Alias("provider-platform")]
public sealed record ProviderPlatform(
    [property: Id(0)] string Os,
    [property: Id(1)] string Arch,
    [property: Id(2)] string FileName,
    [property: Id(3)] string StorageKey,
    [property: Id(4)] string Sha256,
    [property: Id(5)] string H1,
    [property: Id(6)] long Size);

/// <summary>Why a provider version should not be used, and where to read more; Terraform shows it as a warning.</summary>
[GenerateSerializer, Immutable, Alias("provider-deprecation")]
public sealed record ProviderDeprecation(
    [property: Id(0)] string? Reason,
    [property: Id(1)] string? Link,
    [property: Id(2)] DateTimeOffset At);

[GenerateSerializer, Immutable, Alias("provider-version-view")]
public sealed record ProviderVersionView(
    [property: Id(0)] string Version,
    [property: Id(1)] string[] Protocols,
    [property: Id(2)] ProviderPlatform[] Platforms,
    [property: Id(3)] string KeyId,
    [property: Id(4)] bool RegistrySigned,
    [property: Id(5)] DateTimeOffset PublishedAt,
    [property: Id(6)] ProviderDeprecation? Deprecation);

/// <summary>A version a mirror fetched and verified against its upstream's signing key; its files are already stored.</summary>
[GenerateSerializer, Immutable, Alias("provider-import")]
public sealed record ProviderImport(
    [property: Id(0)] string Version,
    [property: Id(1)] string[] Protocols,
    [property: Id(2)] ProviderPlatform[] Platforms,
    [property: Id(3)] string Sha256SumsKey,
    [property: Id(4)] string SignatureKey,
    [property: Id(5)] string KeyId,
    [property: Id(6)] string KeyArmor,
    [property: Id(7)] string MirrorId);

/// <summary>A provider: <c>namespace/type</c>, or <c>hostname/namespace/type</c> when mirrored; the single writer of its versions and holder of its protocol documents.</summary>
[Alias("provider")]
public interface IProviderGrain : IGrainWithStringKey
{
    [Alias("publish")]
    Task<Outcome<ProviderVersionView>> Publish(ProviderPublish request);

    /// <summary>Records mirrored versions (new ones, or new platforms of a version with the same SHA256SUMS); returns platforms added.</summary>
    [Alias("import")]
    Task<int> Import(ProviderImport[] versions);

    /// <param name="holder">The asking frontend's document cache, told to drop the answer when it changes; null when not caching.</param>
    [Alias("versions-document")]
    Task<ProtocolDocument?> GetVersionsDocument(IDocumentHolder? holder);

    /// <summary>The provider protocol download document, rendered once, with its three signed URLs to fill in.</summary>
    [Alias("download-template")]
    Task<SignedUrlTemplate?> GetDownloadTemplate(string version, string os, string arch, IDocumentHolder? holder);

    /// <summary>The network mirror <c>{version}.json</c>, rendered once, with one signed URL per platform to fill in.</summary>
    [Alias("mirror-version-template")]
    Task<SignedUrlTemplate?> GetMirrorVersionTemplate(string version, IDocumentHolder? holder);

    /// <summary>Network mirror <c>index.json</c>.</summary>
    [Alias("mirror-index")]
    Task<ProtocolDocument?> GetMirrorIndex();

    [Alias("version"), Orleans.Concurrency.ReadOnly]
    Task<ProviderVersionView?> GetVersion(string version);

    [Alias("versions"), Orleans.Concurrency.ReadOnly]
    Task<ProviderVersionView[]> GetVersions();

    [Alias("delete-version")]
    Task<Outcome> DeleteVersion(string version, Actor actor);

    [Alias("deprecate")]
    Task<Outcome> SetDeprecation(string version, ProviderDeprecation? deprecation, Actor actor);
}

/// <summary>
/// A protocol document that carries short-lived signed URLs: the grain renders everything once, and the frontend
/// writes <c>Segments[0] + url(Keys[0]) + Segments[1] + ... + Segments[^1]</c>, signing each artifact key per request.
/// </summary>
[GenerateSerializer, Immutable, Alias("signed-url-template")]
public sealed record SignedUrlTemplate(
    [property: Id(0)] byte[][] Segments,
    [property: Id(1)] string[] Keys);
