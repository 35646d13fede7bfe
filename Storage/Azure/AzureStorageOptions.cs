namespace OrleansRegistry.Storage.Azure;

/// <summary>
/// An Azure Blob Storage container (or azurite): <c>REGISTRY_STORAGE_AZURE_*</c>, or <c>Registry:Storage:Azure</c>.
/// Credentials: a connection string, or an account name and key, or neither (the default Azure credential chain:
/// managed identity, workload identity, environment).
/// </summary>
public sealed class AzureStorageOptions
{
    public const string Section = "Azure";

    /// <summary>The storage account; its endpoint is <c>https://&lt;account&gt;.blob.core.windows.net</c> unless <see cref="Endpoint"/> says otherwise.</summary>
    public string? AccountName { get; set; }

    public string? AccountKey { get; set; }

    /// <summary>A storage connection string (with an AccountKey or a SharedAccessSignature), instead of the settings above.</summary>
    public string? ConnectionString { get; set; }

    public string? Container { get; set; }

    /// <summary>The blob service's address: another cloud, a private endpoint, azurite (<c>http://127.0.0.1:10000/devstoreaccount1</c>).</summary>
    public string? Endpoint { get; set; }

    /// <summary>How long SAS download links stay valid (<c>15m</c>, <c>1h</c>); <c>REGISTRY_STORAGE_REDIRECT_LIFETIME</c> when unset.</summary>
    public string? SasTokenExpiry { get; set; }
}
