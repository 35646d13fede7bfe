using OrleansRegistry.Namespaces;

namespace OrleansRegistry.Terraform;

/// <summary>
/// The namespace's signing keys as a release needs them: its public keys check an uploaded signature, its
/// registry-managed key signs a SHA256SUMS the registry wrote (the private key never leaves the namespace).
/// </summary>
public interface IProviderSigningKeys
{
    Task<SigningKeyView[]> GetPublicKeysAsync();

    /// <summary>A binary detached signature of <paramref name="sha256Sums"/> with the managed key, or why there is none.</summary>
    Task<SignatureResult> SignAsync(byte[] sha256Sums);
}

/// <summary>The signing keys of a namespace grain, signing on behalf of the publisher.</summary>
public sealed class NamespaceSigningKeys(INamespaceGrain ns, Actor publisher) : IProviderSigningKeys
{
    public Task<SigningKeyView[]> GetPublicKeysAsync() => ns.GetSigningKeys();

    public Task<SignatureResult> SignAsync(byte[] sha256Sums) => ns.Sign(sha256Sums, publisher);
}

/// <summary>A provider version's uploaded files, already in the artifact store.</summary>
/// <param name="Existing">
/// The platforms the version already has: a registry-signed version gains platforms, and its new SHA256SUMS lists them all.
/// </param>
public sealed record ProviderReleaseUpload(
    string Namespace,
    string Type,
    string Version,
    ProviderFile[] Zips,
    ProviderFile? Sha256Sums,
    ProviderFile? Signature,
    IReadOnlyCollection<ProviderPlatform> Existing)
{
    public string Provider => $"{Namespace}/{Type}";
}

/// <summary>A release that checked out (or that the registry signed), ready to record.</summary>
/// <param name="Platforms">The uploaded platforms, each with its sha256 (Terraform's <c>zh:</c>) and <c>h1:</c> hash.</param>
/// <param name="Key">The namespace key that verified the uploaded signature, or the managed key that signed.</param>
/// <param name="Written">Files written for this release (its SHA256SUMS and signature, or a binary signature), deleted when recording the version surely failed.</param>
public sealed record VerifiedProviderRelease(
    ProviderPlatform[] Platforms,
    string Sha256SumsKey,
    string SignatureKey,
    SigningKeyView Key,
    string[] Written);
