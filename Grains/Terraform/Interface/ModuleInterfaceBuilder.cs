namespace OrleansRegistry.Terraform.Interface;

/// <summary>
/// Collects what the files of one module declare, in file-name then source order. The first declaration of a
/// name wins (Terraform itself refuses duplicates), and warnings are bounded so a broken module cannot bloat the
/// stored interface.
/// </summary>
internal sealed class ModuleInterfaceBuilder
{
    public const int MaxWarnings = 100;

    /// <summary>More <c>required_version</c> constraints than any module has are dropped, not joined without end.</summary>
    private const int MaxRequiredVersions = 50;

    private readonly HashSet<string> _requiredVersionSet = new(StringComparer.Ordinal);
    private readonly List<ModuleInput> _inputs = [];
    private readonly List<ModuleOutput> _outputs = [];
    private readonly List<ModuleProviderRequirement> _providers = [];
    private readonly List<ModuleResource> _resources = [];
    private readonly List<ModuleCall> _calls = [];
    private readonly List<string> _requiredVersions = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];
    private int _omittedWarnings;

    public void Warn(string warning)
    {
        if (_warnings.Count < MaxWarnings)
        {
            _warnings.Add(warning);
        }
        else
        {
            _omittedWarnings++;
        }
    }

    /// <summary>False (and nothing added) when a variable of that name was already declared.</summary>
    public bool Add(ModuleInput input) => Add($"variable.{input.Name}", input, _inputs);

    public bool Add(ModuleOutput output) => Add($"output.{output.Name}", output, _outputs);

    public bool Add(ModuleProviderRequirement provider) => Add($"provider.{provider.Name}", provider, _providers);

    public bool Add(ModuleResource resource) => Add($"{resource.Mode}.{resource.Type}.{resource.Name}", resource, _resources);

    public bool Add(ModuleCall call) => Add($"module.{call.Name}", call, _calls);

    /// <summary>Every <c>terraform</c> block's constraint must hold, so several are joined as one constraint list.</summary>
    public void AddRequiredVersion(string constraint)
    {
        // A set beside the list: a file of 100,000 distinct constraints would cost a list scan each.
        if (_requiredVersionSet.Count < MaxRequiredVersions && _requiredVersionSet.Add(constraint))
        {
            _requiredVersions.Add(constraint);
        }
    }

    public ModuleInterface Build()
    {
        var warnings = _omittedWarnings == 0 ? _warnings : [.. _warnings, $"{_omittedWarnings} more warnings are not shown"];
        var requiredVersion = _requiredVersions.Count == 0 ? null : string.Join(", ", _requiredVersions);
        return new ModuleInterface([.. _inputs], [.. _outputs], [.. _providers], requiredVersion, [.. _resources], [.. _calls], [.. warnings]);
    }

    private bool Add<T>(string key, T item, List<T> list)
    {
        if (!_seen.Add(key))
        {
            return false;
        }

        list.Add(item);
        return true;
    }
}
