namespace OrleansRegistry.WebFrontend.Auth;

/// <summary>
/// Endpoint metadata: clients whose User-Agent starts with <see cref="UserAgentPrefix"/> get 400 with
/// <see cref="Message"/> (checked by <see cref="EndpointAccessMiddleware"/>, before authentication, so an outdated
/// client learns what to do even without a key).
/// </summary>
public sealed record RejectedClient(string UserAgentPrefix, string Message)
{
    public bool Matches(HttpRequest request) =>
        request.Headers.UserAgent is { Count: > 0 } agent && agent[0]!.StartsWith(UserAgentPrefix, StringComparison.Ordinal);
}

public static class RejectedClientExtensions
{
    /// <summary>Turns away clients whose User-Agent starts with <paramref name="userAgentPrefix"/> on every endpoint of the builder.</summary>
    public static TBuilder RejectClient<TBuilder>(this TBuilder builder, string userAgentPrefix, string message) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RejectedClient(userAgentPrefix, message));
}
