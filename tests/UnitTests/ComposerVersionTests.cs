using System.Diagnostics;
using OrleansRegistry.Composer;

namespace OrleansRegistry.UnitTests;

/// <summary>Our normalizer against Composer's own VersionParser (php + composer are installed by scripts/test.sh).</summary>
public class ComposerVersionTests
{
    private static readonly string[] Cases =
    [
        "1.2", "v2.0.1", "1.0.0", "1.0.0-beta2", "1.0.0-RC1", "1.0.0-rc.2", "2.0.0-p1", "1.0-dev", "1.0.0-alpha.3",
        "1.0.0stable", "v1.0.0-b2.1", "1.2.3.4", "1.0.0+build.5", "1.0.0-pl2", "1.x-dev", "2.1.x-dev", "1.*-dev",
        "dev-main", "dev-feature/login", "master", "trunk", "2010-01-02", "20100102", "2010.01.02.5", "1.0.0@beta",
        "1.0.0-beta@dev", "v1", "1.0.0.RC.15-dev", "0.0.1-alpha1", "1.0.0-beta.5+foo",
        // invalid
        "latest", "1.2.3.4.5", "1.0.0-gamma", "", "foo-dev", "1.0 beta", "dev-",
    ];

    [Fact]
    public void Normalizes_exactly_like_composer()
    {
        var composer = ComposerNormalize(Cases);
        foreach (var version in Cases)
        {
            var expected = composer[version];
            var ok = ComposerVersion.TryNormalize(version, out var ours);
            Assert.True((expected is null) == !ok, $"'{version}': composer says {expected ?? "invalid"}, we say {(ok ? ours : "invalid")}");
            Assert.Equal(expected, ok ? ours : null);
        }
    }

    [Theory]
    [InlineData("1.2.0.0", false, "stable")]
    [InlineData("1.0.0.0-beta2", false, "beta")]
    [InlineData("1.0.0.0-RC1", false, "RC")]
    [InlineData("dev-main", true, "dev")]
    [InlineData("1.9999999.9999999.9999999-dev", true, "dev")]
    public void Classifies_dev_and_stability(string normalized, bool dev, string stability)
    {
        Assert.Equal(dev, ComposerStability.IsDev(normalized));
        Assert.Equal(stability, ComposerStability.Of(normalized));
    }

    private static Dictionary<string, string?> ComposerNormalize(string[] versions)
    {
        const string script = """
            require '/usr/share/php/Composer/Semver/autoload.php';
            $p = new Composer\Semver\VersionParser();
            foreach (array_slice($argv, 1) as $i => $v) {
                try { $n = $p->normalize($v); echo $i, "\t", $n, "\n"; } catch (Exception $e) { echo $i, "\t!\n"; }
            }
            """;
        var start = new ProcessStartInfo("php", ["-r", script, "--", .. versions]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var php = Process.Start(start) ?? throw new InvalidOperationException("php is not installed (scripts/test.sh installs it)");
        var output = php.StandardOutput.ReadToEnd();
        php.WaitForExit();
        Assert.True(php.ExitCode == 0, php.StandardError.ReadToEnd());
        var result = new Dictionary<string, string?>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t');
            result[versions[int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture)]] = parts[1] == "!" ? null : parts[1];
        }

        return result;
    }
}
