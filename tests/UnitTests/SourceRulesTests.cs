using OrleansRegistry.Mirroring;
using OrleansRegistry.Mirroring.Git;

namespace OrleansRegistry.UnitTests;

public class SourceRulesTests
{
    [Theory]
    [InlineData("v1.2.0", "v*", "1.2.0")]
    [InlineData("v1.2.0-rc.1", "v*", "1.2.0-rc.1")]
    [InlineData("release-2.0.0", "release-*", "2.0.0")]
    [InlineData("net/v3.1.0", "net/v*", "3.1.0")]
    [InlineData("1.0.0", "*", "1.0.0")]
    [InlineData("vnext", "v*", null)]
    [InlineData("release-2.0.0", "v*", null)]
    [InlineData("v1.2", "v*", null)]
    public void Module_tags_become_versions_under_the_pattern(string tag, string pattern, string? expected) =>
        Assert.Equal(expected, ModuleGitSync.VersionOf(tag, pattern));

    [Theory]
    [InlineData("main", "dev-main")]
    [InlineData("feature/x", "dev-feature/x")]
    [InlineData("2.x", "2.x-dev")]
    [InlineData("1.0", "1.0-dev")]
    [InlineData("v3", "v3-dev")]
    public void Branches_become_dev_versions_the_way_composer_names_them(string branch, string expected) =>
        Assert.Equal(expected, ComposerGitSync.BranchVersion(branch));

    private static MirrorSettings ModuleSource(string url) =>
        new("", url, 0, false, new ModuleGitSourceSettings("acme", "net", "aws", null, null));

    [Theory]
    [InlineData("https://git.acme.test/infra.git", null)]
    [InlineData("ssh://git@git.acme.test/infra.git", null)]
    [InlineData("file:///srv/git/infra", null)]
    [InlineData("http://git.acme.test/infra.git", "'url'")]
    [InlineData("git@git.acme.test:infra.git", "'url'")]
    [InlineData("https://token@git.acme.test/infra.git", "'url'")]
    [InlineData("ftp://git.acme.test/infra.git", "'url'")]
    public void Git_urls_are_https_ssh_or_file(string url, string? error)
    {
        var (settings, problem) = MirrorSettingsRules.Normalize(ModuleSource(url));
        Assert.Equal(error is null, settings is not null);
        if (error is not null)
        {
            Assert.Contains(error, problem, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("acme/net/aws", settings!.Name);
            Assert.Equal("v*", Assert.IsType<ModuleGitSourceSettings>(settings.KindSettings).TagPattern);
        }
    }

    [Theory]
    [InlineData(new[] { "monolog/*", "symfony/console" }, "lazy", null)]
    [InlineData(new[] { "*" }, "lazy", null)]
    [InlineData(new[] { "*", "monolog/*" }, "lazy", null)]
    [InlineData(new[] { "*" }, "eager", "lazy mode only")]
    [InlineData(new[] { "monolog/**" }, "lazy", "'packages'")]
    [InlineData(new[] { "Monolog" }, "lazy", "'packages'")]
    [InlineData(new string[0], "lazy", "'packages'")]
    [InlineData(new[] { "monolog/*" }, "sometimes", "'mode'")]
    public void Composer_repositories_take_package_patterns_and_a_mode(string[] packages, string mode, string? error)
    {
        var (settings, problem) = MirrorSettingsRules.Normalize(
            new MirrorSettings("packagist", "https://repo.packagist.org", 0, false, new ComposerRepositoryMirrorSettings(packages, mode, null)));
        Assert.Equal(error is null, settings is not null);
        if (error is not null)
        {
            Assert.Contains(error, problem, StringComparison.Ordinal);
        }
        else if (packages.Contains("*"))
        {
            // Every package of the upstream: the other entries add nothing, and only keys for every namespace manage it.
            Assert.Equal(["*"], Assert.IsType<ComposerRepositoryMirrorSettings>(settings!.KindSettings).Packages!);
            Assert.Equal(["*"], MirrorKinds.Namespaces(settings));
        }
    }
}
