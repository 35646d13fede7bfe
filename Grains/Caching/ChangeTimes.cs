namespace OrleansRegistry.Caching;

/// <summary>
/// The time a document last changed, as its <c>Last-Modified</c> carries it: whole seconds, and always later than
/// the time its previous content carried. Two changes within one second would otherwise share a validator, and a
/// client revalidating its older copy with <c>If-Modified-Since</c> (Composer does on every run) would be told that
/// copy is current, again and again until some later change.
/// </summary>
public static class ChangeTimes
{
    /// <summary>The change time of a document that changes now and last changed at <paramref name="previous"/>.</summary>
    public static DateTimeOffset Next(DateTimeOffset previous, DateTimeOffset now)
    {
        var at = Seconds(now);
        var floor = previous == default ? default : Seconds(previous).AddSeconds(1);
        return at >= floor ? at : floor;
    }

    /// <summary>
    /// A document's change time as kept in state; for state written before it was kept (unset), the newest of
    /// <paramref name="shown"/>, which is what the document carried then.
    /// </summary>
    public static DateTimeOffset KeptOr(DateTimeOffset changedAt, IEnumerable<DateTimeOffset> shown) =>
        changedAt != default ? changedAt : shown.DefaultIfEmpty().Max();

    /// <summary><paramref name="time"/> without its fraction of a second, as HTTP dates have it.</summary>
    public static DateTimeOffset Seconds(DateTimeOffset time) => time.AddTicks(-(time.Ticks % TimeSpan.TicksPerSecond));
}
