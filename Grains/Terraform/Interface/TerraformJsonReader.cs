using System.Text.Json;

namespace OrleansRegistry.Terraform.Interface;

/// <summary>
/// The JSON syntax of Terraform (<c>.tf.json</c>): block types are properties of the root object, each label a
/// level of nested objects, and a block may also be given as an array of objects. Properties named <c>//</c> are
/// comments. Types stay the expression strings they are; defaults are shown as their JSON text.
/// </summary>
internal static class TerraformJsonReader
{
    public static void Read(string fileName, byte[] content, ModuleInterfaceBuilder builder)
    {
        var bytes = content.AsMemory();
        if (bytes.Span.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            builder.Warn($"{fileName}: not valid JSON ({e.Message})");
            return;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                builder.Warn($"{fileName}: the top level is not a JSON object");
                return;
            }

            foreach (var block in document.RootElement.EnumerateObject())
            {
                ReadBlockType(fileName, block.Name, block.Value, builder);
            }
        }
    }

    private static void ReadBlockType(string fileName, string type, JsonElement value, ModuleInterfaceBuilder builder)
    {
        var duplicates = new List<string>();
        switch (type)
        {
            case "variable":
                foreach (var (name, body) in Labeled(value))
                {
                    var input = new ModuleInput(
                        name,
                        Text(body, "type"),
                        body.TryGetProperty("default", out var defaultValue) ? HclExpression.Bounded(defaultValue.GetRawText()) : null,
                        Text(body, "description"),
                        Required: !body.TryGetProperty("default", out _),
                        Sensitive: Bool(body, "sensitive") ?? false,
                        Nullable: Bool(body, "nullable") ?? true);
                    Note(builder.Add(input), $"variable {name}", duplicates);
                }

                break;
            case "output":
                foreach (var (name, body) in Labeled(value))
                {
                    Note(builder.Add(new ModuleOutput(name, Text(body, "description"), Bool(body, "sensitive") ?? false)), $"output {name}", duplicates);
                }

                break;
            case "module":
                foreach (var (name, body) in Labeled(value))
                {
                    Note(builder.Add(new ModuleCall(name, Text(body, "source"), Text(body, "version"))), $"module {name}", duplicates);
                }

                break;
            case "resource" or "data" or "ephemeral":
                foreach (var (resourceType, names) in Labeled(value))
                {
                    foreach (var (name, _) in Labeled(names))
                    {
                        Note(builder.Add(new ModuleResource(resourceType, name, type == "resource" ? "managed" : type)), $"{type} {resourceType}.{name}", duplicates);
                    }
                }

                break;
            case "terraform":
                foreach (var body in Objects(value))
                {
                    if (Text(body, "required_version") is { Length: > 0 } version)
                    {
                        builder.AddRequiredVersion(version);
                    }

                    if (body.TryGetProperty("required_providers", out var providers))
                    {
                        ReadRequiredProviders(fileName, providers, builder, duplicates);
                    }
                }

                break;
        }

        foreach (var duplicate in duplicates)
        {
            builder.Warn($"{fileName}: {duplicate} is declared more than once; the first is shown");
        }
    }

    private static void ReadRequiredProviders(string fileName, JsonElement providers, ModuleInterfaceBuilder builder, List<string> duplicates)
    {
        foreach (var entry in Objects(providers).SelectMany(o => o.EnumerateObject()).Where(p => p.Name != "//"))
        {
            ModuleProviderRequirement? requirement = entry.Value.ValueKind switch
            {
                JsonValueKind.String => new(entry.Name, null, entry.Value.GetString()),
                JsonValueKind.Object => new(entry.Name, Text(entry.Value, "source"), Text(entry.Value, "version")),
                _ => null,
            };
            if (requirement is null)
            {
                builder.Warn($"{fileName}: required provider '{entry.Name}' is neither an object nor a version string");
                continue;
            }

            Note(builder.Add(requirement), $"required provider '{entry.Name}'", duplicates);
        }
    }

    private static void Note(bool added, string what, List<string> duplicates)
    {
        if (!added)
        {
            duplicates.Add(what);
        }
    }

    /// <summary>One level of labels: each property (not a <c>//</c> comment) names a block whose body is an object or an array of them.</summary>
    private static IEnumerable<(string Label, JsonElement Body)> Labeled(JsonElement value) =>
        Objects(value)
            .SelectMany(o => o.EnumerateObject())
            .Where(p => p.Name != "//")
            .SelectMany(p => Objects(p.Value).Select(body => (p.Name, body)));

    private static IEnumerable<JsonElement> Objects(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => [value],
        JsonValueKind.Array => value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object),
        _ => [],
    };

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? HclExpression.Bounded(value.GetString()!) : null;

    private static bool? Bool(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;
}
