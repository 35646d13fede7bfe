using System.Text;
using OrleansRegistry.IntegrationTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace OrleansRegistry.IntegrationTests.Observability;

/// <summary>
/// The alert rules and the dashboard's queries as Prometheus reads them: promtool (Prometheus' own checker, which
/// scripts/test.sh unpacks from Debian's prometheus package) parses them, and runs the rules' unit tests
/// (alerts.test.yaml: each alert fires on the series of a real failure and stays silent on its look-alikes).
/// </summary>
public sealed class PrometheusRulesTests
{
    [Fact]
    public void Alert_rules_pass_promtool_and_carry_what_the_runbook_needs()
    {
        var link = new FileInfo(MonitoringFiles.AlertsPath);
        Assert.Equal("../orleans-registry/files/alerts.yaml", link.LinkTarget);
        var (code, output, error) = ChildProcess.Run(Promtool(), ["check", "rules", MonitoringFiles.AlertsPath]);
        Assert.True(code == 0, output + error);

        var yaml = new YamlStream();
        using (var reader = new StreamReader(MonitoringFiles.AlertsPath))
        {
            yaml.Load(reader);
        }

        var rules = ((YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"])[0])["rules"]).Cast<YamlMappingNode>().ToArray();
        Assert.Equal(
            ["RegistryApiKeysExpiringSoon", "RegistryFewerSilosThanDesired", "RegistryHigh5xxRate", "RegistryHighP99Latency", "RegistryMirrorSyncErrors"],
            rules.Select(r => ((YamlScalarNode)r["alert"]).Value).Order(StringComparer.Ordinal));
        Assert.All(rules, rule =>
        {
            var name = ((YamlScalarNode)rule["alert"]).Value!;
            Assert.True(rule.Children.ContainsKey("for"), $"{name} has no 'for'");
            Assert.Contains(((YamlScalarNode)((YamlMappingNode)rule["labels"])["severity"]).Value, new[] { "warning", "critical" });
            var annotations = (YamlMappingNode)rule["annotations"];
            Assert.All(new[] { "summary", "description", "runbook" }, key => Assert.True(annotations.Children.ContainsKey(key), $"{name} has no {key}"));
            Assert.Contains($"k8s/grafana/README.md#{name.ToLowerInvariant()}", ((YamlScalarNode)annotations["runbook"]).Value, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Alerts_fire_as_their_promtool_unit_tests_expect()
    {
        var tests = Path.Combine(MonitoringFiles.RepositoryRoot, "tests", "IntegrationTests", "Observability", "alerts.test.yaml");
        var (code, output, error) = ChildProcess.Run(Promtool(), ["test", "rules", tests]);
        Assert.True(code == 0, output + error);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_dashboard_query_is_valid_PromQL()
    {
        var queries = MonitoringFiles.DashboardQueries();
        Assert.True(queries.Count >= 20, $"only {queries.Count} queries");
        // Each query as a recording rule, so promtool parses it as Prometheus would.
        var file = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        var n = 0;
        foreach (var query in queries.Values)
        {
            file.Append($"      - record: dashboard:query_{n++}\n        expr: |\n          {query}\n");
        }

        var path = Path.Combine(Path.GetTempPath(), $"dashboard-queries-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, file.ToString());
        try
        {
            var (code, output, error) = ChildProcess.Run(Promtool(), ["check", "rules", path]);
            Assert.True(code == 0, output + error + "\n" + file);
            Assert.Contains($"SUCCESS: {queries.Count} rules found", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_alerts_select_the_metrics_they_are_about()
    {
        // Pins what MetricsCoverageTests checks against /metrics: a scanner finding nothing would pass that test.
        var names = MonitoringFiles.AlertExpressions().Values.SelectMany(PromQlMetricNames.Of).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(
            [
                "api_keys_expiring", "http_request_duration_seconds_bucket", "http_request_duration_seconds_count", "http_requests_total",
                "microsoft_orleans_orleans_consistent_ring_size", "mirror_sync_errors_total", "registry_silos_desired",
            ],
            names.Order(StringComparer.Ordinal));
    }

    internal static string Promtool() =>
        Environment.GetEnvironmentVariable("REGISTRY_TEST_PROMTOOL") is { Length: > 0 } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException("REGISTRY_TEST_PROMTOOL must name promtool (scripts/test.sh unpacks it from Debian's prometheus package and sets it)");
}
