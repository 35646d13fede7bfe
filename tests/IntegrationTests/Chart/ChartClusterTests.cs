using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Npgsql;
using OrleansRegistry.IntegrationTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace OrleansRegistry.IntegrationTests.Chart;

/// <summary>
/// The chart and the binaries cannot drift apart: scripts/cluster.sh runs silos and frontends with exactly the
/// environment the rendered chart gives their containers (host names, ports and mounted files replaced by the local
/// ones), and the names the chart sets are the names cluster.sh sets, but for the documented exceptions.
/// </summary>
public sealed partial class ChartClusterTests
{
    private const string Prefix = "registry-orleans-registry";
    private const int PortBase = 19400;
    private const int Silos = 2;
    private const int Frontends = 2;

    /// <summary>Names one side sets and the other does not, and why.</summary>
    private static readonly Dictionary<string, Dictionary<string, string>> Exceptions = new()
    {
        ["silo"] = [],
        ["frontend"] = new()
        {
            // cluster.sh's shared.env gives every process the silo's settings; a frontend reads none of them, and the
            // chart keeps the encryption and admin keys off the frontends.
            ["REGISTRY_ADVERTISED_IP"] = "silo only",
            ["REGISTRY_ENCRYPTION_KEY_FILE"] = "silo only",
            ["REGISTRY_BOOTSTRAP_ADMIN_KEY"] = "silo only",
            // The chart ties the drain to terminationGracePeriodSeconds; cluster.sh keeps the default.
            ["REGISTRY_SHUTDOWN_DRAIN_DELAY"] = "chart only",
        },
    };

    private static readonly RenderedChart Chart = new(HelmCli.Template([HelmCli.ValuesFile("cluster-values.yaml")]));

    [Theory]
    [InlineData("silo")]
    [InlineData("frontend")]
    public void The_chart_sets_the_variables_cluster_sh_sets(string role)
    {
        var chart = Chart.Environment(RenderedChart.Container(Chart.Get("Deployment", $"{Prefix}-{role}"), role), "10.1.2.3").Keys.ToHashSet();
        var script = ClusterScriptNames(role);
        var onlyChart = chart.Except(script).Where(n => !Exceptions[role].ContainsKey(n)).ToList();
        var onlyScript = script.Except(chart).Where(n => !Exceptions[role].ContainsKey(n)).ToList();
        Assert.True(onlyChart.Count == 0 && onlyScript.Count == 0,
            $"{role}: set by the chart only: [{string.Join(", ", onlyChart)}]; by cluster.sh only: [{string.Join(", ", onlyScript)}]");
    }

    [Fact]
    public async Task A_cluster_started_with_the_rendered_environment_publishes_and_serves_a_module()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"registry-chart-cluster-{Guid.NewGuid():N}");
        var script = new Dictionary<string, string>
        {
            ["CLUSTER_DIR"] = dir,
            ["CLUSTER_PORT_BASE"] = $"{PortBase}",
            ["CLUSTER_SILOS"] = $"{Silos}",
            ["CLUSTER_FRONTENDS"] = $"{Frontends}",
            ["CLUSTER_ENV_PROVIDED"] = "1",
            ["CLUSTER_SKIP_BUILD"] = "1", // the test run built the binaries; a build now would race the running tests
        };
        var adminKey = WriteEnvironmentFiles(dir);
        try
        {
            var (code, output) = HelmCli.RunScript("scripts/cluster.sh", ["up"], script);
            Assert.True(code == 0, $"cluster.sh up failed ({code}):\n{output}\n{Logs(dir)}");

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{PortBase + 2}"), Timeout = TimeSpan.FromSeconds(60) };
            var api = new RegistryApi(http, adminKey);
            await api.CreateNamespaceAsync("charted");
            var archive = ModuleArchives.Greeting("1.0.0");
            using (var published = await api.PublishModuleAsync("charted", "net", "aws", "1.0.0", archive))
            {
                Assert.True(published.StatusCode == HttpStatusCode.Created, await published.Content.ReadAsStringAsync());
            }

            // Read back as Terraform does: HTTPS through nginx to the frontends' own HTTPS listeners, then the signed URL.
            using var https = HttpsClient(Path.Combine(dir, "tls", "ca.crt"), $"https://127.0.0.1:{PortBase + 3}");
            https.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            var versions = await https.GetFromJsonAsync<System.Text.Json.JsonElement>("/v1/modules/charted/net/aws/versions");
            Assert.Equal("1.0.0", versions.GetProperty("modules")[0].GetProperty("versions")[0].GetProperty("version").GetString());
            using var download = await https.GetAsync("/v1/modules/charted/net/aws/1.0.0/download");
            Assert.Equal(HttpStatusCode.NoContent, download.StatusCode);
            var location = download.Headers.GetValues("X-Terraform-Get").Single();
            using var anonymous = HttpsClient(Path.Combine(dir, "tls", "ca.crt"), $"https://127.0.0.1:{PortBase + 3}");
            Assert.Equal(archive, await anonymous.GetByteArrayAsync(location));
        }
        finally
        {
            var (code, output) = HelmCli.RunScript("scripts/cluster.sh", ["down"], script);
            Assert.True(code == 0, $"cluster.sh down failed: {output}");
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// $dir/env/{silo,frontend}-N.env from the rendered containers, on cluster.sh's ports; returns the admin key. The
    /// database's password goes where cluster.sh's PostgreSQL takes it from.
    /// </summary>
    private static string WriteEnvironmentFiles(string dir)
    {
        Directory.CreateDirectory(Path.Combine(dir, "env"));
        Directory.CreateDirectory(Path.Combine(dir, "secrets"));
        foreach (var role in new[] { "silo", "frontend" })
        {
            var workload = Chart.Get("Deployment", $"{Prefix}-{role}");
            var container = RenderedChart.Container(workload, role);
            for (var n = 1; n <= (role == "silo" ? Silos : Frontends); n++)
            {
                var environment = Chart.Environment(container, "127.0.0.1");
                var files = MountedFiles(workload, container, dir, $"{role}-{n}");
                var lines = environment.Select(e => $"{e.Key}={Localize(e.Key, e.Value, role, n, files, dir)}");
                File.WriteAllLines(Path.Combine(dir, "env", $"{role}-{n}.env"), lines);
            }
        }

        var database = new NpgsqlConnectionStringBuilder(Chart.SecretData($"{Prefix}-settings")["database"]);
        File.WriteAllText(Path.Combine(dir, "secrets", "pg-password"), database.Password + "\n");
        return Chart.SecretData($"{Prefix}-settings")["bootstrap-admin-key"];
    }

    /// <summary>
    /// Local stand-ins for the container's mounts, by mount path: the chart's own Secret's items written out, the
    /// frontends' TLS Secret as the certificate cluster.sh issues, emptyDirs as a folder per pod.
    /// </summary>
    private static Dictionary<string, string> MountedFiles(YamlMappingNode workload, YamlMappingNode container, string dir, string pod)
    {
        var volumes = RenderedChart.PodSpec(workload).Seq("volumes").OfType<YamlMappingNode>().ToDictionary(v => v.Text("name"));
        var files = new Dictionary<string, string>();
        foreach (var mount in container.Seq("volumeMounts").OfType<YamlMappingNode>())
        {
            var path = mount.Text("mountPath");
            var volume = volumes[mount.Text("name")];
            if (volume.Has("emptyDir"))
            {
                files[path] = Path.Combine(dir, "pods", pod, path.Trim('/'));
            }
            else if (volume.Map("secret").Text("secretName") is var secret && Chart.Find("Secret", secret) is not null)
            {
                var local = Path.Combine(dir, "pods", pod, "secrets");
                Directory.CreateDirectory(local);
                var data = Chart.SecretData(secret);
                foreach (var item in volume.Map("secret").Seq("items").OfType<YamlMappingNode>())
                {
                    File.WriteAllText(Path.Combine(local, item.Text("path")), data[item.Text("key")]);
                    files[$"{path}/{item.Text("path")}"] = Path.Combine(local, item.Text("path"));
                }
            }
            else
            {
                // A kubernetes.io/tls Secret made outside the chart: the certificate cluster.sh issues for its nginx.
                files[$"{path}/tls.crt"] = Path.Combine(dir, "tls", "server.crt");
                files[$"{path}/tls.key"] = Path.Combine(dir, "tls", "server.key");
            }
        }

        return files;
    }

    /// <summary>The rendered value with the cluster's host names, ports and mounts replaced by this machine's.</summary>
    private static string Localize(string name, string value, string role, int n, Dictionary<string, string> files, string dir)
    {
        switch (name)
        {
            case "REGISTRY_DB":
                var database = new NpgsqlConnectionStringBuilder(value) { Host = "127.0.0.1", Port = PortBase };
                return database.ConnectionString;
            case "REGISTRY_STORAGE_S3_ENDPOINT":
                return value.Replace("s3.registry.test:9000", $"127.0.0.1:{PortBase + 1}", StringComparison.Ordinal);
            // cluster.sh's port scheme (silo_port, gateway_port, metrics_port, http_port, https_port there).
            case "REGISTRY_SILO_PORT":
                return $"{PortBase + 10 + n}";
            case "REGISTRY_GATEWAY_PORT":
                return $"{PortBase + 20 + n}";
            case "REGISTRY_METRICS_PORT":
                return $"{PortBase + (role == "silo" ? 30 : 40) + n}";
            case "REGISTRY_HTTP_PORT":
                return $"{PortBase + (role == "silo" ? 50 : 60) + n}";
            case "REGISTRY_HTTPS_PORT":
                return $"{PortBase + 70 + n}";
        }

        if (files.TryGetValue(value, out var file))
        {
            return file;
        }

        Assert.False(value.StartsWith('/') && !files.Keys.Any(value.StartsWith), $"{name}={value}: a path outside the container's mounts");
        Assert.DoesNotContain(".registry.test", value, StringComparison.Ordinal);
        return files.Keys.FirstOrDefault(mount => value.StartsWith(mount + "/", StringComparison.Ordinal) || value == mount) is { } prefix
            ? files[prefix] + value[prefix.Length..]
            : value;
    }

    /// <summary>The variable names scripts/cluster.sh writes into a role's env file (shared.env and the role's lines).</summary>
    private static HashSet<string> ClusterScriptNames(string role)
    {
        var text = File.ReadAllText(Path.Combine(HelmCli.RepositoryRoot, "scripts", "cluster.sh"));
        var shared = Between(text, "write_shared_env() {", "\n}\n");
        var node = Between(text, "write_node_env() {", "\n}\n");
        var names = SharedName().Matches(shared).Select(m => m.Groups[1].Value).ToHashSet();
        var branch = "common";
        foreach (var line in node.Split('\n'))
        {
            branch = line.Trim() switch
            {
                var l when l.StartsWith("if [ \"$role\" = silo ]", StringComparison.Ordinal) => "silo",
                "else" => "frontend",
                "fi" => "common",
                _ => branch,
            };
            if (EchoedName().Match(line) is { Success: true } echoed && (branch == "common" || branch == role))
            {
                names.Add(echoed.Groups[1].Value);
            }
        }

        Assert.Contains("REGISTRY_DB", names);
        return names;
    }

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"cluster.sh has no '{start}'");
        return text[from..text.IndexOf(end, from, StringComparison.Ordinal)];
    }

    private static HttpClient HttpsClient(string caPath, string baseAddress)
    {
        var ca = X509CertificateLoader.LoadCertificateFromFile(caPath);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is X509Certificate2 leaf && chain.Build(leaf);
                },
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri(baseAddress), Timeout = TimeSpan.FromSeconds(60) };
    }

    private static string Logs(string dir) =>
        string.Join("\n", Directory.Exists(Path.Combine(dir, "logs"))
            ? Directory.GetFiles(Path.Combine(dir, "logs")).Select(f => $"--- {Path.GetFileName(f)}\n{string.Join('\n', File.ReadLines(f).TakeLast(30))}")
            : []);

    [GeneratedRegex(@"^([A-Z][A-Za-z0-9_]+)=", RegexOptions.Multiline)]
    private static partial Regex SharedName();

    [GeneratedRegex(@"echo ""([A-Z][A-Za-z0-9_]+)=")]
    private static partial Regex EchoedName();
}
