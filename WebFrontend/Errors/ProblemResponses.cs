using Microsoft.AspNetCore.Mvc;

namespace OrleansRegistry.WebFrontend.Errors;

public static class ProblemResponses
{
    /// <summary>
    /// Tells the OpenAPI document which problem statuses the endpoints can answer with: a handler's typed results name
    /// its successes, but a <c>ProblemHttpResult</c> carries its status only when it runs.
    /// </summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata([.. statuses.Select(status => new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]))]);

    /// <summary>What every admin endpoint can answer: a dependency (the cluster, the database, the store) is down.</summary>
    public static TBuilder ProducesDependencyProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblems(StatusCodes.Status503ServiceUnavailable);
}
