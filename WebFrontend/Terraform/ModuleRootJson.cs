using OrleansRegistry.Terraform;

namespace OrleansRegistry.WebFrontend.Terraform;

/// <summary>
/// The <c>root</c> of a module's details, shaped like the public registry's (<c>inputs</c>, <c>outputs</c>,
/// <c>dependencies</c>, <c>provider_dependencies</c>, <c>resources</c>), plus what it lacks: sensitivity,
/// nullability, the resource mode, the required Terraform version and the reader's warnings. For versions
/// published before the registry read interfaces, all of these are absent (the JSON omits nulls).
/// </summary>
public static class ModuleRootJson
{
    public static object From(ModuleDetails details)
    {
        var root = details.Interface;
        return new
        {
            path = details.Version.RootPath ?? "",
            readme = details.Readme ?? "",
            empty = false,
            inputs = root?.Inputs.Select(i => new
            {
                name = i.Name,
                type = i.Type,
                description = i.Description,
                @default = i.Default,
                required = i.Required,
                sensitive = i.Sensitive,
                nullable = i.Nullable,
            }),
            outputs = root?.Outputs.Select(o => new { name = o.Name, description = o.Description, sensitive = o.Sensitive }),
            dependencies = root?.ModuleCalls.Select(c => new { name = c.Name, source = c.Source, version = c.Version }),
            provider_dependencies = root?.ProviderRequirements.Select(p => new
            {
                name = p.Name,
                @namespace = NamespaceOf(p.Source),
                source = p.Source,
                version = p.Version,
            }),
            resources = root?.Resources.Select(r => new { name = r.Name, type = r.Type, mode = r.Mode }),
            required_version = root?.RequiredVersion,
            interface_warnings = root?.Warnings,
        };
    }

    /// <summary>The namespace of a provider source address (<c>[host/]namespace/type</c>); null when none was declared.</summary>
    private static string? NamespaceOf(string? source)
    {
        var parts = source?.Split('/');
        return parts is { Length: >= 2 } ? parts[^2] : null;
    }
}
