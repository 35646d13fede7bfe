using System.Text.Json.Serialization;

namespace OrleansRegistry.Organizations;

/// <summary>What kind of member of an organization: a person signed in through OIDC, or a named service account.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MemberKind>))]
public enum MemberKind
{
    [JsonStringEnumMemberName("user")]
    User = 0,

    [JsonStringEnumMemberName("service_account")]
    ServiceAccount = 1,
}

public static class MemberKinds
{
    /// <summary>The kind as the API and the read model spell it: <c>user</c> or <c>service_account</c>.</summary>
    public static string Name(MemberKind kind) => kind == MemberKind.User ? "user" : "service_account";

    public static MemberKind Parse(string name) => name == "user" ? MemberKind.User : MemberKind.ServiceAccount;

    /// <summary>A member as one word, <c>service_account:ci</c>: its key among an organization's members, and how messages name it.</summary>
    public static string Member(MemberKind kind, string id) => $"{Name(kind)}:{id}";
}

/// <summary>Who a key belongs to: a member of an organization. The key never does more than the member's role allows.</summary>
[GenerateSerializer, Immutable, Alias("key-owner")]
public sealed record KeyOwner(
    [property: Id(0)] string Organization,
    [property: Id(1)] MemberKind Kind,
    [property: Id(2)] string Id);

/// <summary>What a member may do now: its role's scopes, within the organization's namespaces.</summary>
[GenerateSerializer, Immutable, Alias("owner-rights")]
public sealed record OwnerRights(
    [property: Id(0)] string Role,
    [property: Id(1)] string[] Scopes,
    [property: Id(2)] string[] Namespaces);

[GenerateSerializer, Immutable, Alias("role-view")]
public sealed record RoleView(
    [property: Id(0)] string Name,
    [property: Id(1)] string[] Scopes,
    [property: Id(2)] bool BuiltIn);

[GenerateSerializer, Immutable, Alias("member-view")]
public sealed record MemberView(
    [property: Id(0)] MemberKind Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] string Role,
    [property: Id(3)] DateTimeOffset AddedAt,
    [property: Id(4)] string AddedBy,
    [property: Id(5)] string[] KeyIds);

[GenerateSerializer, Immutable, Alias("organization-view")]
public sealed record OrganizationView(
    [property: Id(0)] string Name,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string[] Namespaces,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] string CreatedBy,
    [property: Id(5)] RoleView[] CustomRoles,
    [property: Id(6)] int MemberCount,
    [property: Id(7)] string? ContactEmail = null);

/// <summary>A change to an organization; null members stay as they are, an empty <see cref="ContactEmail"/> removes it.</summary>
[GenerateSerializer, Immutable, Alias("organization-update")]
public sealed record OrganizationUpdate(
    [property: Id(0)] string? DisplayName,
    [property: Id(1)] string? ContactEmail,
    [property: Id(2)] Actor Actor);

/// <summary>A member to add or change: its role, and who does it (whose own scopes bound the roles it may give).</summary>
[GenerateSerializer, Immutable, Alias("member-change")]
public sealed record MemberChange(
    [property: Id(0)] MemberKind Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] string Role,
    [property: Id(3)] Actor Actor,
    [property: Id(4)] string[] ActorScopes);

/// <summary>A custom role to define or redefine.</summary>
[GenerateSerializer, Immutable, Alias("role-change")]
public sealed record RoleChange(
    [property: Id(0)] string Name,
    [property: Id(1)] string[] Scopes,
    [property: Id(2)] Actor Actor,
    [property: Id(3)] string[] ActorScopes);

[GenerateSerializer, Immutable, Alias("organization-page")]
public sealed record OrganizationPage(
    [property: Id(0)] OrganizationView[] Organizations,
    [property: Id(1)] bool HasMore);

/// <summary>A member's role in one organization (a user's organizations, listed).</summary>
[GenerateSerializer, Immutable, Alias("membership-view")]
public sealed record MembershipView(
    [property: Id(0)] string Organization,
    [property: Id(1)] string Role);
