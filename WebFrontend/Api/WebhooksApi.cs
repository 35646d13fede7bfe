using OrleansRegistry.Mirroring;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>What became of a delivery: <see cref="Status"/> is "accepted" (a sync started or queued) or "ignored".</summary>
public sealed record WebhookResponse(string Status, string Message);

/// <summary>
/// <c>POST /api/v1/webhooks/{id}</c>: Git hosts notify a source of pushes. No API key: each delivery is
/// authenticated by the source's webhook secret (signature, token or basic auth), checked in the mirror grain.
/// </summary>
public static class WebhooksApi
{
    private const int MaxBodyBytes = 5 << 20;
    private const int MaxHeaderBytes = 4096;

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/webhooks/{id}", ReceiveAsync).WithTags("Mirrors").DisableAntiforgery()
            .AllowAnonymous("Git hosts send no API key: the mirror grain checks each delivery against the webhook secret")
            .ProducesDependencyProblems()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    private static async Task<Results<Accepted<WebhookResponse>, Ok<WebhookResponse>, ProblemHttpResult>> ReceiveAsync(string id, HttpContext http, IGrainFactory grains)
    {
        id = id.ToLowerInvariant();
        if (!Names.IsValidSegment(id))
        {
            return ApiErrors.NotFound(http, $"mirror '{id}' not found");
        }

        if (http.Request.ContentLength > MaxBodyBytes)
        {
            return ApiErrors.Problem(http, StatusCodes.Status413PayloadTooLarge, $"webhook bodies are limited to {MaxBodyBytes} bytes");
        }

        using var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
        {
            if (body.Length + read > MaxBodyBytes)
            {
                return ApiErrors.Problem(http, StatusCodes.Status413PayloadTooLarge, $"webhook bodies are limited to {MaxBodyBytes} bytes");
            }

            body.Write(buffer, 0, read);
        }

        // Signatures, tokens, event names and delivery ids are all X- headers (or Authorization).
        var headers = http.Request.Headers
            .Where(h => h.Key.StartsWith("X-", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            .Where(h => h.Value.ToString().Length <= MaxHeaderBytes)
            .Take(64)
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var received = await grains.GetGrain<IMirrorGrain>(id).ReceiveWebhook(new WebhookDelivery(headers, body.ToArray()));
        return received.Code switch
        {
            OutcomeCode.Accepted => TypedResults.Accepted((string?)null, new WebhookResponse("accepted", received.Reason!)),
            OutcomeCode.Unchanged => TypedResults.Ok(new WebhookResponse("ignored", received.Reason!)),
            _ => received.ToProblem(http),
        };
    }
}
