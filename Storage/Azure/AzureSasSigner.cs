using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;

namespace OrleansRegistry.Storage.Azure;

/// <summary>
/// Read-only SAS links to single blobs: signed with the account key when the client has one, else with a user
/// delegation key the managed identity obtains (kept while it covers the links asked for, so most links cost no request).
/// </summary>
public sealed class AzureSasSigner(BlobServiceClient service, bool userDelegation)
{
    /// <summary>Links are valid from a little in the past, so a client whose clock is behind Azure's can use them at once.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>A user delegation key is asked for this long (Azure allows up to 7 days), or longer when a link outlives it.</summary>
    private static readonly TimeSpan DelegationKeyLifetime = TimeSpan.FromDays(1);

    // Replaced whole; two callers refreshing at once both get a valid key, so no lock.
    private volatile UserDelegationKey? _delegationKey;

    /// <summary>A link to read <paramref name="blob"/> until <paramref name="expires"/>; null when the credential cannot sign (a SAS connection string).</summary>
    public async Task<Uri?> SignAsync(BlobClient blob, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, expires)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            StartsOn = DateTimeOffset.UtcNow - ClockSkew,
        };
        if (blob.CanGenerateSasUri)
        {
            return blob.GenerateSasUri(sas);
        }

        if (!userDelegation)
        {
            return null;
        }

        var key = await DelegationKeyAsync(expires, cancellationToken);
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, service.AccountName) }.ToUri();
    }

    /// <summary>A user delegation key valid until <paramref name="expires"/> at least (a link cannot outlive its key).</summary>
    private async Task<UserDelegationKey> DelegationKeyAsync(DateTimeOffset expires, CancellationToken cancellationToken)
    {
        if (_delegationKey is { } cached && cached.SignedExpiresOn >= expires)
        {
            return cached;
        }

        var now = DateTimeOffset.UtcNow;
        var until = expires > now + DelegationKeyLifetime ? expires : now + DelegationKeyLifetime;
        var key = (await service.GetUserDelegationKeyAsync(new BlobGetUserDelegationKeyOptions(until) { StartsOn = now - 2 * ClockSkew }, cancellationToken)).Value;
        _delegationKey = key;
        return key;
    }
}
