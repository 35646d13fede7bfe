using OrleansRegistry.Organizations;
using OrleansRegistry.WebFrontend.Hosting;

namespace OrleansRegistry.WebFrontend.SignIn;

/// <summary>A group of the identity provider mapped to a role in an organization (REGISTRY_OIDC_GROUP_ROLES).</summary>
public sealed record GroupRole(string Group, string Organization, string Role);

/// <summary>
/// OIDC sign-in for browsers (Registry:Oidc, the REGISTRY_OIDC_* variables). Off when none is set; a partial setup
/// stops start-up naming the missing setting, as sign-in would otherwise fail later with a vaguer error.
/// </summary>
public sealed class OidcSettings
{
    public const string Section = "Registry:Oidc";

    public required Uri Issuer { get; init; }
    public required string ClientId { get; init; }
    public string? ClientSecret { get; init; }
    public required Uri RedirectUrl { get; init; }
    public required string[] Scopes { get; init; }
    public required string GroupsClaim { get; init; }
    public required GroupRole[] GroupRoles { get; init; }
    public required TimeSpan SessionLifetime { get; init; }

    /// <summary>How long the API key <c>terraform login</c> hands out works.</summary>
    public required TimeSpan TerraformTokenLifetime { get; init; }

    /// <summary>The issuer as the provider should name it in its discovery document and tokens.</summary>
    public string IssuerText => Issuer.OriginalString.TrimEnd('/');

    /// <summary>Null when OIDC is not configured.</summary>
    /// <exception cref="ConfigurationException">It is partly configured or a value is malformed.</exception>
    public static OidcSettings? Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        string? Value(string key) => section[key] is { Length: > 0 } value ? value.Trim() : null;
        var issuer = Value("IssuerUrl");
        var clientId = Value("ClientId");
        var redirect = Value("RedirectUrl");
        if (issuer is null && clientId is null && redirect is null && Value("ClientSecret") is null && Value("GroupRoles") is null)
        {
            return null;
        }

        foreach (var (value, variable) in new[] { (issuer, "REGISTRY_OIDC_ISSUER_URL"), (clientId, "REGISTRY_OIDC_CLIENT_ID"), (redirect, "REGISTRY_OIDC_REDIRECT_URL") })
        {
            if (value is null)
            {
                throw new ConfigurationException($"{variable} is not set: OIDC sign-in needs REGISTRY_OIDC_ISSUER_URL, REGISTRY_OIDC_CLIENT_ID and REGISTRY_OIDC_REDIRECT_URL (and REGISTRY_OIDC_CLIENT_SECRET for a confidential client)");
            }
        }

        return new OidcSettings
        {
            Issuer = AbsoluteUrl("REGISTRY_OIDC_ISSUER_URL", issuer!),
            ClientId = clientId!,
            ClientSecret = Value("ClientSecret"),
            RedirectUrl = AbsoluteUrl("REGISTRY_OIDC_REDIRECT_URL", redirect!),
            Scopes = (Value("Scopes") ?? "openid profile email").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries),
            GroupsClaim = Value("GroupsClaim") ?? "groups",
            GroupRoles = ParseGroupRoles(Value("GroupRoles")),
            SessionLifetime = ReadLifetime("REGISTRY_OIDC_SESSION_LIFETIME", Value("SessionLifetime"), TimeSpan.FromHours(24)),
            TerraformTokenLifetime = ReadLifetime("REGISTRY_OIDC_TERRAFORM_TOKEN_LIFETIME", Value("TerraformTokenLifetime"), TimeSpan.FromDays(30)),
        };
    }

    /// <remarks>Plain http only on loopback (a provider under test): tokens must not cross a network in the clear.</remarks>
    private static Uri AbsoluteUrl(string variable, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)
            ? uri
            : throw new ConfigurationException($"{variable} must be an absolute https URL (http only on loopback), not '{value}'");

    /// <remarks>
    /// The constant format only ([d.]hh:mm:ss, hours below 24): a general parse reads "24:00:00" as 24 days, which a
    /// person meaning a day would not notice until sessions lasted weeks.
    /// </remarks>
    private static TimeSpan ReadLifetime(string variable, string? value, TimeSpan fallback) =>
        value is null ? fallback
        : TimeSpan.TryParseExact(value, "c", System.Globalization.CultureInfo.InvariantCulture, out var lifetime) && lifetime > TimeSpan.Zero ? lifetime
        : throw new ConfigurationException($"{variable} must be a positive time span [days.]hh:mm:ss with hours below 24, such as 08:00:00 or 1.00:00:00 (a day), not '{value}'");

    /// <summary><c>group=organization:role</c> entries, separated by commas or semicolons.</summary>
    private static GroupRole[] ParseGroupRoles(string? value) =>
        [.. (value ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(entry =>
        {
            var equals = entry.LastIndexOf('=');
            var colon = entry.LastIndexOf(':');
            if (equals <= 0 || colon <= equals + 1 || colon == entry.Length - 1
                || !Names.IsValidSegment(entry[(equals + 1)..colon]) || !Names.IsValidSegment(entry[(colon + 1)..]))
            {
                throw new ConfigurationException($"REGISTRY_OIDC_GROUP_ROLES: '{entry}' is not group=organization:role (e.g. platform-team=acme:{RoleTemplates.DevOps})");
            }

            return new GroupRole(entry[..equals], entry[(equals + 1)..colon], entry[(colon + 1)..]);
        })];
}
