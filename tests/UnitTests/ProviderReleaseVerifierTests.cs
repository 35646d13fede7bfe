using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Bcpg;
using OrleansRegistry.Archives;
using OrleansRegistry.Namespaces;
using OrleansRegistry.Signing;
using OrleansRegistry.Storage.LocalFileSystem;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.UnitTests;

public sealed class ProviderReleaseVerifierTests : IDisposable
{
    private const string Sums = "terraform-provider-hello_1.0.0_SHA256SUMS";
    private const string Amd64 = "terraform-provider-hello_1.0.0_linux_amd64.zip";
    private const string Arm64 = "terraform-provider-hello_1.0.0_darwin_arm64.zip";

    // Terraform's dirhash of the zips below, computed independently (Python: sorted "sha256  name\n" lines, sha256,
    // base64); the end-to-end test also checks it against `terraform providers lock`.
    private const string KnownH1 = "h1:bdtMB561ypUQacQjexEwiIn0rn40htB5T8z7y/cW628=";

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"provider-release-{Guid.NewGuid():N}");
    private readonly LocalFileSystemArtifactStore _store;
    private readonly ProviderReleaseVerifier _verifier;

    public ProviderReleaseVerifierTests()
    {
        _store = new LocalFileSystemArtifactStore(_root);
        _verifier = new ProviderReleaseVerifier(_store, Options.Create(new ArchiveLimits()));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task A_signed_release_verifies_with_the_namespace_key_and_hashes_every_zip()
    {
        var zips = new[] { await StoreZipAsync(Amd64), await StoreZipAsync(Arm64) };
        var sums = Sha256Sums.Build(zips.Select(z => (z.FileName, z.Sha256)));
        var (sumsFile, signature) = await StoreSignedAsync(sums, OpenPgp.SignDetached(TestSigningKeys.First.SecretKeyRing, sums));

        var check = await VerifyAsync(zips, sumsFile, signature, NamespaceWith(TestSigningKeys.Second, TestSigningKeys.First));

        var release = Assert.IsType<VerifiedProviderRelease>(check.Value);
        Assert.Equal((OutcomeCode.Done, null), (check.Code, check.Reason));
        Assert.Equal(TestSigningKeys.First.Public.KeyId, release.Key.KeyId);
        Assert.Equal((sumsFile.StorageKey, signature.StorageKey), (release.Sha256SumsKey, release.SignatureKey));
        Assert.Empty(release.Written);
        Assert.Equal([("linux", "amd64"), ("darwin", "arm64")], release.Platforms.Select(p => (p.Os, p.Arch)));
        foreach (var platform in release.Platforms)
        {
            Assert.Equal(KnownH1, platform.H1);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(_store.TryGetLocalPath(platform.StorageKey)!))), platform.Sha256);
        }
    }

    [Fact]
    public async Task An_armored_signature_is_kept_in_binary_form_for_terraform()
    {
        var zips = new[] { await StoreZipAsync(Amd64) };
        var sums = Sha256Sums.Build(zips.Select(z => (z.FileName, z.Sha256)));
        var binary = OpenPgp.SignDetached(TestSigningKeys.First.SecretKeyRing, sums);
        var (sumsFile, signature) = await StoreSignedAsync(sums, Armor(binary));

        var release = (await VerifyAsync(zips, sumsFile, signature, NamespaceWith(TestSigningKeys.First))).Value!;

        Assert.Equal(signature.StorageKey + ".bin", release.SignatureKey);
        Assert.Equal([release.SignatureKey], release.Written);
        Assert.Equal(binary, await ReadAsync(release.SignatureKey));
    }

    [Fact]
    public async Task A_zip_whose_hash_differs_from_its_sha256sums_line_is_refused()
    {
        var zip = await StoreZipAsync(Amd64);
        var listed = new string('0', 64);
        var check = await VerifySignedAsync([zip], Sha256Sums.Build([(Amd64, listed)]));
        AssertInvalid($"{Amd64} does not match its SHA256SUMS line (expected {listed}, got {zip.Sha256})", check);
    }

    [Fact]
    public async Task A_platform_missing_from_sha256sums_is_refused()
    {
        var zips = new[] { await StoreZipAsync(Amd64), await StoreZipAsync(Arm64) };
        var check = await VerifySignedAsync(zips, Sha256Sums.Build([(Amd64, zips[0].Sha256)]));
        AssertInvalid($"{Arm64} is not listed in SHA256SUMS", check);
    }

    [Theory]
    [InlineData("", "SHA256SUMS is empty")]
    [InlineData("abc  file.zip\n", "SHA256SUMS line 1 is not '<sha256>  <file name>'")]
    [InlineData("\nzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz  file.zip\n", "SHA256SUMS line 2 is not '<sha256>  <file name>'")]
    public async Task Malformed_sha256sums_are_refused(string content, string error) =>
        AssertInvalid(error, await VerifySignedAsync([await StoreZipAsync(Amd64)], Encoding.UTF8.GetBytes(content)));

    [Fact]
    public async Task A_signature_by_a_key_the_namespace_lacks_is_refused_naming_that_key()
    {
        var zips = new[] { await StoreZipAsync(Amd64) };
        var sums = Sha256Sums.Build(zips.Select(z => (z.FileName, z.Sha256)));
        var (sumsFile, signature) = await StoreSignedAsync(sums, OpenPgp.SignDetached(TestSigningKeys.Second.SecretKeyRing, sums));

        var check = await VerifyAsync(zips, sumsFile, signature, NamespaceWith(TestSigningKeys.First));

        AssertInvalid($"signature check failed: the signature was made by key {TestSigningKeys.Second.Public.KeyId}, which is not among this namespace's keys", check);
    }

    [Fact]
    public async Task A_signature_over_other_content_is_refused()
    {
        var zips = new[] { await StoreZipAsync(Amd64) };
        var sums = Sha256Sums.Build(zips.Select(z => (z.FileName, z.Sha256)));
        var (sumsFile, signature) = await StoreSignedAsync(sums, OpenPgp.SignDetached(TestSigningKeys.First.SecretKeyRing, [.. sums, (byte)'\n']));

        var check = await VerifyAsync(zips, sumsFile, signature, NamespaceWith(TestSigningKeys.First));

        AssertInvalid($"signature check failed: the signature by key {TestSigningKeys.First.Public.KeyId} does not match the SHA256SUMS file", check);
    }

    [Fact]
    public async Task A_namespace_without_keys_says_how_to_add_one()
    {
        var zips = new[] { await StoreZipAsync(Amd64) };
        var sums = Sha256Sums.Build(zips.Select(z => (z.FileName, z.Sha256)));
        var (sumsFile, signature) = await StoreSignedAsync(sums, OpenPgp.SignDetached(TestSigningKeys.First.SecretKeyRing, sums));

        var check = await VerifyAsync(zips, sumsFile, signature, NamespaceWith());

        AssertInvalid("signature check failed: namespace 'acme' has no signing keys; upload the public key first (POST /api/v1/namespaces/acme/gpg-keys)", check);
    }

    [Fact]
    public async Task Without_sha256sums_the_registry_writes_them_over_all_platforms_and_signs_with_the_managed_key()
    {
        var existing = new ProviderPlatform("linux", "amd64", Amd64, "earlier/amd64.zip", new string('a', 64), KnownH1, 1);
        var zip = await StoreZipAsync(Arm64);
        var upload = new ProviderReleaseUpload("acme", "hello", "1.0.0", [zip], null, null, [existing]);

        var release = (await _verifier.VerifyAsync(upload, NamespaceWith(TestSigningKeys.First), CancellationToken.None)).Value!;

        Assert.StartsWith("providers/acme/hello/1.0.0/", release.Sha256SumsKey, StringComparison.Ordinal);
        Assert.EndsWith("/" + Sums, release.Sha256SumsKey, StringComparison.Ordinal);
        Assert.Equal(release.Sha256SumsKey + ".sig", release.SignatureKey);
        Assert.Equal([release.Sha256SumsKey, release.SignatureKey], release.Written);
        Assert.Equal([Arm64], release.Platforms.Select(p => p.FileName));
        var sums = await ReadAsync(release.Sha256SumsKey);
        Assert.Equal(Sha256Sums.Build([(Amd64, existing.Sha256), (Arm64, zip.Sha256)]), sums);
        var (keyId, _) = OpenPgp.Verify(sums, await ReadAsync(release.SignatureKey), [TestSigningKeys.First.Public]);
        Assert.Equal((TestSigningKeys.First.Public.KeyId, keyId), (release.Key.KeyId, keyId));
    }

    [Fact]
    public async Task A_namespace_that_cannot_sign_refuses_the_release()
    {
        var upload = new ProviderReleaseUpload("acme", "hello", "1.0.0", [await StoreZipAsync(Amd64)], null, null, []);
        AssertInvalid("the registry could not sign: namespace 'acme' does not exist", await _verifier.VerifyAsync(upload, NamespaceWith(), CancellationToken.None));
    }

    [Fact]
    public async Task A_signature_without_its_sha256sums_is_refused()
    {
        var signature = await StoreAsync(Sums + ".sig", "uploads/lone.sig", [1]);
        var upload = new ProviderReleaseUpload("acme", "hello", "1.0.0", [await StoreZipAsync(Amd64)], null, signature, []);
        AssertInvalid("a signature was uploaded without its SHA256SUMS file", await _verifier.VerifyAsync(upload, NamespaceWith(TestSigningKeys.First), CancellationToken.None));
    }

    [Fact]
    public async Task Zips_that_are_not_zips_repeat_a_platform_or_are_missing_are_refused()
    {
        var amd64 = await StoreZipAsync(Amd64);
        var notAZip = await StoreAsync(Arm64, "uploads/not-a-zip", "not a zip"u8.ToArray());
        var missing = amd64 with { StorageKey = "uploads/gone" };
        var signing = NamespaceWith(TestSigningKeys.First);

        AssertInvalid($"{Arm64}: the file is named .zip but is not a zip archive", await VerifyAsync([amd64, notAZip], null, null, signing));
        AssertInvalid("platform linux_amd64 is uploaded twice", await VerifyAsync([amd64, amd64], null, null, signing));
        AssertInvalid($"'{Amd64}' is missing from the artifact store", await VerifyAsync([missing], null, null, signing));
        var existing = new ProviderPlatform("linux", "amd64", Amd64, "earlier/amd64.zip", new string('a', 64), KnownH1, 1);
        var upload = new ProviderReleaseUpload("acme", "hello", "1.0.0", [amd64], null, null, [existing]);
        var check = await _verifier.VerifyAsync(upload, signing, CancellationToken.None);
        Assert.Equal((OutcomeCode.Conflict, "platform linux_amd64 of acme/hello 1.0.0 already exists with other content"), (check.Code, check.Reason));
    }

    [Fact]
    public async Task A_stored_sha256sums_is_recognised_by_its_hash()
    {
        var sumsFile = await StoreAsync(Sums, "uploads/sums", "same"u8.ToArray());
        Assert.True(await _verifier.HoldsSha256SumsAsync(sumsFile.StorageKey, sumsFile, CancellationToken.None));
        Assert.False(await _verifier.HoldsSha256SumsAsync(sumsFile.StorageKey, sumsFile with { Sha256 = new string('0', 64) }, CancellationToken.None));
        Assert.False(await _verifier.HoldsSha256SumsAsync("uploads/gone", sumsFile, CancellationToken.None));
    }

    private static void AssertInvalid(string error, Outcome<VerifiedProviderRelease> check)
    {
        Assert.Equal((OutcomeCode.Invalid, error), (check.Code, check.Reason));
        Assert.Null(check.Value);
    }

    private Task<Outcome<VerifiedProviderRelease>> VerifyAsync(ProviderFile[] zips, ProviderFile? sums, ProviderFile? signature, IProviderSigningKeys keys) =>
        _verifier.VerifyAsync(new ProviderReleaseUpload("acme", "hello", "1.0.0", zips, sums, signature, []), keys, CancellationToken.None);

    /// <summary>Verifies <paramref name="sums"/> signed with a key of the namespace, so only the SHA256SUMS content can be wrong.</summary>
    private async Task<Outcome<VerifiedProviderRelease>> VerifySignedAsync(ProviderFile[] zips, byte[] sums)
    {
        var (sumsFile, signature) = await StoreSignedAsync(sums, OpenPgp.SignDetached(TestSigningKeys.First.SecretKeyRing, sums));
        return await VerifyAsync(zips, sumsFile, signature, NamespaceWith(TestSigningKeys.First));
    }

    private Task<ProviderFile> StoreZipAsync(string fileName) =>
        StoreAsync(fileName, $"uploads/{Guid.NewGuid():N}.zip", ProviderHashingTests.Zip(("b.txt", "world\n"), ("a.txt", "hello\n"), ("dir/", "")).ToArray());

    private async Task<(ProviderFile Sums, ProviderFile Signature)> StoreSignedAsync(byte[] sums, byte[] signature) =>
        (await StoreAsync(Sums, $"uploads/{Guid.NewGuid():N}", sums), await StoreAsync(Sums + ".sig", $"uploads/{Guid.NewGuid():N}", signature));

    private async Task<ProviderFile> StoreAsync(string fileName, string key, byte[] content)
    {
        var stored = await _store.WriteAsync(key, new MemoryStream(content), long.MaxValue, CancellationToken.None);
        return new ProviderFile(fileName, key, stored.Size, stored.Sha256);
    }

    private Task<byte[]> ReadAsync(string key) => File.ReadAllBytesAsync(_store.TryGetLocalPath(key)!);

    private static byte[] Armor(byte[] binary)
    {
        using var buffer = new MemoryStream();
        using (var armored = new ArmoredOutputStream(buffer))
        {
            armored.Write(binary, 0, binary.Length);
        }

        return buffer.ToArray();
    }

    /// <summary>A namespace with these keys uploaded; the first, if any, is also its managed key.</summary>
    private static NamespaceKeys NamespaceWith(params OpenPgpKeyPair[] keys) => new(keys);

    private sealed class NamespaceKeys(OpenPgpKeyPair[] keys) : IProviderSigningKeys
    {
        public Task<SigningKeyView[]> GetPublicKeysAsync() => Task.FromResult(keys.Select(View).ToArray());

        public Task<SignatureResult> SignAsync(byte[] sha256Sums) => Task.FromResult(keys.Length == 0
            ? new SignatureResult(null, null, "namespace 'acme' does not exist")
            : new SignatureResult(View(keys[0]), OpenPgp.SignDetached(keys[0].SecretKeyRing, sha256Sums), null));

        private static SigningKeyView View(OpenPgpKeyPair key) => new(key.Public.KeyId, key.Public.AsciiArmor, "uploaded", DateTimeOffset.UnixEpoch);
    }
}
