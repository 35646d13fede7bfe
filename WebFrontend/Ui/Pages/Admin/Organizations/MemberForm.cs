using OrleansRegistry.Catalog;
using OrleansRegistry.Organizations;

namespace OrleansRegistry.WebFrontend.Ui.Pages.Admin.Organizations;

/// <summary>A member as a form names it: a person by e-mail (they must have signed in once) or a service account by name.</summary>
public sealed class MemberForm
{
    /// <summary>"user" or "service_account".</summary>
    public string? Kind { get; set; }

    /// <summary>A person's e-mail address, or a service account's name.</summary>
    public string? Who { get; set; }

    public string? Role { get; set; }

    public async Task<(MemberKind Kind, string? Id, string? Problem)> ResolveAsync(IGrainFactory grains)
    {
        var who = Who?.Trim() ?? "";
        if (Kind == "service_account")
        {
            var name = who.ToLowerInvariant();
            return (MemberKind.ServiceAccount, name, Names.Problem("service account", name));
        }

        if (!EmailAddresses.IsValid(who))
        {
            return (MemberKind.User, null, $"'{who}' is not an e-mail address");
        }

        var found = await grains.GetGrain<ICatalogGrain>(0).ListUsers(who, 0, 2);
        return found.Users is [var user]
            ? (MemberKind.User, user.Id, null)
            : (MemberKind.User, null, $"nobody with the address '{who}' has signed in yet: they sign in once, then can be added");
    }
}
