using OrleansRegistry.ApiKeys;
using OrleansRegistry.WebFrontend.Api;
using static OrleansRegistry.WebFrontend.Ui.Shared.FormText;

namespace OrleansRegistry.WebFrontend.Ui.Pages.Admin.Keys;

/// <summary>The "new API key" form as posted, and how it becomes the admin API's request.</summary>
public sealed class KeyForm
{
    public string? Name { get; set; }

    public string[]? Scopes { get; set; }

    /// <summary>Namespaces separated by spaces or commas; empty: every namespace the creator may give.</summary>
    public string? Namespaces { get; set; }

    public DateOnly? ExpiresOn { get; set; }

    public int? RateLimitPerHour { get; set; }

    public string? PackagePatterns { get; set; }

    /// <summary>"me" (the signed-in person), "service_account", or empty for no owner (registry-wide keys only).</summary>
    public string? OwnerKind { get; set; }

    public string? ServiceAccount { get; set; }

    public CreateApiKeyRequest ToRequest(ApiKeyPrincipal creator, string? userId) => new(
        Name,
        Scopes,
        List(Namespaces),
        ExpiresOn is { } day ? new DateTimeOffset(day.ToDateTime(TimeOnly.MaxValue), TimeSpan.Zero) : null,
        RateLimitPerHour,
        List(PackagePatterns),
        Owner(creator, userId));

    private KeyOwnerRequest? Owner(ApiKeyPrincipal creator, string? userId) => OwnerKind switch
    {
        "me" when creator.Organization is { } org && userId is not null => new KeyOwnerRequest(org, null, userId),
        "service_account" => new KeyOwnerRequest(creator.Organization ?? OrganizationOf(ServiceAccount), ServiceAccountName(ServiceAccount), null),
        _ => null,
    };

    // A registry-wide creator names the service account as organization/account.
    private static string? OrganizationOf(string? account) => account?.Split('/') is [var org, _] ? org.Trim() : null;

    private static string? ServiceAccountName(string? account) => account?.Split('/') is [_, var name] ? name.Trim() : account?.Trim();
}
