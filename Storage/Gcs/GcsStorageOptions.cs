namespace OrleansRegistry.Storage.Gcs;

/// <summary>
/// A Google Cloud Storage bucket: <c>REGISTRY_STORAGE_GCS_*</c>, or <c>Registry:Storage:Gcs</c>.
/// </summary>
public sealed class GcsStorageOptions
{
    public const string Section = "Gcs";

    public string? Bucket { get; set; }

    /// <summary>
    /// A service account JSON key; when unset, GOOGLE_APPLICATION_CREDENTIALS or the environment's Application Default
    /// Credentials (workload identity, the metadata server, gcloud's login).
    /// </summary>
    public string? CredentialsFile { get; set; }

    /// <summary>
    /// Another Cloud Storage server's root address (an emulator, a private endpoint); Google's when unset. With an
    /// endpoint and no credentials at all, requests go unauthenticated, which only an emulator accepts.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>The project a created bucket belongs to (only with create-if-missing); the service account key's project when unset.</summary>
    public string? ProjectId { get; set; }
}
