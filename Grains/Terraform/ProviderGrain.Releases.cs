using System.Security.Cryptography;
using OrleansRegistry.Archives;
using OrleansRegistry.Namespaces;

namespace OrleansRegistry.Terraform;

/// <summary>A release's files: checking an uploaded SHA256SUMS and signature, or writing and signing them for the namespace.</summary>
public sealed partial class ProviderGrain
{
    /// <summary>A publish that repeats what is stored: every zip already a platform of the version byte for byte, and the same SHA256SUMS.</summary>
    private async Task<bool> IsRepeatAsync(ProviderVersionRecord existing, ProviderPublish request)
    {
        if (request.Zips.Any(z => !existing.Platforms.Any(p => p.FileName == z.FileName && p.Sha256 == z.Sha256)))
        {
            return false;
        }

        if (request.Sha256Sums is null)
        {
            return existing.RegistrySigned && request.Signature is null;
        }

        var stored = existing.RegistrySigned ? null : await ReadSmallAsync(existing.Sha256SumsKey, MaxSumsBytes);
        return stored is not null && Convert.ToHexStringLower(SHA256.HashData(stored)) == request.Sha256Sums.Sha256;
    }

    /// <summary>The release came with SHA256SUMS and its signature: both must check out against the namespace's keys.</summary>
    private async Task<Release> VerifyReleaseAsync(string version, List<ProviderPlatform> platforms, ProviderPublish request)
    {
        if (request.Signature is null)
        {
            return Release.Fail($"{ProviderArchive.SumsName(Type, version)} needs its signature file {ProviderArchive.SumsName(Type, version)}.sig");
        }

        var expectedSums = ProviderArchive.SumsName(Type, version);
        if (request.Sha256Sums!.FileName != expectedSums || request.Signature.FileName != expectedSums + ".sig")
        {
            return Release.Fail($"the checksum files must be named {expectedSums} and {expectedSums}.sig");
        }

        var sumsBytes = await ReadSmallAsync(request.Sha256Sums.StorageKey, MaxSumsBytes);
        var signatureBytes = await ReadSmallAsync(request.Signature.StorageKey, MaxSignatureBytes);
        if (sumsBytes is null || signatureBytes is null)
        {
            return Release.Fail("SHA256SUMS or its signature is missing or too large");
        }

        Dictionary<string, string> sums;
        try
        {
            sums = Sha256Sums.Parse(sumsBytes);
        }
        catch (InvalidArchiveException e)
        {
            return Release.Fail(e.Message);
        }

        foreach (var platform in platforms)
        {
            if (!sums.TryGetValue(platform.FileName, out var listed))
            {
                return Release.Fail($"{platform.FileName} is not listed in SHA256SUMS");
            }

            if (listed != platform.Sha256)
            {
                return Release.Fail($"{platform.FileName} does not match its SHA256SUMS line (expected {listed}, got {platform.Sha256})");
            }
        }

        var verified = await GrainFactory.GetGrain<INamespaceGrain>(Namespace).Verify(sumsBytes, signatureBytes);
        if (verified.Key is null)
        {
            return Release.Fail($"signature check failed: {verified.Error}");
        }

        // Terraform needs a binary signature; an armored upload is stored in binary form.
        if (verified.BinarySignature!.AsSpan().SequenceEqual(signatureBytes))
        {
            return new Release(request.Sha256Sums.StorageKey, request.Signature.StorageKey, verified.Key, null, []);
        }

        var binaryKey = request.Signature.StorageKey + ".bin";
        await WriteAsync(binaryKey, verified.BinarySignature!);
        return new Release(request.Sha256Sums.StorageKey, binaryKey, verified.Key, null, [binaryKey]);
    }

    /// <summary>No checksum files uploaded: the registry writes SHA256SUMS and signs it with the namespace's managed key.</summary>
    private async Task<Release> RegistrySignAsync(string version, List<ProviderPlatform> all, ProviderPublish request)
    {
        if (request.Signature is not null)
        {
            return Release.Fail("a signature was uploaded without its SHA256SUMS file");
        }

        var sums = Sha256Sums.Build(all.Select(p => (p.FileName, p.Sha256)));
        var signed = await GrainFactory.GetGrain<INamespaceGrain>(Namespace).Sign(sums, request.PublishedBy);
        if (signed.Key is null)
        {
            return Release.Fail($"the registry could not sign: {signed.Error}");
        }

        var prefix = $"providers/{Key}/{version}/{Guid.NewGuid():N}/{ProviderArchive.SumsName(Type, version)}";
        await WriteAsync(prefix, sums);
        await WriteAsync(prefix + ".sig", signed.BinarySignature!);
        return new Release(prefix, prefix + ".sig", signed.Key, null, [prefix, prefix + ".sig"]);
    }

    private async Task<byte[]?> ReadSmallAsync(string key, int max)
    {
        await using var stream = await store.OpenReadAsync(key, CancellationToken.None);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.Length <= max ? buffer.ToArray() : null;
    }

    private async Task WriteAsync(string key, byte[] bytes)
    {
        using var content = new MemoryStream(bytes, writable: false);
        await store.WriteAsync(key, content, bytes.Length, CancellationToken.None);
    }

    /// <param name="Written">Files the registry wrote for this release (its SHA256SUMS and signature, or a binary signature).</param>
    private sealed record Release(string? SumsKey, string? SignatureKey, SigningKeyView? Key, string? Error, string[] Written)
    {
        public static Release Fail(string error) => new(null, null, null, error, []);
    }
}
