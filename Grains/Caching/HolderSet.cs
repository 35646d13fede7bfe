namespace OrleansRegistry.Caching;

/// <summary>
/// The frontends (observers) holding something a grain handed out, each until a time; when it changes, every holder
/// that may still use it is told to drop it. In memory: a holder that is never told stops by itself at its time.
/// </summary>
/// <remarks>
/// Not Orleans' <c>ObserverManager</c>: it tells observers one after another (a dead frontend would hold a change for
/// a whole call timeout) and keeps them after telling; a change here reaches all holders at once and forgets them.
/// </remarks>
public sealed class HolderSet<THolder>(TimeProvider clock) where THolder : IGrainObserver
{
    private static readonly TimeSpan DropTimeout = TimeSpan.FromSeconds(5);
    private readonly Dictionary<GrainId, (THolder Holder, DateTimeOffset Until)> _holders = [];

    public void Remember(THolder holder, DateTimeOffset until) => _holders[holder.GetGrainId()] = (holder, until);

    /// <summary>Calls <paramref name="drop"/> on every holder whose time has not passed; failures go to <paramref name="failed"/>.</summary>
    public async Task DropAllAsync(Func<THolder, Task> drop, Action<Exception> failed)
    {
        if (_holders.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var live = _holders.Values.Where(h => h.Until > now).Select(h => h.Holder).ToList();
        _holders.Clear();
        await Task.WhenAll(live.Select(async holder =>
        {
            try
            {
                await drop(holder).WaitAsync(DropTimeout);
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                failed(e);
            }
        }));
    }
}
