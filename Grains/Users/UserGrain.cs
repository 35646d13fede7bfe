using OrleansRegistry.Catalog;
using OrleansRegistry.Changes;

namespace OrleansRegistry.Users;

public sealed class UserState : IHasFollowUps
{
    public string? Issuer { get; set; }
    public string Subject { get; set; } = "";
    public string? Email { get; set; }
    public string? Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }
    public List<GroupGrant> GroupGrants { get; set; } = [];

    public bool Exists => Issuer is not null;

    public FollowUps FollowUps { get; set; } = new();
}

/// <summary>A person signed in through OIDC: the profile the identity provider gave at the last sign-in.</summary>
[GrainType("user")]
public sealed class UserGrain(
    [PersistentState("user", RegistryStorage.Name)] IPersistentState<UserState> state,
    OrganizationReadModel readModel,
    StateChangeServices changes,
    TimeProvider clock) : Grain, IUserGrain
{
    private StateChanges<UserState>? _changes;

    private StateChanges<UserState> Changes => _changes ??= changes.For(this, state, static () => Task.CompletedTask, SyncAsync);

    public override Task OnActivateAsync(CancellationToken cancellationToken) => Changes.ResumeAsync();

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Changes.FlushAsync();

    public async Task<UserView> SignIn(UserSignIn signIn)
    {
        var now = clock.GetUtcNow();
        var created = !state.State.Exists;
        await Changes.CommitAsync(s =>
        {
            if (created)
            {
                s.Issuer = signIn.Issuer;
                s.Subject = signIn.Subject;
                s.CreatedAt = now;
            }

            s.Email = signIn.Email;
            s.Name = signIn.Name;
            s.LastSignInAt = now;
        }, AuditRecord.Of(new Actor(this.GetPrimaryKeyString(), signIn.Name ?? signIn.Email ?? signIn.Subject), created ? "user.create" : "user.sign-in", this.GetPrimaryKeyString(), now));
        return View();
    }

    public Task<UserView?> Get() => Task.FromResult(state.State.Exists ? View() : null);

    public Task<GroupGrant[]> GetGroupGrants() => Task.FromResult(state.State.GroupGrants.ToArray());

    public Task SetGroupGrants(GroupGrant[] grants) =>
        state.State.GroupGrants.SequenceEqual(grants) ? Task.CompletedTask : changes.WriteAsync(this, state, s => s.GroupGrants = [.. grants]);

    private Task SyncAsync() => state.State.Exists ? readModel.UpsertUserAsync(View()) : Task.CompletedTask;

    private UserView View()
    {
        var s = state.State;
        return new UserView(this.GetPrimaryKeyString(), s.Issuer!, s.Subject, s.Email, s.Name, s.CreatedAt, s.LastSignInAt);
    }
}
