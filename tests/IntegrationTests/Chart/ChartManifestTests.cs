using System.Text.RegularExpressions;
using OrleansRegistry.IntegrationTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace OrleansRegistry.IntegrationTests.Chart;

/// <summary>What the rendered manifests must hold for the pods to run as the registry needs them to.</summary>
public sealed partial class ChartManifestTests
{
    private const string Prefix = "registry-orleans-registry";

    private static readonly RenderedChart Cluster = new(HelmCli.Template([HelmCli.ValuesFile("cluster-values.yaml")]));

    [Theory]
    [InlineData("silo")]
    [InlineData("frontend")]
    public void Pods_run_unprivileged_on_a_read_only_root_with_writable_tmp_and_data(string role)
    {
        var workload = Cluster.Get("Deployment", $"{Prefix}-{role}");
        var pod = RenderedChart.PodSpec(workload);
        Assert.Equal("true", pod.Map("securityContext").Text("runAsNonRoot"));
        Assert.Equal("1654", pod.Map("securityContext").Text("runAsUser"));
        var container = RenderedChart.Container(workload, role);
        var security = container.Map("securityContext");
        Assert.Equal("true", security.Text("readOnlyRootFilesystem"));
        Assert.Equal("true", security.Text("runAsNonRoot"));
        Assert.Equal("false", security.Text("allowPrivilegeEscalation"));
        Assert.Equal(["ALL"], security.Map("capabilities").Seq("drop").Texts());

        var emptyDirs = pod.Seq("volumes").OfType<YamlMappingNode>().Where(v => v.Has("emptyDir")).Select(v => v.Text("name")).ToHashSet();
        var mounts = container.Seq("volumeMounts").OfType<YamlMappingNode>().Where(m => emptyDirs.Contains(m.Text("name"))).Select(m => m.Text("mountPath"));
        Assert.Equal(["/data", "/tmp"], mounts.Order());
        Assert.Equal("/data", Cluster.Environment(container, "10.1.2.3")["REGISTRY_DATA_DIR"]);
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("frontend")]
    public void Probes_ask_health_on_the_port_the_process_serves_metrics_on(string role)
    {
        var container = RenderedChart.Container(Cluster.Get("Deployment", $"{Prefix}-{role}"), role);
        var metricsPort = container.Seq("ports").OfType<YamlMappingNode>().Single(p => p.Text("name") == "metrics").Text("containerPort");
        Assert.Equal(metricsPort, Cluster.Environment(container, "10.1.2.3")["REGISTRY_METRICS_PORT"]);
        foreach (var (probe, path) in new[] { ("startupProbe", "/health/live"), ("livenessProbe", "/health/live"), ("readinessProbe", "/health/ready") })
        {
            var get = container.Map(probe).Map("httpGet");
            Assert.Equal(path, get.Text("path"));
            Assert.Equal("metrics", get.Text("port"));
        }
    }

    [Fact]
    public void Silos_advertise_the_pod_ip_on_their_declared_ports_and_hand_over_gracefully()
    {
        var workload = Cluster.Get("Deployment", $"{Prefix}-silo");
        var container = RenderedChart.Container(workload, "silo");
        var environment = Cluster.Environment(container, "10.1.2.3");
        Assert.Equal("10.1.2.3", environment["REGISTRY_ADVERTISED_IP"]);
        Assert.Equal("silo", environment["REGISTRY_ROLE"]);
        var ports = container.Seq("ports").OfType<YamlMappingNode>().ToDictionary(p => p.Text("name"), p => p.Text("containerPort"));
        Assert.Equal(ports["silo"], environment["REGISTRY_SILO_PORT"]);
        Assert.Equal(ports["gateway"], environment["REGISTRY_GATEWAY_PORT"]);

        var pod = RenderedChart.PodSpec(workload);
        var grace = int.Parse(pod.Text("terminationGracePeriodSeconds"), System.Globalization.CultureInfo.InvariantCulture);
        var pause = int.Parse(container.Map("lifecycle").Map("preStop").Map("sleep").Text("seconds"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(60, grace);
        Assert.InRange(pause, 1, grace - 30);
        Assert.Equal("0", workload.Map("spec").Map("strategy").Map("rollingUpdate").Text("maxUnavailable"));
    }

    [Fact]
    public void Frontends_outlast_their_drain_and_keep_keys_they_do_not_use_out_of_reach()
    {
        var workload = Cluster.Get("Deployment", $"{Prefix}-frontend");
        var container = RenderedChart.Container(workload, "frontend");
        var environment = Cluster.Environment(container, "10.1.2.3");
        var drain = TimeSpan.Parse(environment["REGISTRY_SHUTDOWN_DRAIN_DELAY"], System.Globalization.CultureInfo.InvariantCulture);
        var grace = int.Parse(RenderedChart.PodSpec(workload).Text("terminationGracePeriodSeconds"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(grace > drain.TotalSeconds + 30, $"grace period {grace} s does not cover the drain {drain} and 30 s of in-flight requests");
        Assert.DoesNotContain("REGISTRY_ENCRYPTION_KEY_FILE", environment.Keys);
        Assert.DoesNotContain("REGISTRY_BOOTSTRAP_ADMIN_KEY", environment.Keys);
        Assert.Equal("0.0.0.0/0,::/0", environment["REGISTRY_TRUSTED_PROXIES"]);
    }

    [Fact]
    public void Migrations_run_as_a_hook_before_install_and_upgrade_from_a_secret_that_exists_by_then()
    {
        var job = Cluster.Get("Job", $"{Prefix}-migrate");
        Assert.Equal("pre-install,pre-upgrade", job.Map("metadata").Map("annotations").Text("helm.sh/hook"));
        var container = RenderedChart.Container(job, "migrate");
        Assert.Equal(["migrate"], container.Seq("args").Texts());
        var reference = container.Seq("env").OfType<YamlMappingNode>().Single(e => e.Text("name") == "REGISTRY_DB").Map("valueFrom").Map("secretKeyRef");
        var hookSecret = Cluster.Get("Secret", reference.Text("name")).Map("metadata").Map("annotations");
        Assert.Equal("pre-install,pre-upgrade", hookSecret.Text("helm.sh/hook"));
        Assert.True(int.Parse(hookSecret.Text("helm.sh/hook-weight"), System.Globalization.CultureInfo.InvariantCulture)
            < int.Parse(job.Map("metadata").Map("annotations").Text("helm.sh/hook-weight"), System.Globalization.CultureInfo.InvariantCulture));
        var silo = Cluster.Environment(RenderedChart.Container(Cluster.Get("Deployment", $"{Prefix}-silo"), "silo"), "10.1.2.3");
        Assert.Equal(silo["REGISTRY_DB"], Cluster.SecretData(reference.Text("name"))[reference.Text("key")]);

        // An existingSecret exists before the release: the job reads it, and the chart makes no Secret at all.
        var external = new RenderedChart(HelmCli.Template([HelmCli.ValuesFile("external-postgres-values.yaml")]));
        Assert.Empty(external.OfKind("Secret"));
        var externalReference = RenderedChart.Container(external.Get("Job", $"{Prefix}-migrate"), "migrate").Seq("env").OfType<YamlMappingNode>().Single().Map("valueFrom").Map("secretKeyRef");
        Assert.Equal("orleans-registry-settings", externalReference.Text("name"));
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("frontend")]
    public void A_disruption_budget_covers_each_role(string role)
    {
        var pdb = Cluster.Get("PodDisruptionBudget", $"{Prefix}-{role}");
        var pods = Cluster.Get("Deployment", $"{Prefix}-{role}").Map("spec").Map("template").Map("metadata").Map("labels");
        var selector = pdb.Map("spec").Map("selector").Map("matchLabels");
        Assert.All(selector.Children, label => Assert.Equal(((YamlScalarNode)label.Value).Value, pods.Text(((YamlScalarNode)label.Key).Value!)));
        Assert.Equal("1", pdb.Map("spec").Text("maxUnavailable"));
    }

    [Fact]
    public void The_ingress_case_terminates_tls_scales_frontends_and_alerts()
    {
        var chart = new RenderedChart(HelmCli.Template([HelmCli.ValuesFile("ingress-tls-hpa-values.yaml")]));
        var ingress = chart.Get("Ingress", Prefix).Map("spec");
        Assert.Equal(["registry.acme.example"], ingress.Seq("tls").OfType<YamlMappingNode>().Single().Seq("hosts").Texts());
        Assert.Equal($"{Prefix}-frontend", ingress.Seq("rules").OfType<YamlMappingNode>().Single().Map("http").Seq("paths").OfType<YamlMappingNode>().Single().Map("backend").Map("service").Text("name"));
        Assert.Equal($"{Prefix}-frontend", chart.Get("HorizontalPodAutoscaler", $"{Prefix}-frontend").Map("spec").Map("scaleTargetRef").Text("name"));
        Assert.False(chart.Get("Deployment", $"{Prefix}-frontend").Map("spec").Has("replicas"));
        Assert.NotEmpty(chart.Get("PrometheusRule", Prefix).Map("spec").Seq("groups"));
        Assert.NotNull(chart.Find("ServiceMonitor", Prefix));
    }

    [Fact]
    public void The_readme_describes_every_value()
    {
        var values = new YamlStream();
        values.Load(new StringReader(File.ReadAllText(Path.Combine(HelmCli.ChartDirectory, "values.yaml"))));
        var readme = File.ReadAllText(Path.Combine(HelmCli.ChartDirectory, "README.md"));
        var documented = DocumentedValue().Matches(readme).Select(m => m.Groups[1].Value).ToHashSet();
        var missing = Leaves((YamlMappingNode)values.Documents[0].RootNode, "").Where(path => !documented.Contains(path)).ToList();
        Assert.True(missing.Count == 0, $"values without a README row: {string.Join(", ", missing)}");
    }

    /// <summary>Value paths: mappings are walked into, except empty ones, resources and label selectors (values of their own).</summary>
    private static IEnumerable<string> Leaves(YamlMappingNode node, string prefix) =>
        node.Children.SelectMany(e =>
        {
            var path = prefix + ((YamlScalarNode)e.Key).Value;
            return e.Value is YamlMappingNode { Children.Count: > 0 } child 
                && !path.EndsWith("resources", StringComparison.Ordinal) && !path.EndsWith("Selector", StringComparison.Ordinal)
                ? Leaves(child, path + ".")
                : [path];
        });

    [GeneratedRegex(@"^\| `([A-Za-z0-9.]+)` \|", RegexOptions.Multiline)]
    private static partial Regex DocumentedValue();
}
