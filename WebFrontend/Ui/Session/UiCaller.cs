using OrleansRegistry.ApiKeys;

namespace OrleansRegistry.WebFrontend.Ui.Session;

/// <summary>
/// Who is using the web UI and what they may do: the API key they signed in with, or a person signed in through OIDC
/// with one principal per organization they belong to (their role's scopes within its namespaces). Every check goes
/// through the same <see cref="ApiKeyPrincipal"/> rules the API applies to keys.
/// </summary>
public sealed record UiCaller(string DisplayName, string? UserId, ApiKeyPrincipal[] Principals)
{
    public bool IsPerson => UserId is not null;

    /// <summary>Whether any of the caller's principals holds <paramref name="scope"/>.</summary>
    public bool Can(string scope) => Principals.Any(p => p.Allows(scope));

    /// <summary>Whether the caller holds <paramref name="scope"/> registry-wide (not only within an organization).</summary>
    public bool CanRegistryWide(string scope) => Principals.Any(p => p.IsRegistryWide && p.Allows(scope));

    /// <summary>
    /// The namespaces in which the caller holds <paramref name="scope"/>: null for every namespace, empty for none.
    /// </summary>
    public string[]? NamespacesFor(string scope)
    {
        var holders = Principals.Where(p => p.Allows(scope)).ToArray();
        if (holders.Any(p => p.Namespaces is null))
        {
            return null;
        }

        return [.. holders.SelectMany(p => p.Namespaces!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>Whether the caller holds <paramref name="scope"/> in namespace <paramref name="ns"/>.</summary>
    public bool CanIn(string scope, string ns) => PrincipalFor(scope, ns) is not null;

    /// <summary>The principal that acts with <paramref name="scope"/> in <paramref name="ns"/>, if any.</summary>
    public ApiKeyPrincipal? PrincipalFor(string scope, string ns) =>
        Principals.FirstOrDefault(p => p.Allows(scope) && (p.Namespaces is null || p.Namespaces.Contains(ns, StringComparer.Ordinal)));

    /// <summary>
    /// The principals that hold <paramref name="scope"/>: one for a key, one per organization for a person. An admin
    /// page acts with one of them at a time, picked by organization (null: the registry-wide one, else the first).
    /// </summary>
    public ApiKeyPrincipal[] PrincipalsWith(string scope) => [.. Principals.Where(p => p.Allows(scope))];

    public ApiKeyPrincipal? Acting(string scope, string? organization)
    {
        var holders = PrincipalsWith(scope);
        return holders.FirstOrDefault(p => p.Organization == organization) ?? (organization is null ? holders.FirstOrDefault() : null);
    }

    /// <summary>The caller's registry-wide admin principal, which alone creates organizations and gives them namespaces.</summary>
    public ApiKeyPrincipal? RegistryAdmin => Principals.FirstOrDefault(p => p.IsRegistryWide && p.Allows(Scopes.Admin));

    /// <summary>A principal holding <paramref name="scope"/> that sees <paramref name="organization"/>: one of its own, or registry-wide.</summary>
    public ApiKeyPrincipal? InOrganization(string scope, string organization) =>
        PrincipalsWith(scope).FirstOrDefault(p => Api.OrganizationAccess.MaySee(p, organization));

    /// <summary>
    /// The principal a page guarded by <c>RequiresScope(scope)</c> acts with: the one of the organization picked, or
    /// else the first holding the scope (the guard saw to it that there is one).
    /// </summary>
    public ApiKeyPrincipal ActingOrFirst(string scope, string? organization) => Acting(scope, organization) ?? PrincipalsWith(scope)[0];

    /// <summary>Whether the caller may read the Composer package <paramref name="package"/> (<c>vendor/name</c>).</summary>
    public bool CanReadPackage(string package) =>
        Principals.Any(p => p.Allows(Scopes.PackagesRead)
            && (p.Namespaces is null || p.Namespaces.Contains(package.Split('/')[0], StringComparer.Ordinal))
            && PackageGrants.Allows(p.PackagePatterns, package));

    /// <summary>Composer package patterns that limit every principal reading packages (null when one is unlimited).</summary>
    public string[]? PackagePatterns()
    {
        var readers = Principals.Where(p => p.Allows(Scopes.PackagesRead)).ToArray();
        return readers.Length == 0 || readers.Any(p => p.PackagePatterns is null)
            ? null
            : [.. readers.SelectMany(p => p.PackagePatterns!).Distinct(StringComparer.Ordinal)];
    }
}
