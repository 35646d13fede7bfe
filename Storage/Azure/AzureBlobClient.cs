using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace OrleansRegistry.Storage.Azure;

/// <summary>Which credential the store's requests carry: what an operator checks when Azure refuses them depends on it.</summary>
public enum AzureCredentialKind
{
    AccountKey,
    ConnectionString,
    SasConnectionString,
    /// <summary>DefaultAzureCredential: a managed or workload identity, AZURE_CLIENT_* variables, a developer login.</summary>
    DefaultCredential,
}

/// <summary>The blob service client the settings describe, and the store on its container.</summary>
public static class AzureBlobClient
{
    /// <param name="storage">The storage settings; their redirect lifetime becomes <see cref="AzureStorageOptions.SasTokenExpiry"/> when that is set.</param>
    /// <param name="variables">The settings' environment variable prefix, <c>REGISTRY_STORAGE_AZURE_</c> or a copy target's.</param>
    public static IArtifactStore CreateStore(AzureStorageOptions options, StorageOptions storage, string variables)
    {
        var container = options.Container is { Length: > 0 } c ? c : throw new StorageSettingsException($"{variables}CONTAINER is required for an Azure store");
        if (options.SasTokenExpiry is { Length: > 0 } expiry)
        {
            storage.RedirectLifetime = expiry;
            if (storage.RedirectLifetimeSpan is null)
            {
                throw new StorageSettingsException($"{variables}SAS_TOKEN_EXPIRY '{expiry}' is not a duration between 1s and 6d, such as 15m");
            }
        }

        var (service, credential) = Connect(options, variables);
        if (storage.Redirects && credential == AzureCredentialKind.SasConnectionString)
        {
            throw new StorageSettingsException($"{StorageVariables(variables)}DOWNLOADS=redirect needs SAS links signed by an account key or a managed identity's user delegation key; the SharedAccessSignature of {variables}CONNECTION_STRING cannot sign them (use an AccountKey connection string, or downloads=proxy)");
        }

        // The endpoint without the query, where a SAS connection string keeps its signature.
        var endpoint = new UriBuilder(service.Uri) { Query = "" }.Uri;
        var failures = new AzureStoreFailures(container, endpoint, credential, variables);
        var signer = new AzureSasSigner(service, userDelegation: credential == AzureCredentialKind.DefaultCredential);
        return new AzureBlobArtifactStore(service.GetBlobContainerClient(container), storage.KeyPrefix, signer, failures);
    }

    /// <summary><c>REGISTRY_STORAGE_</c> (or a copy target's), of which the Azure settings are the <c>AZURE_</c> family.</summary>
    internal static string StorageVariables(string variables) =>
        variables.EndsWith("AZURE_", StringComparison.Ordinal) ? variables[..^"AZURE_".Length] : variables;

    private static (BlobServiceClient Service, AzureCredentialKind Credential) Connect(AzureStorageOptions options, string variables)
    {
        if (options.ConnectionString is { Length: > 0 } connectionString)
        {
            if (options.AccountKey is { Length: > 0 } || options.Endpoint is { Length: > 0 })
            {
                throw new StorageSettingsException($"{variables}CONNECTION_STRING carries the account's key and endpoint: leave {variables}ACCOUNT_KEY and {variables}ENDPOINT unset, or use them instead of it");
            }

            try
            {
                var credential = connectionString.Contains("SharedAccessSignature=", StringComparison.OrdinalIgnoreCase)
                    ? AzureCredentialKind.SasConnectionString
                    : AzureCredentialKind.ConnectionString;
                return (new BlobServiceClient(connectionString, ClientOptions()), credential);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new StorageSettingsException($"{variables}CONNECTION_STRING is not a storage account connection string ({e.Message})", e);
            }
        }

        var endpoint = Endpoint(options, variables);
        if (options.AccountKey is { Length: > 0 } key)
        {
            var account = options.AccountName is { Length: > 0 } name
                ? name
                : throw new StorageSettingsException($"{variables}ACCOUNT_KEY needs {variables}ACCOUNT_NAME, the storage account the key belongs to");
            if (!Convert.TryFromBase64String(key, new byte[key.Length], out _))
            {
                throw new StorageSettingsException($"{variables}ACCOUNT_KEY is not an account key (the base64 text of key1 or key2 under the storage account's Access keys)");
            }

            return (new BlobServiceClient(endpoint, new StorageSharedKeyCredential(account, key), ClientOptions()), AzureCredentialKind.AccountKey);
        }

        if (endpoint.Scheme != Uri.UriSchemeHttps)
        {
            // The SDK sends tokens over TLS only: say so now rather than on the first request.
            throw new StorageSettingsException($"{variables}ENDPOINT '{endpoint}' is not https, as a managed identity's token needs; set {variables}ACCOUNT_KEY or {variables}CONNECTION_STRING for a plain http endpoint");
        }

        // Managed identity, workload identity (AZURE_FEDERATED_TOKEN_FILE) or AZURE_CLIENT_SECRET and the like.
        return (new BlobServiceClient(endpoint, new DefaultAzureCredential(), ClientOptions()), AzureCredentialKind.DefaultCredential);
    }

    private static Uri Endpoint(AzureStorageOptions options, string variables)
    {
        if (options.Endpoint is { Length: > 0 } endpoint)
        {
            return Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                ? uri
                : throw new StorageSettingsException($"{variables}ENDPOINT '{endpoint}' is not an http(s) address such as https://<account>.blob.core.windows.net");
        }

        return options.AccountName is { Length: > 0 } account
            ? new Uri($"https://{account}.blob.core.windows.net")
            : throw new StorageSettingsException($"{variables}ACCOUNT_NAME (or {variables}ENDPOINT, or {variables}CONNECTION_STRING) is required for an Azure store");
    }

    /// <summary>
    /// Retries kept short: the SDK's defaults (0.8 s doubling, up to a minute, 100 s per try) hold a client's request
    /// for tens of seconds when the store is unreachable, where a quick 503 with Retry-After serves it better.
    /// </summary>
    private static BlobClientOptions ClientOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.Mode = global::Azure.Core.RetryMode.Exponential;
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(60);
        return options;
    }
}
