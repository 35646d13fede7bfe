using System.Net;
using System.Net.Http.Json;
using OrleansRegistry.IntegrationTests.Infrastructure;
using OrleansRegistry.Organizations;

namespace OrleansRegistry.IntegrationTests.AccessMatrix;

/// <summary>
/// The seeded world the matrix's requests point into: organization <c>acme</c> owning namespace <c>acme-ns</c> (a
/// module, an unsigned provider, a Composer package, a module Git source) and a spare namespace, organization
/// <c>other</c> owning <c>other-ns</c>, a service account <c>matrix-sa</c> with a key to manage, and the identities.
/// </summary>
internal sealed class MatrixWorld
{
    public const string Organization = "acme";
    public const string Namespace = "acme-ns";
    public const string SpareNamespace = "acme-spare";
    public const string PackageName = "secret-widget";
    public const string Package = $"{Namespace}/{PackageName}";
    public const string ServiceAccount = "matrix-sa";
    public const string Role = "matrix-role";
    public const string Module = "net";
    public const string ModuleSystem = "aws";
    public const string ProviderType = "hello";
    public const string Version = "1.0.0";
    public string MirrorId { get; private set; } = "";
    public string TargetKeyId { get; private set; } = "";

    /// <summary>The Composer dist's path after <c>/dists/{vendor}/{name}/</c>: version and reference.</summary>
    public string DistVersionAndFile { get; private set; } = "";

    public List<MatrixIdentity> Identities { get; } = [];

    public static async Task<MatrixWorld> SeedAsync(RegistryInstance registry)
    {
        var world = new MatrixWorld();
        await world.SeedCoreAsync(registry);
        return world;
    }

    private async Task SeedCoreAsync(RegistryInstance registry)
    {
        // First, so that its two seconds pass while the rest is seeded; it is not used before it expired.
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(2);
        var (_, expired) = await CreateKeyAsync(registry, new { name = "expired", scopes = new[] { Scopes.Admin }, expires_at = expiresAt });

        foreach (var ns in new[] { Namespace, SpareNamespace, "other-ns" })
        {
            await registry.CreateNamespaceAsync(ns);
        }

        foreach (var (organization, namespaces) in new[] { (Organization, new[] { Namespace, SpareNamespace }), ("other", new[] { "other-ns" }) })
        {
            await registry.JsonAsync(HttpMethod.Post, "/api/v1/organizations", new { name = organization }, expectedStatus: 201);
            foreach (var ns in namespaces)
            {
                await registry.JsonAsync(HttpMethod.Put, $"/api/v1/organizations/{organization}/namespaces/{ns}");
            }
        }

        await SeedPackagesAsync(registry);
        var source = await registry.JsonAsync(HttpMethod.Post, "/api/v1/mirrors",
            new { kind = "terraform-module-git", url = "https://git.acme.test/gitnet.git", @namespace = Namespace, name = "gitnet", system = ModuleSystem }, expectedStatus: 201);
        MirrorId = source.GetProperty("id").GetString()!;

        await SetMemberAsync(registry, Organization, ServiceAccount, RoleTemplates.Viewer);
        (TargetKeyId, _) = await CreateKeyAsync(registry, new { name = "matrix target", scopes = new[] { Scopes.NamespacesRead }, owner = new { organization = Organization, service_account = ServiceAccount } });

        Identities.Add(MatrixIdentity.Anonymous);
        Identities.Add(MatrixIdentity.Valid("registry admin", registry.AdminKey, [Scopes.Admin]));
        var acmeNamespaces = new[] { Namespace, SpareNamespace };
        foreach (var (role, scopes) in RoleTemplates.All)
        {
            await SetMemberAsync(registry, Organization, $"as-{role.Replace('_', '-')}", role);
            var (_, key) = await CreateKeyAsync(registry, new { name = role, scopes, owner = new { organization = Organization, service_account = $"as-{role.Replace('_', '-')}" } });
            Identities.Add(MatrixIdentity.Valid($"acme {role}", key, scopes, acmeNamespaces, Organization));
        }

        await SetMemberAsync(registry, "other", "boss", RoleTemplates.Admin);
        var (_, otherAdmin) = await CreateKeyAsync(registry, new { name = "other admin", scopes = new[] { Scopes.Admin }, owner = new { organization = "other", service_account = "boss" } });
        Identities.Add(MatrixIdentity.Valid("other org admin", otherAdmin, [Scopes.Admin], ["other-ns"], "other"));

        var (_, otherNamespace) = await CreateKeyAsync(registry, new { name = "other-ns admin", scopes = new[] { Scopes.Admin }, namespaces = new[] { "other-ns" } });
        Identities.Add(MatrixIdentity.Valid("admin of other-ns only", otherNamespace, [Scopes.Admin], ["other-ns"]));

        // Every scope but admin, limited to packages the seeded one is not among: only Composer requests are out of reach.
        string[] allButAdmin = [.. Scopes.All.Where(s => s != Scopes.Admin)];
        string[] patterns = [$"{Namespace}/public-*"];
        var (_, patterned) = await CreateKeyAsync(registry, new { name = "patterned", scopes = allButAdmin, package_patterns = patterns });
        Identities.Add(MatrixIdentity.Valid("all but admin, other packages", patterned, allButAdmin, packagePatterns: patterns));

        var (revokedId, revoked) = await CreateKeyAsync(registry, new { name = "revoked", scopes = new[] { Scopes.Admin } });
        await registry.JsonAsync(HttpMethod.Delete, $"/api/v1/apikeys/{revokedId}");
        Identities.Add(MatrixIdentity.Refused("revoked admin", revoked));
        Identities.Add(MatrixIdentity.Refused("expired admin", expired));

        // Waiting for a known moment, not asserting on time: the key must be past its expiry before the matrix runs.
        var left = expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }
    }

    private async Task SeedPackagesAsync(RegistryInstance registry)
    {
        using (var module = await registry.PublishModuleAsync(Namespace, Module, ModuleSystem, Version, ModuleArchives.Greeting(Version)))
        {
            Assert.True(module.StatusCode == HttpStatusCode.Created, await module.Content.ReadAsStringAsync());
        }

        using (var provider = await registry.SendAsync(HttpMethod.Post, "/api/v1/providers",
            content: ProviderRelease.Create(ProviderType, Version, ["linux_amd64"], signer: null).Form(Namespace, ProviderType, Version)))
        {
            Assert.True(provider.StatusCode == HttpStatusCode.Created, await provider.Content.ReadAsStringAsync());
        }

        using (var package = await registry.PublishComposerAsync(ComposerCli.PackageZip(Package, version: Version)))
        {
            Assert.True(package.StatusCode == HttpStatusCode.Created, await package.Content.ReadAsStringAsync());
        }

        var metadata = await registry.JsonAsync(HttpMethod.Get, $"/p2/{Package}.json");
        var dist = new Uri(metadata.GetProperty("packages").GetProperty(Package)[0].GetProperty("dist").GetProperty("url").GetString()!).AbsolutePath;
        DistVersionAndFile = dist[$"/dists/{Package}/".Length..];
    }

    private static async Task SetMemberAsync(RegistryInstance registry, string organization, string serviceAccount, string role)
    {
        using var response = await registry.SendAsync(HttpMethod.Put, $"/api/v1/organizations/{organization}/members/service-accounts/{serviceAccount}",
            content: JsonContent.Create(new { role }));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<(string Id, string Key)> CreateKeyAsync(RegistryInstance registry, object request)
    {
        var created = await registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", request, expectedStatus: 201);
        return (created.GetProperty("id").GetString()!, created.GetProperty("key").GetString()!);
    }
}
