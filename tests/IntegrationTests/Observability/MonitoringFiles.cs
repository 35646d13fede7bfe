using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace OrleansRegistry.IntegrationTests.Observability;

/// <summary>The alert rules and the Grafana dashboard of k8s/, read as Prometheus and Grafana read them.</summary>
public static partial class MonitoringFiles
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The rule file every user of it loads (the Helm chart, Prometheus' rule_files), through the link in k8s/grafana/.</summary>
    public static string AlertsPath => Path.Combine(RepositoryRoot, "k8s", "grafana", "alerts.yaml");

    public static string DashboardPath => Path.Combine(RepositoryRoot, "k8s", "grafana", "dashboard.json");

    /// <summary>Alert name → PromQL expression, from the rule file's groups.</summary>
    public static IReadOnlyDictionary<string, string> AlertExpressions()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(AlertsPath))
        {
            yaml.Load(reader);
        }

        var alerts = new Dictionary<string, string>(StringComparer.Ordinal);
        var groups = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"];
        foreach (var group in groups.Cast<YamlMappingNode>())
        {
            foreach (var rule in ((YamlSequenceNode)group["rules"]).Cast<YamlMappingNode>())
            {
                alerts.Add(((YamlScalarNode)rule["alert"]).Value!, ((YamlScalarNode)rule["expr"]).Value!);
            }
        }

        return alerts;
    }

    /// <summary>Every panel's query ("panel title / refId" → PromQL, with Grafana's variables as Grafana would put them).</summary>
    public static IReadOnlyDictionary<string, string> DashboardQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var queries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            if (!panel.TryGetProperty("targets", out var targets))
            {
                continue;
            }

            foreach (var target in targets.EnumerateArray())
            {
                // Every query goes to the data source picked in the dashboard's variable (or on import).
                Assert.Equal("${DS_PROMETHEUS}", target.GetProperty("datasource").GetProperty("uid").GetString());
                var expression = target.GetProperty("expr").GetString()!
                    .Replace("$__rate_interval", "5m", StringComparison.Ordinal)
                    .Replace("$namespace", ".*", StringComparison.Ordinal)
                    .Replace("$job", ".*", StringComparison.Ordinal);
                queries.Add($"{panel.GetProperty("title").GetString()} / {target.GetProperty("refId").GetString()}", expression);
            }
        }

        return queries;
    }

    /// <summary>The metrics the dashboard's variables list label values of (<c>label_values(metric{...}, label)</c>).</summary>
    public static IEnumerable<string> DashboardVariableMetrics()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        foreach (var variable in dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            if (variable.GetProperty("type").GetString() == "query")
            {
                var query = variable.GetProperty("query").GetProperty("query").GetString()!;
                var match = LabelValues().Match(query);
                Assert.True(match.Success, $"variable {variable.GetProperty("name")}: '{query}' is not label_values(metric, label)");
                yield return match.Groups[1].Value;
            }
        }
    }

    [GeneratedRegex(@"^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)")]
    private static partial Regex LabelValues();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansRegistry.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no OrleansRegistry.sln above {AppContext.BaseDirectory}");
    }
}
