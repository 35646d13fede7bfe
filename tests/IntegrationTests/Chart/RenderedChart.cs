using System.Text;
using YamlDotNet.RepresentationModel;

namespace OrleansRegistry.IntegrationTests.Chart;

/// <summary>The manifests `helm template` printed, parsed, with what a kubelet would resolve for a container's environment.</summary>
public sealed class RenderedChart
{
    private readonly List<YamlMappingNode> _manifests = [];

    public RenderedChart(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        _manifests.AddRange(stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>());
    }

    public IEnumerable<YamlMappingNode> OfKind(string kind) => _manifests.Where(m => m.Text("kind") == kind);

    public YamlMappingNode? Find(string kind, string name) => OfKind(kind).SingleOrDefault(m => m.Map("metadata").Text("name") == name);

    public YamlMappingNode Get(string kind, string name) =>
        Find(kind, name) ?? throw new InvalidOperationException($"no {kind} {name} among: {string.Join(", ", _manifests.Select(m => $"{m.Text("kind")} {m.Map("metadata").Text("name")}"))}");

    /// <summary>The decoded data of a rendered Secret.</summary>
    public Dictionary<string, string> SecretData(string name) =>
        Get("Secret", name).MapOrEmpty("data").Children.ToDictionary(
            e => ((YamlScalarNode)e.Key).Value!, e => Encoding.UTF8.GetString(Convert.FromBase64String(((YamlScalarNode)e.Value).Value!)));

    public Dictionary<string, string> ConfigMapData(string name) =>
        Get("ConfigMap", name).MapOrEmpty("data").Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value ?? "");

    public static YamlMappingNode PodSpec(YamlMappingNode workload) => workload.Map("spec").Map("template").Map("spec");

    public static YamlMappingNode Container(YamlMappingNode workload, string name) =>
        PodSpec(workload).Seq("containers").OfType<YamlMappingNode>().Single(c => c.Text("name") == name);

    /// <summary>
    /// The container's environment as the kubelet builds it: envFrom first, then env (later entries win), values from
    /// the rendered ConfigMaps and Secrets, status.podIP as <paramref name="podIp"/>. A reference to a ConfigMap or
    /// Secret the chart does not render fails.
    /// </summary>
    public Dictionary<string, string> Environment(YamlMappingNode container, string podIp)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.SeqOrEmpty("envFrom").OfType<YamlMappingNode>())
        {
            var data = source.Children.ContainsKey(new YamlScalarNode("configMapRef"))
                ? ConfigMapData(source.Map("configMapRef").Text("name"))
                : SecretData(source.Map("secretRef").Text("name"));
            foreach (var (name, value) in data)
            {
                environment[name] = value;
            }
        }

        foreach (var entry in container.SeqOrEmpty("env").OfType<YamlMappingNode>())
        {
            var name = entry.Text("name");
            if (entry.Children.ContainsKey(new YamlScalarNode("value")))
            {
                environment[name] = entry.Text("value");
                continue;
            }

            var from = entry.Map("valueFrom");
            environment[name] = from.Children.Keys.OfType<YamlScalarNode>().Single().Value switch
            {
                "secretKeyRef" => Lookup(SecretData(from.Map("secretKeyRef").Text("name")), from.Map("secretKeyRef").Text("key"), name),
                "configMapKeyRef" => Lookup(ConfigMapData(from.Map("configMapKeyRef").Text("name")), from.Map("configMapKeyRef").Text("key"), name),
                "fieldRef" when from.Map("fieldRef").Text("fieldPath") == "status.podIP" => podIp,
                var other => throw new InvalidOperationException($"{name}: valueFrom {other} is not resolved by this test"),
            };
        }

        return environment;
    }

    private static string Lookup(Dictionary<string, string> data, string key, string variable) =>
        data.TryGetValue(key, out var value) ? value : throw new InvalidOperationException($"{variable}: key {key} is not in the rendered data");
}

/// <summary>Short reads of a YAML tree that fail with the path when something is missing.</summary>
public static class YamlNodes
{
    public static YamlNode Child(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : throw new KeyNotFoundException($"no '{key}' in {node}");

    public static YamlMappingNode Map(this YamlMappingNode node, string key) => (YamlMappingNode)node.Child(key);

    public static YamlMappingNode MapOrEmpty(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlMappingNode map ? map : new YamlMappingNode();

    public static YamlSequenceNode Seq(this YamlMappingNode node, string key) => (YamlSequenceNode)node.Child(key);

    public static YamlSequenceNode SeqOrEmpty(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlSequenceNode seq ? seq : new YamlSequenceNode();

    public static string Text(this YamlMappingNode node, string key) => ((YamlScalarNode)node.Child(key)).Value ?? "";

    public static bool Has(this YamlMappingNode node, string key) => node.Children.ContainsKey(new YamlScalarNode(key));

    public static IEnumerable<string> Texts(this YamlSequenceNode node) => node.OfType<YamlScalarNode>().Select(s => s.Value ?? "");
}
