using System.Security.Cryptography;
using System.Text;

namespace OrleansRegistry.Users;

/// <summary>A person as the identity provider last described them at sign-in.</summary>
[GenerateSerializer, Immutable, Alias("user-view")]
public sealed record UserView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Issuer,
    [property: Id(2)] string Subject,
    [property: Id(3)] string? Email,
    [property: Id(4)] string? Name,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? LastSignInAt);

[GenerateSerializer, Immutable, Alias("user-page")]
public sealed record UserPage(
    [property: Id(0)] UserView[] Users,
    [property: Id(1)] bool HasMore);

/// <summary>A sign-in: who the identity provider says the person is (never a token).</summary>
[GenerateSerializer, Immutable, Alias("user-sign-in")]
public sealed record UserSignIn(
    [property: Id(0)] string Issuer,
    [property: Id(1)] string Subject,
    [property: Id(2)] string? Email,
    [property: Id(3)] string? Name);

/// <summary>A role in an organization the user holds because of an identity-provider group (REGISTRY_OIDC_GROUP_ROLES).</summary>
[GenerateSerializer, Immutable, Alias("group-grant")]
public sealed record GroupGrant(
    [property: Id(0)] string Organization,
    [property: Id(1)] string Role);

public static class UserIds
{
    /// <summary>
    /// A user's id: stable for one issuer and subject, short, and a valid name segment (subjects are opaque strings of
    /// any characters, so they are hashed rather than used).
    /// </summary>
    public static string For(string issuer, string subject)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(issuer + "\n" + subject));
        return "u" + Convert.ToHexStringLower(hash)[..19];
    }
}

/// <summary>One person, keyed by <see cref="UserIds.For"/>.</summary>
[Alias("user")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Records a sign-in: creates the user or updates its e-mail and name from the identity provider.</summary>
    [Alias("sign-in")]
    Task<UserView> SignIn(UserSignIn signIn);

    [Alias("get"), Orleans.Concurrency.ReadOnly]
    Task<UserView?> Get();

    /// <summary>The roles the last sign-in's groups gave (taken away at a sign-in whose groups no longer give them).</summary>
    [Alias("group-grants"), Orleans.Concurrency.ReadOnly]
    Task<GroupGrant[]> GetGroupGrants();

    [Alias("set-group-grants")]
    Task SetGroupGrants(GroupGrant[] grants);
}
