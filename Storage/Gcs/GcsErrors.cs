using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Google;
using Google.Apis.Auth.OAuth2.Responses;

namespace OrleansRegistry.Storage.Gcs;

/// <summary>Cloud Storage failures in words that say which setting or permission to look at.</summary>
internal sealed partial class GcsErrors(string bucket, string prefix, string variables, string baseUri)
{
    /// <summary>Failures of the store, as opposed to the content's stream or a cancelled request.</summary>
    public static bool IsStoreFailure(Exception e) => e is GoogleApiException or HttpRequestException or TokenResponseException;

    /// <summary>A 404 about the object; Cloud Storage answers 404 for a missing bucket too, which is a broken setting.</summary>
    public static bool IsMissingObject(GoogleApiException e) => e.HttpStatusCode == HttpStatusCode.NotFound && !IsMissingBucket(e.Message);

    public static bool IsMissingBucket(string message) => message.Contains("bucket does not exist", StringComparison.OrdinalIgnoreCase);

    /// <summary>The message of a JSON API error body (<c>{"error":{"message":...}}</c>), else the body as it came.</summary>
    public static string ErrorMessage(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var message) && message.GetString() is { } text ? text : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    public ArtifactStoreUnavailableException Unavailable(string key, Exception e) =>
        new($"Google Cloud Storage bucket '{bucket}' failed on '{prefix}{key}': {Describe(e)}", e);

    public ArtifactStoreUnavailableException CreationFailed(Exception e) =>
        new($"Google Cloud Storage bucket '{bucket}' could not be created: {Describe(e)}", e);

    public async Task<T> GuardAsync<T>(string key, Func<ValueTask<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Unavailable(key, e);
        }
    }

    private string Describe(Exception e) => e switch
    {
        GoogleApiException { HttpStatusCode: HttpStatusCode.NotFound } when IsMissingBucket(e.Message) =>
            $"the bucket does not exist ({variables}BUCKET); the registry creates it only with REGISTRY_STORAGE_CREATE_IF_MISSING=true",
        GoogleApiException { HttpStatusCode: HttpStatusCode.Forbidden } api =>
            $"permission denied{Missing(api.Message)}: the registry's service account needs storage.objects.create, storage.objects.get, storage.objects.delete and storage.objects.list on the bucket (the role Storage Object Admin) ({api.Error?.Message ?? api.Message})",
        GoogleApiException { HttpStatusCode: HttpStatusCode.Unauthorized } or TokenResponseException =>
            $"the credentials were refused ({e.Message}): check {variables}CREDENTIALS_FILE or GOOGLE_APPLICATION_CREDENTIALS (a service account JSON key that is still valid)",
        HttpRequestException => $"Cloud Storage could not be reached at {baseUri} ({e.Message}): check the network, and {variables}ENDPOINT when set",
        GoogleApiException api => api.Error?.Message ?? api.Message,
        _ => e.Message,
    };

    /// <summary>" (missing storage.objects.create)" when Cloud Storage names the permission it checked.</summary>
    private static string Missing(string message) => Permission().Match(message) is { Success: true } match ? $" (missing {match.Value})" : "";

    [GeneratedRegex(@"storage\.[a-zA-Z]+\.[a-zA-Z]+")]
    private static partial Regex Permission();
}
