using System.Text;
using OrleansRegistry.Storage.Copying;

namespace OrleansRegistry.UnitTests;

/// <summary>Which strings of a grain's stored state are the keys of artifacts it refers to.</summary>
public class ReferencedArtifactsTests
{
    private static HashSet<string> Keys(string json)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        ReferencedArtifacts.CollectFrom(Encoding.UTF8.GetBytes(json), keys);
        return keys;
    }

    [Fact]
    public void Keys_of_archives_checksums_signatures_and_readmes_are_found_at_any_depth()
    {
        var keys = Keys("""
            {"Versions":{"1.0.0":{"StorageKey":"modules/0a1b.tar.gz","ReadmeKey":"modules/0a1b.tar.gz.README.md","Downloads":3}},
             "Releases":[{"Sha256SumsKey":"providers/acme/x/1.0.0/9f/terraform-provider-x_1.0.0_SHA256SUMS",
                          "SignatureKey":"providers/acme/x/1.0.0/9f/terraform-provider-x_1.0.0_SHA256SUMS.sig",
                          "Platforms":[{"Os":"linux","StorageKey":"providers/uploads/u1/terraform-provider-x_1.0.0_linux_amd64.zip"}]}],
             "Dists":{"1.0.0.0@abc":{"Url":"https://repo.example/dist.zip","StorageKey":"mirrors/composer/m1/acme/lib/1.0.0.0/abc.zip"},
                      "2.0.0.0@def":{"Url":"https://repo.example/dist2.zip","StorageKey":null}}}
            """);
        Assert.Equal(
            [
                "mirrors/composer/m1/acme/lib/1.0.0.0/abc.zip", "modules/0a1b.tar.gz", "modules/0a1b.tar.gz.README.md",
                "providers/acme/x/1.0.0/9f/terraform-provider-x_1.0.0_SHA256SUMS", "providers/acme/x/1.0.0/9f/terraform-provider-x_1.0.0_SHA256SUMS.sig",
                "providers/uploads/u1/terraform-provider-x_1.0.0_linux_amd64.zip",
            ],
            keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Strings_that_only_look_like_keys_are_not_artifacts()
    {
        // A Git source's path, a provider's address, a secret, a key outside the registry's folders, an escaping one.
        var keys = Keys("""
            {"Settings":{"Path":"modules/net","Url":"file:///repos/modules/x"},"ProviderKey":"hashicorp/null",
             "ManagedSecretKey":"AQIDBA==","Other":{"StorageKey":"health/probe-1"},"Bad":{"StorageKey":"modules/../etc/passwd"},
             "Names":["modules/a.tar.gz"]}
            """);
        Assert.Empty(keys);
    }
}
