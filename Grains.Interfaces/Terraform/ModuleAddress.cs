namespace OrleansRegistry.Terraform;

/// <summary>A module's address <c>namespace/name/system</c>, which is also its grain key.</summary>
public readonly record struct ModuleAddress(string Namespace, string Name, string System)
{
    public string Key => $"{Namespace}/{Name}/{System}";

    public override string ToString() => Key;

    public static ModuleAddress Parse(string key)
    {
        var parts = key.Split('/');
        return parts.Length == 3 ? new ModuleAddress(parts[0], parts[1], parts[2]) : throw new FormatException($"'{key}' is not namespace/name/system");
    }

    /// <summary>Validates and lower-cases the three segments; returns the problem when one is invalid.</summary>
    public static ModuleAddress? TryCreate(string? ns, string? name, string? system, out string? problem)
    {
        ns = ns?.ToLowerInvariant();
        name = name?.ToLowerInvariant();
        system = system?.ToLowerInvariant();
        problem = Names.Problem("namespace", ns) ?? Names.Problem("name", name) ?? Names.Problem("system", system);
        return problem is null ? new ModuleAddress(ns!, name!, system!) : null;
    }
}
