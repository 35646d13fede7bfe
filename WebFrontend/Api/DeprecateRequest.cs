using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>A deprecation of a module or provider version: Terraform prints the reason on every init, and the link goes to browsers.</summary>
public sealed record DeprecateRequest(string? Reason, string? Link)
{
    public const int MaxReasonLength = 1000;

    public string? Problem() =>
        Reason is { Length: > MaxReasonLength } ? $"'reason' is too long ({MaxReasonLength} characters at most)"
        : Link is not null && !(Uri.TryCreate(Link, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http") ? "'link' must be an absolute http or https URL"
        : null;

    /// <summary>The deprecation a request asks for; the body is optional (a deprecation without reason or link).</summary>
    public static async Task<(DeprecateRequest? Request, ProblemHttpResult? Problem)> ReadAsync(HttpContext http)
    {
        DeprecateRequest request = new(null, null);
        if (http.Request.ContentLength is > 0 || http.Request.ContentType is not null)
        {
            var (body, problem) = await FrontendJson.ReadAsync<DeprecateRequest>(http.Request);
            if (body is null)
            {
                return (null, ApiErrors.BadRequest(http, problem!));
            }

            request = body;
        }

        return request.Problem() is { } invalid
            ? (null, ApiErrors.BadRequest(http, invalid))
            : (request, null);
    }
}
