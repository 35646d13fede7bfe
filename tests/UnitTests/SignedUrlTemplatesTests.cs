using System.Text;
using System.Text.Json;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.UnitTests;

/// <summary>
/// A provider's download documents cut at their signed URLs: joined with URLs they are the protocol's JSON, and every
/// document signed with one key ends in the very same key block, held once by the grain.
/// </summary>
public class SignedUrlTemplatesTests
{
    private const string Armor = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQGNBGV0ZXN0\n-----END PGP PUBLIC KEY BLOCK-----\n";

    private static ProviderPlatform Platform(string os, string arch) =>
        new(os, arch, $"terraform-provider-x_1.0.0_{os}_{arch}.zip", $"providers/acme/x/1.0.0/{os}_{arch}.zip", new string('a', 64), "h1:abc=", 10);

    private static SignedUrlTemplate Download(ProviderPlatform platform, string armor, SharedSegments shared) =>
        SignedUrlTemplates.Download(["5.0"], platform, "sums-key", "sig-key", "0123456789ABCDEF", armor, "acme", shared);

    [Fact]
    public void Joined_with_urls_the_template_is_the_download_document()
    {
        var template = Download(Platform("linux", "amd64"), Armor, new SharedSegments());

        var json = new StringBuilder();
        for (var i = 0; i < template.Keys.Length; i++)
        {
            json.Append(Encoding.UTF8.GetString(template.Segments[i])).Append("https://r.test/").Append(template.Keys[i]);
        }

        json.Append(Encoding.UTF8.GetString(template.Segments[^1]));
        var document = JsonDocument.Parse(json.ToString()).RootElement;
        Assert.Equal("https://r.test/providers/acme/x/1.0.0/linux_amd64.zip", document.GetProperty("download_url").GetString());
        Assert.Equal("https://r.test/sums-key", document.GetProperty("shasums_url").GetString());
        Assert.Equal("https://r.test/sig-key", document.GetProperty("shasums_signature_url").GetString());
        Assert.Equal(new string('a', 64), document.GetProperty("shasum").GetString());
        var key = document.GetProperty("signing_keys").GetProperty("gpg_public_keys")[0];
        Assert.Equal(Armor, key.GetProperty("ascii_armor").GetString());
        Assert.Equal("0123456789ABCDEF", key.GetProperty("key_id").GetString());
    }

    [Fact]
    public void Documents_signed_with_one_key_share_their_key_block()
    {
        var shared = new SharedSegments();
        var linux = Download(Platform("linux", "amd64"), Armor, shared);
        var darwin = Download(Platform("darwin", "arm64"), new string(Armor.AsSpan()), shared);

        Assert.Same(linux.Segments[^1], darwin.Segments[^1]);
        Assert.Contains("mQGNBGV0ZXN0", Encoding.UTF8.GetString(linux.Segments[^1]), StringComparison.Ordinal);
    }

    [Fact]
    public void Another_key_gets_its_own_block()
    {
        var shared = new SharedSegments();
        var first = Download(Platform("linux", "amd64"), Armor, shared);
        var rotated = Download(Platform("linux", "amd64"), Armor.Replace("mQGNBGV0ZXN0", "mQGNBGV0ZXN1", StringComparison.Ordinal), shared);

        Assert.NotSame(first.Segments[^1], rotated.Segments[^1]);
        Assert.Contains("mQGNBGV0ZXN1", Encoding.UTF8.GetString(rotated.Segments[^1]), StringComparison.Ordinal);
    }
}
