using System.Text.Json;
using OrleansRegistry.Catalog;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>One audit entry; <see cref="Details"/> is the entry's details object (omitted when it has none).</summary>
public sealed record AuditEntryResponse(long Id, DateTimeOffset At, string ActorKeyId, string ActorName, string Action, string Target, JsonElement? Details)
{
    public static AuditEntryResponse Of(AuditEntry entry) => new(entry.Id, entry.At, entry.ActorKeyId, entry.ActorName, entry.Action, entry.Target,
        entry.Details is null ? null : JsonDocument.Parse(entry.Details).RootElement.Clone());
}

/// <summary>A page of the audit log; <see cref="NextBeforeId"/> asks for the next (older) page.</summary>
public sealed record AuditListResponse(AuditEntryResponse[] Entries, long? NextBeforeId);

/// <summary>
/// <c>GET /api/v1/audit?actor=&amp;action=&amp;target=&amp;since=&amp;until=&amp;before_id=&amp;limit=</c>: who changed what,
/// newest first. Filters combine (all must hold); a namespace-limited reader sees only its namespaces' entries.
/// </summary>
public static class AuditApi
{
    private const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/audit", ListAsync).WithTags("Audit").RequireScope(Scopes.AuditRead).ProducesDependencyProblems().ProducesProblems(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<Results<Ok<AuditListResponse>, ProblemHttpResult>> ListAsync(
        HttpContext http, IGrainFactory grains, string? target, string? actor, string? action, string? since, string? until, long? before_id, int? limit)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return ApiErrors.BadRequest(http, $"'limit' must be from 1 to {MaxLimit}");
        }

        if (QueryText.Problem("target", target) is { } problem)
        {
            return ApiErrors.BadRequest(http, problem);
        }

        var filter = AuditFilter.Read(actor, action, since, until);
        if (filter.Problem is not null)
        {
            return ApiErrors.BadRequest(http, filter.Problem);
        }

        var query = new AuditQuery(target?.ToLowerInvariant(), before_id, limit ?? 100, http.Caller().Namespaces,
            filter.Actor, filter.Action, filter.ActionIsPrefix, filter.Since, filter.Until, http.Caller().Organization, http.Caller().PackagePatterns);
        var entries = await grains.GetGrain<ICatalogGrain>(0).ListAudit(query);
        return TypedResults.Ok(new AuditListResponse([.. entries.Select(AuditEntryResponse.Of)], entries.Length == query.Limit ? entries[^1].Id : null));
    }
}
