namespace OrleansRegistry.Organizations;

/// <summary>
/// The built-in roles of an organization's members, each a set of the API-key scopes. An organization may define
/// custom roles besides these; a template's name cannot be taken by a custom role.
/// </summary>
public static class RoleTemplates
{
    public const string Viewer = "viewer";
    public const string Publisher = "publisher";
    public const string DevOps = "devops";
    public const string UserManager = "user_manager";
    public const string Auditor = "auditor";
    public const string Admin = "admin";

    private static readonly string[] ViewerScopes =
        [Scopes.ModulesRead, Scopes.ProvidersRead, Scopes.PackagesRead, Scopes.MirrorsRead, Scopes.NamespacesRead];

    private static readonly string[] PublisherScopes =
        [.. ViewerScopes, Scopes.ModulesWrite, Scopes.ProvidersWrite, Scopes.PackagesWrite];

    /// <summary>Every template by name, in order of the rights they give.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> All = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [Viewer] = ViewerScopes,
        [Publisher] = PublisherScopes,
        [DevOps] = [.. PublisherScopes, Scopes.MirrorsManage, Scopes.NamespacesWrite],
        // Gives the roles within its own rights (viewer, and custom roles of reads): never one above its own.
        [UserManager] = [.. ViewerScopes, Scopes.ApiKeysManage],
        [Auditor] = [.. ViewerScopes, Scopes.AuditRead],
        [Admin] = [Scopes.Admin],
    };

    /// <summary>
    /// The scopes both sets allow, spelled out (an <c>admin</c> on one side yields the other side's scopes): what a
    /// key may do when its owner's role allows <paramref name="owner"/> and the key itself <paramref name="key"/>.
    /// </summary>
    public static string[] Intersect(IReadOnlyCollection<string> key, IReadOnlyCollection<string> owner) =>
        [.. Scopes.All.Where(s => Scopes.Satisfies(key, s) && Scopes.Satisfies(owner, s))];
}
