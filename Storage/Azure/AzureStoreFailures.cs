using Azure;
using Azure.Identity;

namespace OrleansRegistry.Storage.Azure;

/// <summary>Azure's errors in words that name the setting, role or network path to fix, for the credential in use.</summary>
public sealed class AzureStoreFailures(string container, Uri endpoint, AzureCredentialKind credential, string variables)
{
    /// <summary>Failures of the store, as opposed to the content's stream or a cancelled request.</summary>
    /// <remarks>When every retry failed, Azure.Core throws an <see cref="AggregateException"/> of the attempts' failures.</remarks>
    public static bool IsStoreFailure(Exception e) =>
        e is RequestFailedException or AuthenticationFailedException or HttpRequestException
        || (e is AggregateException { InnerExceptions.Count: > 0 } all && all.InnerExceptions.All(IsStoreFailure));

    public ArtifactStoreUnavailableException Unavailable(string blobName, Exception e) =>
        new($"Azure container '{container}' failed on '{blobName}': {Describe(e)}", e);

    public ArtifactStoreUnavailableException CreationFailed(Exception e) =>
        new($"Azure container '{container}' could not be created: {Describe(e)}", e);

    private string Describe(Exception e) => (e is AggregateException { InnerExceptions.Count: > 0 } all ? all.InnerExceptions[^1] : e) switch
    {
        CredentialUnavailableException unavailable =>
            $"no Azure credential found: set {variables}ACCOUNT_NAME and {variables}ACCOUNT_KEY, or {variables}CONNECTION_STRING, or give the registry a managed identity or workload identity (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE) ({FirstLine(unavailable.Message)})",
        AuthenticationFailedException failed =>
            $"the Azure identity could not get a token ({FirstLine(failed.Message)}): check AZURE_CLIENT_ID and AZURE_TENANT_ID, and the identity's federated credential or secret",
        RequestFailedException { ErrorCode: "ContainerNotFound" } =>
            $"the container does not exist (ContainerNotFound): check {variables}CONTAINER and the account it is in; the registry does not create containers unless {AzureBlobClient.StorageVariables(variables)}CREATE_IF_MISSING=true",
        RequestFailedException { ErrorCode: "InvalidResourceName" } =>
            $"the container name is not valid (InvalidResourceName): {variables}CONTAINER takes 3 to 63 lowercase letters, digits and hyphens",
        RequestFailedException refused when IsAuthenticationFailure(refused) => $"authentication failed (AuthenticationFailed): {RefusedCredential}; Azure said: {AzureSaid(refused)}",
        RequestFailedException { ErrorCode: "AuthorizationPermissionMismatch" or "AuthorizationFailure" } denied => $"access denied ({denied.ErrorCode}): {MissingPermission}",
        RequestFailedException { Status: 0 } or HttpRequestException =>
            $"the blob endpoint {endpoint} could not be reached ({Innermost(e).Message}): check {variables}ENDPOINT or {variables}ACCOUNT_NAME (or the connection string's BlobEndpoint), DNS, proxies and firewalls",
        RequestFailedException other => AzureSaid(other),
        var other => other.Message,
    };

    /// <summary>
    /// Azure's AuthenticationFailed; azurite answers a bad signature with AuthorizationFailure and Azure's
    /// authentication message instead, which is the same failure.
    /// </summary>
    private static bool IsAuthenticationFailure(RequestFailedException e) =>
        e.ErrorCode == "AuthenticationFailed"
        || (e.ErrorCode == "AuthorizationFailure" && AzureSaid(e).StartsWith("Server failed to authenticate the request", StringComparison.Ordinal));

    /// <summary>Azure's reason: the status line's, which answers to HEAD requests (that have no error body) carry too.</summary>
    private static string AzureSaid(RequestFailedException e) => e.GetRawResponse()?.ReasonPhrase is { Length: > 0 } reason ? reason : FirstLine(e.Message);

    /// <summary>What to check when Azure does not accept the credential at all.</summary>
    private string RefusedCredential => credential switch
    {
        AzureCredentialKind.AccountKey =>
            $"the account key was refused: check that {variables}ACCOUNT_KEY is a current key (key1 or key2 under Access keys) of the account {variables}ACCOUNT_NAME, and that this machine's clock is right",
        AzureCredentialKind.ConnectionString =>
            $"the account key of {variables}CONNECTION_STRING was refused: check its AccountName and AccountKey against the account's Access keys, and that this machine's clock is right",
        AzureCredentialKind.SasConnectionString =>
            $"the SAS of {variables}CONNECTION_STRING (SharedAccessSignature) was refused: check that it has not expired, that the key which signed it was not rotated, and that it covers the blob service",
        _ => $"the default Azure credential's token (a managed or workload identity, or AZURE_CLIENT_* variables) was refused: check that the identity (AZURE_CLIENT_ID) is in the storage account's tenant (AZURE_TENANT_ID)",
    };

    /// <summary>What to grant when the credential is accepted but not allowed.</summary>
    private string MissingPermission => credential switch
    {
        AzureCredentialKind.DefaultCredential =>
            "the identity (managed, workload, or AZURE_CLIENT_ID's) needs the role Storage Blob Data Contributor on the storage account or the container (a new role assignment takes a few minutes to apply); the account's firewall may also keep this network out",
        AzureCredentialKind.SasConnectionString =>
            $"the SAS of {variables}CONNECTION_STRING needs read, add, create, write, delete and list permissions (sp=racwdl) on the container's blobs; the account's firewall may also keep this network out",
        _ => "an account key may do anything, so the storage account's firewall or private endpoint settings keep this network out (Networking, in the portal)",
    };

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;
}
