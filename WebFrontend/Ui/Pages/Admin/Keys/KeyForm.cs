using System.Globalization;
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

    /// <summary>A day, yyyy-MM-dd as date inputs post it; text, so a malformed one is refused rather than dropped.</summary>
    public string? ExpiresOn { get; set; }

    public string? RateLimitPerHour { get; set; }

    public string? PackagePatterns { get; set; }

    /// <summary>"me" (the signed-in person), "service_account", or empty for no owner (registry-wide keys only).</summary>
    public string? OwnerKind { get; set; }

    public string? ServiceAccount { get; set; }

    /// <summary>What is malformed in the form before the API's rules see it, or null.</summary>
    public string? Problem() =>
        Blank(ExpiresOn) is { } day && !DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? $"'Expires on' must be a day written yyyy-MM-dd, not '{day}'"
            : Blank(RateLimitPerHour) is { } rate && !int.TryParse(rate, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                ? $"'Requests per hour' must be a whole number, not '{rate}'"
                : null;

    /// <summary>The API's request; blank namespaces from a key limited to namespaces mean all of its own, as the form says.</summary>
    public CreateApiKeyRequest ToRequest(ApiKeyPrincipal creator, string? userId) => new(
        Name,
        Scopes,
        List(Namespaces) ?? (creator.Organization is null ? creator.Namespaces : null),
        Blank(ExpiresOn) is { } day ? new DateTimeOffset(DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MaxValue), TimeSpan.Zero) : null,
        Blank(RateLimitPerHour) is { } rate ? int.Parse(rate, CultureInfo.InvariantCulture) : null,
        List(PackagePatterns),
        Owner(creator, userId));

    /// <summary>Whether the owner choice <paramref name="kind"/> is checked: as posted, else the form's default.</summary>
    public bool OwnerChecked(string kind, bool byDefault) => OwnerKind is null ? byDefault : OwnerKind == kind;

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
