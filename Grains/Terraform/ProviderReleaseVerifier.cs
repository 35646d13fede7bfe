using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OrleansRegistry.Archives;
using OrleansRegistry.Namespaces;
using OrleansRegistry.Signing;
using OrleansRegistry.Storage;

namespace OrleansRegistry.Terraform;

/// <summary>
/// Turns a provider version's uploaded files into a release Terraform can install: every zip checked and hashed
/// (<c>h1:</c>), and either the uploaded SHA256SUMS checked against the zips and its signature against the
/// namespace's keys, or — when none came — a SHA256SUMS written by the registry and signed with the namespace's
/// managed key.
/// </summary>
public sealed class ProviderReleaseVerifier(IArtifactStore store, IOptions<ArchiveLimits> limits)
{
    private const int MaxSumsBytes = 1 << 20;
    private const int MaxSignatureBytes = 64 * 1024;

    public async Task<Outcome<VerifiedProviderRelease>> VerifyAsync(ProviderReleaseUpload upload, IProviderSigningKeys keys, CancellationToken cancellationToken)
    {
        var platforms = new List<ProviderPlatform>();
        foreach (var zip in upload.Zips)
        {
            var (platform, refusal) = await CheckZipAsync(upload, zip, platforms, cancellationToken);
            if (refusal is not null)
            {
                return refusal;
            }

            platforms.Add(platform!);
        }

        return upload.Sha256Sums is null
            ? await RegistrySignAsync(upload, platforms, keys, cancellationToken)
            : await VerifyUploadedAsync(upload, platforms, keys, cancellationToken);
    }

    /// <summary>Whether <paramref name="storedKey"/> holds the same SHA256SUMS file as the one uploaded (same sha256).</summary>
    public async Task<bool> HoldsSha256SumsAsync(string storedKey, ProviderFile uploaded, CancellationToken cancellationToken)
    {
        var stored = await ReadSmallAsync(storedKey, MaxSumsBytes, cancellationToken);
        return stored is not null && Convert.ToHexStringLower(SHA256.HashData(stored)) == uploaded.Sha256;
    }

    /// <summary>A zip's platform (from its name) and <c>h1:</c> hash; its <c>zh:</c> hash is the sha256 the store computed on upload.</summary>
    private async Task<(ProviderPlatform? Platform, Outcome? Refusal)> CheckZipAsync(
        ProviderReleaseUpload upload, ProviderFile zip, List<ProviderPlatform> checkedSoFar, CancellationToken cancellationToken)
    {
        if (ProviderArchive.ParseZipName(zip.FileName, upload.Type, upload.Version, out var nameProblem) is not var (os, arch))
        {
            return (null, Outcome.Invalid(nameProblem!));
        }

        if (upload.Existing.Any(p => p.Os == os && p.Arch == arch))
        {
            return (null, Outcome.Conflict($"platform {os}_{arch} of {upload.Provider} {upload.Version} already exists with other content"));
        }

        if (checkedSoFar.Any(p => p.Os == os && p.Arch == arch))
        {
            return (null, Outcome.Invalid($"platform {os}_{arch} is uploaded twice"));
        }

        await using var content = await store.OpenSeekableAsync(zip.StorageKey, cancellationToken);
        if (content is null)
        {
            return (null, Outcome.Invalid($"'{zip.FileName}' is missing from the artifact store"));
        }

        try
        {
            var h1 = await ProviderArchive.HashAsync(content, limits.Value, cancellationToken);
            return (new ProviderPlatform(os, arch, zip.FileName, zip.StorageKey, zip.Sha256, h1, zip.Size), null);
        }
        catch (InvalidArchiveException e)
        {
            return (null, Outcome.Invalid($"{zip.FileName}: {e.Message}"));
        }
    }

    /// <summary>The release came with SHA256SUMS and its signature: both must check out against the namespace's keys.</summary>
    private async Task<Outcome<VerifiedProviderRelease>> VerifyUploadedAsync(
        ProviderReleaseUpload upload, List<ProviderPlatform> platforms, IProviderSigningKeys keys, CancellationToken cancellationToken)
    {
        var expectedSums = ProviderArchive.SumsName(upload.Type, upload.Version);
        if (upload.Signature is null)
        {
            return Outcome.Invalid($"{expectedSums} needs its signature file {expectedSums}.sig");
        }

        if (upload.Sha256Sums!.FileName != expectedSums || upload.Signature.FileName != expectedSums + ".sig")
        {
            return Outcome.Invalid($"the checksum files must be named {expectedSums} and {expectedSums}.sig");
        }

        var sumsBytes = await ReadSmallAsync(upload.Sha256Sums.StorageKey, MaxSumsBytes, cancellationToken);
        var signatureBytes = await ReadSmallAsync(upload.Signature.StorageKey, MaxSignatureBytes, cancellationToken);
        if (sumsBytes is null || signatureBytes is null)
        {
            return Outcome.Invalid("SHA256SUMS or its signature is missing or too large");
        }

        Dictionary<string, string> sums;
        try
        {
            sums = Sha256Sums.Parse(sumsBytes);
        }
        catch (InvalidArchiveException e)
        {
            return Outcome.Invalid(e.Message);
        }

        foreach (var platform in platforms)
        {
            if (!sums.TryGetValue(platform.FileName, out var listed))
            {
                return Outcome.Invalid($"{platform.FileName} is not listed in SHA256SUMS");
            }

            if (listed != platform.Sha256)
            {
                return Outcome.Invalid($"{platform.FileName} does not match its SHA256SUMS line (expected {listed}, got {platform.Sha256})");
            }
        }

        var namespaceKeys = await keys.GetPublicKeysAsync();
        if (namespaceKeys.Length == 0)
        {
            return Outcome.Invalid(
                $"signature check failed: namespace '{upload.Namespace}' has no signing keys; upload the public key first (POST /api/v1/namespaces/{upload.Namespace}/gpg-keys)");
        }

        string keyId;
        byte[] binarySignature;
        try
        {
            (keyId, binarySignature) = OpenPgp.Verify(sumsBytes, signatureBytes, namespaceKeys.Select(k => new OpenPgpPublicKey(k.KeyId, k.AsciiArmor)));
        }
        catch (InvalidOpenPgpDataException e)
        {
            return Outcome.Invalid($"signature check failed: {e.Message}");
        }

        var key = namespaceKeys.First(k => k.KeyId == keyId);

        // Terraform needs a binary signature; an armored upload is stored in binary form.
        if (binarySignature.AsSpan().SequenceEqual(signatureBytes))
        {
            return Outcome.Of(OutcomeCode.Done, new VerifiedProviderRelease([.. platforms], upload.Sha256Sums.StorageKey, upload.Signature.StorageKey, key, []));
        }

        var binaryKey = upload.Signature.StorageKey + ".bin";
        await WriteAsync(binaryKey, binarySignature, cancellationToken);
        return Outcome.Of(OutcomeCode.Done, new VerifiedProviderRelease([.. platforms], upload.Sha256Sums.StorageKey, binaryKey, key, [binaryKey]));
    }

    /// <summary>No checksum files uploaded: the registry writes SHA256SUMS over every platform of the version and signs it with the namespace's managed key.</summary>
    private async Task<Outcome<VerifiedProviderRelease>> RegistrySignAsync(
        ProviderReleaseUpload upload, List<ProviderPlatform> platforms, IProviderSigningKeys keys, CancellationToken cancellationToken)
    {
        if (upload.Signature is not null)
        {
            return Outcome.Invalid("a signature was uploaded without its SHA256SUMS file");
        }

        var sums = Sha256Sums.Build(upload.Existing.Concat(platforms).Select(p => (p.FileName, p.Sha256)));
        var signed = await keys.SignAsync(sums);
        if (signed.Key is null)
        {
            return Outcome.Invalid($"the registry could not sign: {signed.Error}");
        }

        // A fresh folder per signing: the version's previous SHA256SUMS stays readable until the new one is committed.
        var sumsKey = $"providers/{upload.Provider}/{upload.Version}/{Guid.NewGuid():N}/{ProviderArchive.SumsName(upload.Type, upload.Version)}";
        await WriteAsync(sumsKey, sums, cancellationToken);
        await WriteAsync(sumsKey + ".sig", signed.BinarySignature!, cancellationToken);
        return Outcome.Of(OutcomeCode.Done, new VerifiedProviderRelease([.. platforms], sumsKey, sumsKey + ".sig", signed.Key, [sumsKey, sumsKey + ".sig"]));
    }

    private async Task<byte[]?> ReadSmallAsync(string key, int max, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(key, cancellationToken);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.Length <= max ? buffer.ToArray() : null;
    }

    private async Task WriteAsync(string key, byte[] bytes, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(bytes, writable: false);
        await store.WriteAsync(key, content, bytes.Length, cancellationToken);
    }
}
