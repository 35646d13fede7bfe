using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests.Chart;

/// <summary>`helm lint --strict` and `helm template` of the chart with each values file of k8s/orleans-registry/ci.</summary>
public sealed class ChartLintTests
{
    private static IEnumerable<string> ValuesFileNames() =>
        Directory.GetFiles(Path.Combine(HelmCli.ChartDirectory, "ci"), "*.yaml").Select(f => Path.GetFileName(f)).Order();

    public static TheoryData<string> ValuesFiles() => [.. ValuesFileNames()];

    [Fact]
    public void Every_case_of_the_issue_has_a_values_file()
    {
        Assert.Superset(
            new HashSet<string> { "minimal-values.yaml", "s3-irsa-values.yaml", "azure-values.yaml", "external-postgres-values.yaml", "ingress-tls-hpa-values.yaml", "cluster-values.yaml", "oidc-entra-values.yaml" },
            ValuesFileNames().ToHashSet());
    }

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void Lints_strictly_and_renders(string valuesFile)
    {
        var (code, output, error) = HelmCli.Run("lint", "--strict", HelmCli.ChartDirectory, "-f", HelmCli.ValuesFile(valuesFile));
        Assert.True(code == 0, $"helm lint --strict -f {valuesFile}: {output}{error}");

        var chart = new RenderedChart(HelmCli.Template([HelmCli.ValuesFile(valuesFile)]));
        Assert.NotNull(chart.Find("Deployment", "registry-orleans-registry-silo"));
        Assert.NotNull(chart.Find("Deployment", "registry-orleans-registry-frontend"));
        Assert.NotNull(chart.Find("Job", "registry-orleans-registry-migrate"));
    }

    [Theory]
    [InlineData("storage.kind=local", "/storage/local/existingClaim")]
    [InlineData("storage.kind=local,storage.local.existingClaim=shared,storage.downloads=redirect", "/storage/downloads")]
    [InlineData("storage.kind=s3,storage.s3.bucket=", "/storage/s3/bucket")]
    [InlineData("storage.kind=azure,storage.azure.container=c", "/storage/azure/accountName")]
    [InlineData("database.connectionString=", "/database/connectionString")]
    [InlineData("storage.kind=nfs", "/storage/kind")]
    [InlineData("frontend.replica=3", "additional properties 'replica'")]
    public void The_schema_rejects_what_cannot_work(string sets, string complaint)
    {
        var (code, _, error) = HelmCli.Run("template", "registry", HelmCli.ChartDirectory, "-f", HelmCli.ValuesFile("minimal-values.yaml"), "--set", sets);
        Assert.NotEqual(0, code);
        Assert.Contains(complaint, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_grace_period_shorter_than_the_frontends_drain_is_refused()
    {
        var (code, _, error) = HelmCli.Run("template", "registry", HelmCli.ChartDirectory, "-f", HelmCli.ValuesFile("minimal-values.yaml"),
            "--set", "frontend.shutdownDrainSeconds=20,frontend.terminationGracePeriodSeconds=45");
        Assert.NotEqual(0, code);
        Assert.Contains("must exceed frontend.shutdownDrainSeconds + 30", error, StringComparison.Ordinal);
    }
}
