using OrleansRegistry.ApiKeys;

namespace OrleansRegistry.IntegrationTests.AccessMatrix;

/// <summary>
/// A caller of the matrix: no key, a key that must be refused (expired, revoked), or a valid key with what the test
/// made it able to do (<see cref="Principal"/>: the scopes, namespaces, package patterns and organization the registry
/// should find for it). Expectations come from that principal's own rules (Scopes.Satisfies and the namespace and
/// package checks), so they follow the vocabulary without a table per identity.
/// </summary>
internal sealed record MatrixIdentity(string Name, string? Key, ApiKeyPrincipal? Principal)
{
    public static MatrixIdentity Anonymous { get; } = new("no key", null, null);

    /// <summary>A key the registry must refuse as a whole (401), whatever its scopes.</summary>
    public static MatrixIdentity Refused(string name, string key) => new(name, key, null);

    public static MatrixIdentity Valid(string name, string key, string[] scopes, string[]? namespaces = null, string? organization = null, string[]? packagePatterns = null) =>
        new(name, key, new ApiKeyPrincipal(name, name, scopes, namespaces, packagePatterns, organization));

    /// <summary>Whether this identity may reach what <paramref name="target"/> points at (its scopes aside).</summary>
    public bool Reaches(MatrixTarget target)
    {
        var p = Principal!;
        return target switch
        {
            MatrixTarget.None => true,
            MatrixTarget.Namespace => p.CanAccessNamespace(MatrixWorld.Namespace),
            MatrixTarget.Package => p.CanAccessNamespace(MatrixWorld.Namespace) && p.CanAccessPackage(MatrixWorld.Package),
            MatrixTarget.Organization => p.IsRegistryWide || p.Organization == MatrixWorld.Organization,
            // The target key is a member's of the organization, with neither namespaces nor patterns of its own: a
            // member manages its organization's keys; another key only if it is limited to neither (ApiKeyRules.MayManage).
            MatrixTarget.ApiKey => p.Organization is not null
                ? p.Organization == MatrixWorld.Organization
                : p.Namespaces is null && p.PackagePatterns is null,
            _ => throw new ArgumentOutOfRangeException(nameof(target)),
        };
    }

    /// <summary>Text a successful answer to this identity must not hold: names of what it cannot reach.</summary>
    public IEnumerable<string> Unseen()
    {
        if (Principal is not { } p)
        {
            yield break;
        }

        if (!p.CanAccessNamespace(MatrixWorld.Namespace))
        {
            yield return MatrixWorld.Namespace;
        }

        if (!p.CanAccessPackage(MatrixWorld.Package))
        {
            yield return MatrixWorld.PackageName;
        }

        // As a whole JSON string: "acme" as a value (an owner, a target), not as a part of "acme-ns".
        if (!Reaches(MatrixTarget.Organization))
        {
            yield return $"\"{MatrixWorld.Organization}\"";
        }
    }

    public override string ToString() => Name;
}

/// <summary>What a concrete request reaches in the seeded world, besides the endpoint's scope.</summary>
internal enum MatrixTarget
{
    /// <summary>Nothing in particular: a listing (filtered to what the caller reaches) or a registry-wide action.</summary>
    None,

    /// <summary>The organization's namespace, or something in it (a module, provider, mirror, signing key).</summary>
    Namespace,

    /// <summary>The Composer package in the organization's namespace.</summary>
    Package,

    /// <summary>The organization itself (its roles and members).</summary>
    Organization,

    /// <summary>An API key of a member of the organization (or one created for such a member).</summary>
    ApiKey,
}
