namespace OrleansRegistry;

/// <summary>The permission vocabulary of API keys. <c>x:write</c> implies <c>x:read</c>; <c>admin</c> implies all.</summary>
public static class Scopes
{
    public const string ModulesRead = "modules:read";
    public const string ModulesWrite = "modules:write";
    public const string ProvidersRead = "providers:read";
    public const string ProvidersWrite = "providers:write";
    public const string PackagesRead = "packages:read";
    public const string PackagesWrite = "packages:write";
    public const string MirrorsRead = "mirrors:read";
    public const string MirrorsManage = "mirrors:manage";
    public const string NamespacesRead = "namespaces:read";
    public const string NamespacesWrite = "namespaces:write";
    public const string ApiKeysManage = "api_keys:manage";
    public const string AuditRead = "audit:read";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All =
    [
        ModulesRead, ModulesWrite, ProvidersRead, ProvidersWrite, PackagesRead, PackagesWrite,
        MirrorsRead, MirrorsManage, NamespacesRead, NamespacesWrite, ApiKeysManage, AuditRead, Admin,
    ];

    public static bool IsKnown(string scope) => All.Contains(scope);

    /// <summary>True when a key holding <paramref name="granted"/> may act with <paramref name="required"/>.</summary>
    public static bool Satisfies(IEnumerable<string> granted, string required)
    {
        foreach (var scope in granted)
        {
            if (scope == required || scope == Admin)
            {
                return true;
            }

            // "x:write" and "mirrors:manage" imply the read scope of the same family.
            if (required.EndsWith(":read", StringComparison.Ordinal)
                && (scope.EndsWith(":write", StringComparison.Ordinal) || scope.EndsWith(":manage", StringComparison.Ordinal))
                && scope.AsSpan(0, scope.IndexOf(':')).SequenceEqual(required.AsSpan(0, required.IndexOf(':'))))
            {
                return true;
            }
        }

        return false;
    }
}
