using Google.Apis.Auth.OAuth2;
using Google.Cloud.Storage.V1;

namespace OrleansRegistry.Storage.Gcs;

/// <summary>The Cloud Storage client the settings describe.</summary>
public static class GcsClient
{
    /// <param name="variables">The settings' environment variable prefix, <c>REGISTRY_STORAGE_GCS_</c> or a copy target's.</param>
    public static IArtifactStore CreateStore(GcsStorageOptions options, string prefix, string variables)
    {
        var bucket = options.Bucket is { Length: > 0 } b ? b : throw new StorageSettingsException($"{variables}BUCKET is required for a Google Cloud Storage store");
        var credential = Credential(options, variables);
        var builder = new StorageClientBuilder { GoogleCredential = credential, UnauthenticatedAccess = credential is null };
        if (options.Endpoint is { Length: > 0 } endpoint)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var root) || root.Scheme is not ("http" or "https"))
            {
                throw new StorageSettingsException($"{variables}ENDPOINT '{endpoint}' is not an http(s) address");
            }

            // The JSON API lives under storage/v1/ of the server's root; the client derives the upload and download paths from it.
            builder.BaseUri = new Uri(new Uri(root.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/"), "storage/v1/").ToString();
        }

        var project = options.ProjectId is { Length: > 0 } id ? id : (credential?.UnderlyingCredential as ServiceAccountCredential)?.ProjectId;
        return new GcsArtifactStore(builder.Build(), bucket, prefix, project, variables);
    }

    /// <summary>The credential, or null for an emulator (an endpoint, and no credentials named anywhere).</summary>
    private static GoogleCredential? Credential(GcsStorageOptions options, string variables)
    {
        if (options.CredentialsFile is { Length: > 0 } file)
        {
            try
            {
                // A service account key only: other credential files (external accounts) run or fetch what they name,
                // which a setting should not be able to make the registry do.
                return CredentialFactory.FromFile<ServiceAccountCredential>(file).ToGoogleCredential();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or FormatException)
            {
                throw new StorageSettingsException($"{variables}CREDENTIALS_FILE '{file}' is not a readable service account JSON key: {e.Message}", e);
            }
        }

        if (options.Endpoint is { Length: > 0 } && Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS") is not { Length: > 0 })
        {
            return null;
        }

        try
        {
            // Once, at start, as the settings are read (synchronously, like the rest of them).
            return GoogleCredential.GetApplicationDefault();
        }
        catch (Exception e) when (e is InvalidOperationException or AggregateException { InnerException: InvalidOperationException })
        {
            throw new StorageSettingsException(
                $"Google Cloud Storage could not find default credentials: set GOOGLE_APPLICATION_CREDENTIALS or {variables}CREDENTIALS_FILE to a service account JSON key, or run where Application Default Credentials are available (workload identity, a VM's service account)", e);
        }
    }
}
