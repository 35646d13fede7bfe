using System.Text;

namespace OrleansRegistry.Terraform.Interface;

/// <summary>
/// Reads a module's interface (variables, outputs, required providers and Terraform version, resources, module
/// calls) from the <c>.tf</c> and <c>.tf.json</c> files of its root, the way the public registry shows it.
/// Never throws: what a file does not allow to be read becomes a warning, and the rest is still read, since a
/// publish must not fail over documentation.
/// </summary>
public static class ModuleInterfaceReader
{
    /// <param name="files">File name (for warnings) and content; read in ordinal name order, as Terraform does.</param>
    /// <param name="warnings">Problems found before reading (files too large to read, say), kept first.</param>
    public static ModuleInterface Read(IEnumerable<KeyValuePair<string, byte[]>> files, IEnumerable<string>? warnings = null)
    {
        var builder = new ModuleInterfaceBuilder();
        foreach (var warning in warnings ?? [])
        {
            builder.Warn(warning);
        }

        foreach (var (name, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            // Override files patch blocks declared elsewhere; read as declarations they would only add duplicates.
            var file = name[(name.LastIndexOf('/') + 1)..];
            if (file is "override.tf" or "override.tf.json" || file.EndsWith("_override.tf", StringComparison.Ordinal) || file.EndsWith("_override.tf.json", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                if (name.EndsWith(".tf.json", StringComparison.Ordinal))
                {
                    TerraformJsonReader.Read(name, content, builder);
                }
                else if (name.EndsWith(".tf", StringComparison.Ordinal))
                {
                    ReadHcl(name, Encoding.UTF8.GetString(content), builder);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A reader bug must cost the interface of one file, not the publish.
                builder.Warn($"{name}: not read ({e.GetType().Name}: {e.Message})");
            }
        }

        return builder.Build();
    }

    private static void ReadHcl(string name, string text, ModuleInterfaceBuilder builder)
    {
        var diagnostics = new HclDiagnostics(name, text, builder.Warn);
        foreach (var block in HclParser.Parse(text, diagnostics).Blocks)
        {
            var labels = block.Labels;
            var expected = block.Type switch { "variable" or "output" or "module" => 1, "resource" or "data" or "ephemeral" => 2, "terraform" => 0, _ => -1 };
            if (expected < 0)
            {
                continue;
            }

            if (labels.Count != expected)
            {
                diagnostics.Warn(block.Offset, $"a {block.Type} block needs {expected} label(s), this one has {labels.Count}; it is skipped");
                continue;
            }

            var body = block.Body;
            var added = block.Type switch
            {
                "variable" => builder.Add(new ModuleInput(
                    labels[0],
                    NonEmpty(body["type"]?.Source),
                    body["default"]?.Source,
                    body["description"]?.AsText(),
                    Required: body["default"] is null,
                    Sensitive: body["sensitive"]?.AsBool() ?? false,
                    Nullable: body["nullable"]?.AsBool() ?? true)),
                "output" => builder.Add(new ModuleOutput(labels[0], body["description"]?.AsText(), body["sensitive"]?.AsBool() ?? false)),
                "module" => builder.Add(new ModuleCall(labels[0], body["source"]?.AsText(), body["version"]?.AsText())),
                "terraform" => ReadTerraformBlock(body, diagnostics, builder),
                _ => builder.Add(new ModuleResource(labels[0], labels[1], block.Type == "resource" ? "managed" : block.Type)),
            };
            if (!added)
            {
                diagnostics.Warn(block.Offset, $"{block.Type} {string.Join('.', labels)} is declared more than once; the first is shown");
            }
        }
    }

    private static bool ReadTerraformBlock(HclBody body, HclDiagnostics diagnostics, ModuleInterfaceBuilder builder)
    {
        if (body["required_version"]?.AsText() is { Length: > 0 } version)
        {
            builder.AddRequiredVersion(version);
        }

        foreach (var attribute in body.Blocks.Where(b => b.Type == "required_providers").SelectMany(b => b.Body.Attributes))
        {
            ModuleProviderRequirement requirement;
            if (attribute.Value.AsString() is { } legacyVersion)
            {
                // Terraform 0.12's form: name = "version constraint", the source implied.
                requirement = new(attribute.Name, null, legacyVersion);
            }
            else if (attribute.Value.ObjectItems() is { } items)
            {
                string? Item(string key) => items.FirstOrDefault(i => i.Key == key).Value?.AsText();
                requirement = new(attribute.Name, Item("source"), Item("version"));
            }
            else
            {
                diagnostics.Warn($"required provider '{attribute.Name}' is neither an object nor a version string");
                continue;
            }

            if (!builder.Add(requirement))
            {
                diagnostics.Warn($"required provider '{attribute.Name}' is declared more than once; the first is shown");
            }
        }

        return true;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
