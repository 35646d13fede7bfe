using OrleansRegistry.ApiKeys;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>What a new or changed key may be: well-formed, and never more than the key creating or changing it.</summary>
public static class ApiKeyRules
{
    private const int MaxNamespaces = 1000;

    /// <summary>
    /// A member's key manages the keys of its organization's members (they never reach beyond it); another key limited
    /// to namespaces manages only keys limited to some of those namespaces. One limited to package patterns manages
    /// only keys limited to patterns within its own, and no key manages one holding a scope it lacks: else it could
    /// rotate a wider key and use its secret (a user manager rotating the organization admin's key).
    /// </summary>
    public static bool MayManage(ApiKeyPrincipal manager, ApiKeyView key) =>
        (manager.Organization is not null
            ? key.Owner?.Organization == manager.Organization
            : manager.Namespaces is null || (key.Namespaces is not null && key.Namespaces.All(manager.CanAccessNamespace)))
        && PackageGrants.Covers(manager.PackagePatterns, key.PackagePatterns)
        && key.Scopes.All(manager.Allows);

    /// <summary>Package patterns as a key stores them: lower case (like namespaces), each once; null stays null.</summary>
    public static string[]? NormalizePatterns(string[]? patterns) =>
        patterns?.Select(p => p?.ToLowerInvariant()!).Distinct(StringComparer.Ordinal).ToArray();

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

        if (creator.Organization is { } organization && request.Owner is null)
        {
            return Outcome.Invalid($"'owner' is required: a key made by a key of organization '{organization}' belongs to one of its members, e.g. {{\"organization\": \"{organization}\", \"service_account\": \"ci\"}}");
        }

        // A member's key for a member of its organization may leave the namespaces out: the organization's are its bound.
        var patterns = NormalizePatterns(request.PackagePatterns);
        return PatternProblem(patterns)
            ?? ValidateGrants(request.Scopes, request.Namespaces, request.ExpiresAt, request.RateLimitPerHour, creator, now,
                namespacesGiven: request.Namespaces is not null || creator.Organization is null || request.Owner?.Organization != creator.Organization)
            ?? PatternRefusal(patterns, creator, patternsGiven: true);
    }

    /// <summary>
    /// Null when the change may be made; else Invalid or Forbidden. A key is changed as it could be created: never to
    /// more scopes or namespaces than the caller holds, so a key never exceeds whoever last shaped it.
    /// </summary>
    public static Outcome? ValidateUpdate(UpdateApiKeyRequest request, ApiKeyPrincipal caller, DateTimeOffset now)
    {
        if (request.Name is not null && (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 100))
        {
            return Outcome.Invalid("'name' must be 1-100 characters");
        }

        if (request is { Name: null, RateLimitPerHour: null, Scopes: null, Namespaces: null, ExpiresAt: null, PackagePatterns: null })
        {
            return Outcome.Invalid("nothing to change: give 'name', 'scopes', 'namespaces', 'package_patterns', 'expires_at' and/or 'rate_limit_per_hour'");
        }

        if (request.Scopes is { Length: 0 })
        {
            return Outcome.Invalid($"'scopes' must list at least one of: {string.Join(", ", Scopes.All)} (revoke a key to take everything away)");
        }

        var patterns = NormalizePatterns(request.PackagePatterns);
        return PatternProblem(patterns)
            ?? ValidateGrants(request.Scopes ?? [], request.Namespaces, request.ExpiresAt, request.RateLimitPerHour, caller, now, namespacesGiven: request.Namespaces is not null)
            ?? PatternRefusal(patterns, caller, patternsGiven: patterns is not null);
    }

    private static Outcome? PatternProblem(string[]? patterns) =>
        patterns is not null && PackageGrants.Problem(patterns) is { } problem ? Outcome.Invalid(problem) : null;

    /// <summary>
    /// For a caller limited to package patterns, Forbidden unless each given pattern is covered by one of its own: a new
    /// key without patterns would reach every package, so such a caller must give them.
    /// </summary>
    private static Outcome? PatternRefusal(string[]? patterns, ApiKeyPrincipal caller, bool patternsGiven)
    {
        if (caller.PackagePatterns is null || !patternsGiven)
        {
            return null;
        }

        if (patterns is null)
        {
            return new Outcome(OutcomeCode.Forbidden, "a key limited to package patterns can only create keys limited to patterns within its own ('package_patterns')");
        }

        return patterns.FirstOrDefault(p => !PackageGrants.Allows(caller.PackagePatterns, p)) is { } wider
            ? new Outcome(OutcomeCode.Forbidden, $"a key cannot grant the package pattern '{wider}', which none of its own patterns ({string.Join(", ", caller.PackagePatterns)}) covers")
            : null;
    }

    private static Outcome? ValidateGrants(
        string[] scopes, string[]? namespaces, DateTimeOffset? expiresAt, int? rateLimitPerHour, ApiKeyPrincipal creator, DateTimeOffset now, bool namespacesGiven = true)
    {

        if (scopes.Any(s => s is null))
        {
            return Outcome.Invalid($"'scopes' must list scope names (strings), not null; known scopes: {string.Join(", ", Scopes.All)}");
        }

        if (scopes.FirstOrDefault(s => !Scopes.IsKnown(s)) is { } unknown)
        {
            return Outcome.Invalid($"unknown scope '{unknown}'; known scopes: {string.Join(", ", Scopes.All)}");
        }

        if (namespaces is not null && namespaces.Any(n => n is null))
        {
            return Outcome.Invalid("'namespaces' must list namespace names (strings), not null; leave it out for a key that reaches every namespace");
        }

        if (namespaces is not null && namespaces.FirstOrDefault(n => !Names.IsValidSegment(n.ToLowerInvariant())) is { } badNamespace)
        {
            return Outcome.Invalid($"'{badNamespace}' is not a valid namespace name");
        }

        if (namespaces is { Length: > MaxNamespaces })
        {
            return Outcome.Invalid($"'namespaces' may list at most {MaxNamespaces} namespaces");
        }

        if (expiresAt is { } expires && expires <= now)
        {
            return Outcome.Invalid("'expires_at' must be in the future");
        }

        if (rateLimitPerHour is < 0)
        {
            return Outcome.Invalid("'rate_limit_per_hour' must be 0 (unlimited) or more");
        }

        if (scopes.FirstOrDefault(s => !creator.Allows(s)) is { } excess)
        {
            return new Outcome(OutcomeCode.Forbidden, $"a key cannot grant the scope '{excess}', which it does not hold itself");
        }

        if (creator.Namespaces is not null && namespacesGiven
            && (namespaces is null || namespaces.Any(n => !creator.CanAccessNamespace(n.ToLowerInvariant()))))
        {
            return new Outcome(OutcomeCode.Forbidden, "a key limited to namespaces can only create keys limited to some of those namespaces");
        }

        return null;
    }
}
