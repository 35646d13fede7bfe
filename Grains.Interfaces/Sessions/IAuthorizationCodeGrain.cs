namespace OrleansRegistry.Sessions;

/// <summary>What an authorization code stands for: who signed in, for which organization, and the PKCE challenge.</summary>
[GenerateSerializer, Immutable, Alias("authorization-grant")]
public sealed record AuthorizationGrant(
    [property: Id(0)] string UserId,
    [property: Id(1)] string UserName,
    [property: Id(2)] string Organization,
    [property: Id(3)] string ClientId,
    [property: Id(4)] string RedirectUri,
    [property: Id(5)] string CodeChallenge);

/// <summary>
/// One OAuth authorization code of <c>terraform login</c>, keyed by the code: usable once, within a minute. Kept in
/// memory only; a code whose silo stops is lost, and the person runs <c>terraform login</c> again.
/// </summary>
[Alias("authorization-code")]
public interface IAuthorizationCodeGrain : IGrainWithStringKey
{
    [Alias("issue")]
    Task Issue(AuthorizationGrant grant);

    /// <summary>The grant, once; null when the code is unknown, used or expired.</summary>
    [Alias("redeem")]
    Task<AuthorizationGrant?> Redeem();
}
