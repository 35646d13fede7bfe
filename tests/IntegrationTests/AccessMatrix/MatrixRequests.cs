using System.Net.Http.Json;
using System.Text.RegularExpressions;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests.AccessMatrix;

/// <summary>One concrete request for an endpoint: its path (route values filled from the seeded world), body and target.</summary>
internal sealed record MatrixRequest(EndpointDeclaration Endpoint, string Path, MatrixTarget Target, Func<HttpContent?> Body, bool OnMetricsListener)
{
    public HttpMethod Method => new(Endpoint.Method);
}

/// <summary>
/// Builds the concrete request for each endpoint: route values by parameter name, and for writes a body that is valid
/// where that is cheap. Which seeded thing a request reaches follows from its route parameters (or, for creations,
/// from what the body names). Nothing here says who may call what: that comes from the endpoints' declarations.
/// </summary>
internal static partial class MatrixRequests
{
    public static MatrixRequest For(EndpointDeclaration endpoint, MatrixWorld w)
    {
        var pattern = endpoint.Pattern;
        var path = RouteParameter().Replace(pattern, m => (Value(pattern, m.Groups[1].Value, w) ?? Value(pattern, m.Groups[1].Value.ToLowerInvariant(), w))
            ?? throw new InvalidOperationException($"no value for route parameter '{m.Groups[1].Value}' of {endpoint}: add one to {nameof(MatrixRequests)}.{nameof(Value)}"))
            + QueryOf(pattern);
        var (body, bodyTarget) = BodyOf($"{endpoint.Method} {pattern}", w);
        // ListenerEndpointsMiddleware serves /metrics and the detailed /health on the metrics listener only.
        var metrics = pattern.StartsWith("/metrics", StringComparison.Ordinal) || pattern == "/health";
        return new MatrixRequest(endpoint, path, bodyTarget ?? TargetOf(pattern), body, metrics);
    }

    /// <summary>What the route's parameters point at.</summary>
    private static MatrixTarget TargetOf(string pattern) =>
        pattern.Contains("{vendor}", StringComparison.Ordinal) ? MatrixTarget.Package
        : pattern.Contains("{namespace}", StringComparison.Ordinal) || pattern.StartsWith("/api/v1/namespaces/{", StringComparison.Ordinal)
            || pattern.StartsWith("/api/v1/mirrors/{id}", StringComparison.Ordinal) ? MatrixTarget.Namespace
        : pattern.Contains("{organization}", StringComparison.Ordinal) ? MatrixTarget.Organization
        : pattern.StartsWith("/api/v1/apikeys/{id}", StringComparison.Ordinal) ? MatrixTarget.ApiKey
        : MatrixTarget.None;

    private static string? Value(string pattern, string parameter, MatrixWorld w) => parameter switch
    {
        "namespace" or "vendor" => MatrixWorld.Namespace,
        "ns" => MatrixWorld.SpareNamespace, // released last; the organization keeps acme-ns
        "organization" => MatrixWorld.Organization,
        "name" when pattern.StartsWith("/api/v1/namespaces/", StringComparison.Ordinal) => MatrixWorld.Namespace,
        "name" when pattern.Contains("{vendor}", StringComparison.Ordinal) => MatrixWorld.PackageName,
        "name" => MatrixWorld.Module,
        "system" => MatrixWorld.ModuleSystem,
        "package" => MatrixWorld.PackageName,
        "type" => MatrixWorld.ProviderType,
        "version" => MatrixWorld.Version,
        "os" => "linux",
        "arch" => "amd64",
        "hostname" => "registry.acme.test",
        "file" when pattern.StartsWith("/p2/", StringComparison.Ordinal) => $"{MatrixWorld.PackageName}.json",
        "file" => "index.json",
        "versionAndFile" => w.DistVersionAndFile,
        "key" => "modules/matrix.tar.gz",
        "keyId" => "0123456789ABCDEF",
        "role" => MatrixWorld.Role,
        "kind" => "service-accounts",
        "id" when pattern.StartsWith("/api/v1/apikeys/", StringComparison.Ordinal) => w.TargetKeyId,
        "id" when pattern.StartsWith("/api/v1/mirrors/", StringComparison.Ordinal) || pattern.StartsWith("/api/v1/webhooks/", StringComparison.Ordinal) => w.MirrorId,
        "id" when pattern.Contains("/members/", StringComparison.Ordinal) => MatrixWorld.ServiceAccount,
        "id" when pattern.StartsWith("/ui/admin/mirrors/", StringComparison.Ordinal) => w.MirrorId,
        "path" => "matrix/no-such-endpoint",
        // The dashboard's: a page of reminders, a silo address and a grain type (answers of the dashboard, not of access).
        "page" => "1",
        "address" => "x",
        "grainName" => "x",
        "documentName" => "v1",
        _ => null,
    };

    /// <summary>Searches get a term that finds the seeded things, so that what a key cannot reach would show.</summary>
    private static string QueryOf(string pattern) => pattern switch
    {
        "/v1/modules/search" => $"?q={MatrixWorld.Module}",
        "/search.json" => "?q=widget",
        // A member's key looks people up by exact address only (without one it is refused whatever its scopes).
        "/api/v1/users" => "?email=nobody@example.test",
        _ => "",
    };

    /// <summary>The body of a write (a fresh one per request), and what it names when the route does not.</summary>
    private static (Func<HttpContent?> Body, MatrixTarget? Target) BodyOf(string endpoint, MatrixWorld w) => endpoint switch
    {
        // Creations name what already exists: an allowed caller gets a conflict, and the seed stays as it is.
        "POST /api/v1/namespaces/" => (() => JsonContent.Create(new { name = MatrixWorld.Namespace }), MatrixTarget.Namespace),
        "POST /api/v1/organizations/" => (() => JsonContent.Create(new { name = MatrixWorld.Organization }), null),
        "POST /api/v1/modules/" => (() => ModuleForm(), MatrixTarget.Namespace),
        "POST /api/v1/providers/" => (() => ProviderForm(), MatrixTarget.Namespace),
        "POST /api/v1/composer/packages/" => (() => PackageForm(), MatrixTarget.Package),
        // A Composer source publishes into the namespace; package patterns do not limit mirror management (README).
        "POST /api/v1/mirrors/" => (() => JsonContent.Create(new { kind = "composer-git", url = "https://git.acme.test/other.git", @namespace = MatrixWorld.Namespace }),
            MatrixTarget.Namespace),
        "POST /api/v1/apikeys/" => (() => JsonContent.Create(new
        {
            name = "matrix", scopes = new[] { Scopes.NamespacesRead }, owner = new { organization = MatrixWorld.Organization, service_account = MatrixWorld.ServiceAccount },
        }), MatrixTarget.ApiKey),
        // Composer reports installs of whatever it installed; entries the key cannot see are skipped, not refused.
        "POST /downloads" => (() => JsonContent.Create(new { downloads = new[] { new { name = MatrixWorld.Package, version = "1.0.0.0" } } }), MatrixTarget.None),
        "PUT /api/v1/apikeys/{id}" => (() => JsonContent.Create(new { name = "matrix target" }), null),
        "POST /api/v1/apikeys/{id}/rotate" => (() => JsonContent.Create(new { grace_period_hours = 0 }), null),
        "PUT /api/v1/mirrors/{id}" => (() => JsonContent.Create(new { interval_minutes = 0 }), null),
        "PUT /api/v1/organizations/{organization}/roles/{role}" => (() => JsonContent.Create(new { scopes = new[] { Scopes.NamespacesRead } }), null),
        "PUT /api/v1/organizations/{organization}/members/{kind}/{id}" => (() => JsonContent.Create(new { role = "viewer" }), null),
        "POST /api/v1/namespaces/{namespace}/gpg-keys" => (() => JsonContent.Create(new { ascii_armor = "not a key" }), null),
        var other when other.StartsWith("POST ", StringComparison.Ordinal) || other.StartsWith("PUT ", StringComparison.Ordinal) => (() => JsonContent.Create(new { }), null),
        _ => (() => null, null),
    };

    private static MultipartFormDataContent ModuleForm() => new()
    {
        { new StringContent(MatrixWorld.Namespace), "namespace" },
        { new StringContent(MatrixWorld.Module), "name" },
        { new StringContent(MatrixWorld.ModuleSystem), "system" },
        { new StringContent(MatrixWorld.Version), "version" },
        { new ByteArrayContent(ModuleArchives.Greeting(MatrixWorld.Version)), "file", "module.tar.gz" },
    };

    // The namespace is checked before the files: a form without files is enough for the access decision.
    private static MultipartFormDataContent ProviderForm() => new()
    {
        { new StringContent(MatrixWorld.Namespace), "namespace" },
        { new StringContent(MatrixWorld.ProviderType), "type" },
        { new StringContent(MatrixWorld.Version), "version" },
    };

    private static MultipartFormDataContent PackageForm() => new()
    {
        { new ByteArrayContent(ComposerCli.PackageZip(MatrixWorld.Package, version: MatrixWorld.Version)), "file", "package.zip" },
    };

    [GeneratedRegex(@"\{\*{0,2}(\w+)(?::[^}]*)?\??\}")]
    private static partial Regex RouteParameter();
}
