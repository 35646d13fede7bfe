using OrleansRegistry.Catalog;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>A page of the audit log; <see cref="NextBeforeId"/> asks for the next (older) page.</summary>
public sealed record AuditListResponse(AuditEntry[] Entries, long? NextBeforeId);

/// <summary><c>GET /api/v1/audit?target=&amp;before_id=&amp;limit=</c>: who changed what, newest first.</summary>
public static class AuditApi
{
    private const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/audit", ListAsync).WithTags("Audit").RequireScope(Scopes.AuditRead).ProducesDependencyProblems().ProducesProblems(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<Results<Ok<AuditListResponse>, ProblemHttpResult>> ListAsync(HttpContext http, IGrainFactory grains, string? target, long? before_id, int? limit)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return ApiErrors.BadRequest(http, $"'limit' must be from 1 to {MaxLimit}");
        }

        if (QueryText.Problem("target", target) is { } problem)
        {
            return ApiErrors.BadRequest(http, problem);
        }

        var query = new AuditQuery(target?.ToLowerInvariant(), before_id, limit ?? 100, http.Caller().Namespaces);
        var entries = await grains.GetGrain<ICatalogGrain>(0).ListAudit(query);
        return TypedResults.Ok(new AuditListResponse(entries, entries.Length == query.Limit ? entries[^1].Id : null));
    }
}
