namespace OrleansRegistry.IntegrationTests.AccessMatrix;

/// <summary>What an identity should get from an endpoint, derived from the endpoint's declaration alone.</summary>
internal enum Expected
{
    /// <summary>Public by declaration: the same answer with any key as without one.</summary>
    Public,

    /// <summary>No key, or one the registry must refuse (expired, revoked): 401.</summary>
    Unauthenticated,

    /// <summary>A valid key lacking a declared scope, or not registry-wide where that is declared: 403.</summary>
    Forbidden,

    /// <summary>Scopes enough, but the target is outside the key's namespaces, organization or package patterns: 403 or 404.</summary>
    OutOfReach,

    /// <summary>Anything but 401 and 403 (a 400, 404 or 409 is the endpoint's own answer to the request).</summary>
    Allowed,
}

internal static class AccessExpectation
{
    public static Expected Of(MatrixRequest request, MatrixIdentity identity)
    {
        var endpoint = request.Endpoint;
        if (endpoint.IsAnonymous)
        {
            return Expected.Public;
        }

        if (identity.Principal is not { } principal)
        {
            return Expected.Unauthenticated;
        }

        if (!endpoint.Scopes.All(principal.Allows) || (endpoint.RegistryWide && !principal.IsRegistryWide))
        {
            return Expected.Forbidden;
        }

        return identity.Reaches(request.Target) ? Expected.Allowed : Expected.OutOfReach;
    }

    /// <summary>Why the answer breaks the expectation, or null. <paramref name="publicStatus"/>: the answer without a key.</summary>
    public static string? Problem(Expected expected, int status, string body, MatrixIdentity identity, int? publicStatus)
    {
        if (status >= 500)
        {
            return $"server error {status}";
        }

        var wrong = expected switch
        {
            Expected.Public => status != publicStatus ? $"public endpoint answered {publicStatus} without a key" : null,
            Expected.Unauthenticated => status != 401 ? "expected 401" : null,
            Expected.Forbidden => status != 403 ? "expected 403 (scope or registry-wide key missing)" : null,
            Expected.OutOfReach => status is not (403 or 404) ? "expected 403 or 404 (target out of the key's reach)" : null,
            _ => status is 401 or 403 ? "expected to be let through" : null,
        };
        if (wrong is not null)
        {
            return wrong;
        }

        // A listing filtered to what the caller reaches must leave out the rest, down to its names.
        if (expected == Expected.Allowed && status is >= 200 and < 300)
        {
            var leaked = identity.Unseen().FirstOrDefault(name => body.Contains(name, StringComparison.OrdinalIgnoreCase));
            return leaked is null ? null : $"answer names '{leaked}', which the key cannot reach";
        }

        return null;
    }
}
