using OrleansRegistry.ApiKeys;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>What a new key may be: well-formed, and never more than the key creating it.</summary>
public static class ApiKeyRules
{
    private const int MaxNamespaces = 1000;

    /// <summary>A key limited to namespaces manages only keys limited to some of those namespaces.</summary>
    public static bool MayManage(ApiKeyPrincipal manager, ApiKeyView key) =>
        manager.Namespaces is null || (key.Namespaces is not null && key.Namespaces.All(manager.CanAccessNamespace));

    public static string? ValidateUpdate(UpdateApiKeyRequest request) =>
        request.Name is not null && (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 100) ? "'name' must be 1-100 characters"
        : request.RateLimitPerHour is < 0 ? "'rate_limit_per_hour' must be 0 (unlimited) or more"
        : request.Name is null && request.RateLimitPerHour is null ? "nothing to change: give 'name' and/or 'rate_limit_per_hour'"
        : null;

    /// <summary>Null when the request may be granted; else Invalid (malformed) or Forbidden (beyond the creator).</summary>
    public static Outcome? Validate(CreateApiKeyRequest request, ApiKeyPrincipal creator, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 100)
        {
            return Outcome.Invalid("'name' is required (1-100 characters)");
        }

        if (request.Scopes is null || request.Scopes.Length == 0)
        {
            return Outcome.Invalid($"'scopes' must list at least one of: {string.Join(", ", Scopes.All)}");
        }

        if (request.Scopes.Any(s => s is null))
        {
            return Outcome.Invalid($"'scopes' must list scope names (strings), not null; known scopes: {string.Join(", ", Scopes.All)}");
        }

        if (request.Scopes.FirstOrDefault(s => !Scopes.IsKnown(s)) is { } unknown)
        {
            return Outcome.Invalid($"unknown scope '{unknown}'; known scopes: {string.Join(", ", Scopes.All)}");
        }

        if (request.Namespaces is not null && request.Namespaces.Any(n => n is null))
        {
            return Outcome.Invalid("'namespaces' must list namespace names (strings), not null; leave it out for a key that reaches every namespace");
        }

        if (request.Namespaces is not null && request.Namespaces.FirstOrDefault(n => !Names.IsValidSegment(n.ToLowerInvariant())) is { } badNamespace)
        {
            return Outcome.Invalid($"'{badNamespace}' is not a valid namespace name");
        }

        if (request.Namespaces is { Length: > MaxNamespaces })
        {
            return Outcome.Invalid($"'namespaces' may list at most {MaxNamespaces} namespaces");
        }

        if (request.ExpiresAt is { } expires && expires <= now)
        {
            return Outcome.Invalid("'expires_at' must be in the future");
        }

        if (request.RateLimitPerHour is < 0)
        {
            return Outcome.Invalid("'rate_limit_per_hour' must be 0 (unlimited) or more");
        }

        if (request.Scopes.FirstOrDefault(s => !creator.Allows(s)) is { } excess)
        {
            return new Outcome(OutcomeCode.Forbidden, $"a key cannot grant the scope '{excess}', which it does not hold itself");
        }

        if (creator.Namespaces is not null
            && (request.Namespaces is null || request.Namespaces.Any(n => !creator.CanAccessNamespace(n.ToLowerInvariant()))))
        {
            return new Outcome(OutcomeCode.Forbidden, "a key limited to namespaces can only create keys limited to some of those namespaces");
        }

        return null;
    }
}
