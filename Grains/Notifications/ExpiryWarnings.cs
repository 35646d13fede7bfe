using System.Globalization;

namespace OrleansRegistry.Notifications;

/// <summary>A warning to send now: <see cref="Days"/> is the most urgent one due; <see cref="Covered"/> every due one it stands for.</summary>
public sealed record DueWarning(double Days, double[] Covered);

/// <summary>
/// Which expiry warning a key owes, as pure functions of its expiry, the configured days and the warnings it already
/// sent, so the key grain only commits and sends what these decide.
/// </summary>
public static class ExpiryWarnings
{
    /// <summary>Ten years: beyond that a warning means nothing, and the subtraction stays in range.</summary>
    public const double MaxDays = 3650;

    /// <summary>
    /// <c>"14,7,1"</c> → [14, 7, 1]: positive numbers of days (fractions allowed), largest first, each once;
    /// <c>"none"</c> → no warnings. Null when the text is not such a list.
    /// </summary>
    public static double[]? ParseDays(string? text)
    {
        if (text is null || string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        var days = new List<double>();
        foreach (var part in text.Split(','))
        {
            if (!double.TryParse(part.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value <= 0 || value > MaxDays)
            {
                return null;
            }

            days.Add(value);
        }

        return [.. days.Distinct().OrderDescending()];
    }

    /// <summary>When the <paramref name="days"/>-day warning of a key expiring at <paramref name="expiresAt"/> falls due.</summary>
    public static DateTimeOffset WarnAt(DateTimeOffset expiresAt, double days) => expiresAt - TimeSpan.FromDays(days);

    /// <summary>
    /// The warning to send at <paramref name="now"/>: of the warnings due and not yet sent, only the most urgent (the
    /// fewest days), standing for the larger ones too (a key created 3 days before its expiry gets the 7-day warning,
    /// not the 14-day one as well). Null when none is due, or the key has expired already (it then warns no more).
    /// </summary>
    public static DueWarning? Due(IReadOnlyCollection<double> days, DateTimeOffset expiresAt, DateTimeOffset now, IReadOnlyCollection<double> sent)
    {
        if (now >= expiresAt)
        {
            return null;
        }

        double[] due = [.. days.Where(d => !sent.Contains(d) && now >= WarnAt(expiresAt, d))];
        return due.Length == 0 ? null : new DueWarning(due.Min(), due);
    }

    /// <summary>When the next warning not yet sent falls due after <paramref name="now"/>; null when none is left.</summary>
    public static DateTimeOffset? NextAt(IReadOnlyCollection<double> days, DateTimeOffset expiresAt, DateTimeOffset now, IReadOnlyCollection<double> sent)
    {
        DateTimeOffset? next = null;
        foreach (var d in days.Where(d => !sent.Contains(d)))
        {
            var at = WarnAt(expiresAt, d);
            if (at > now && at < expiresAt && (next is null || at < next))
            {
                next = at;
            }
        }

        return next;
    }

    /// <summary>
    /// The sent warnings a key keeps after its expiry changed: those still due for the new expiry. The others are
    /// owed again (an expiry moved a month later warns again at 14, 7 and 1 days).
    /// </summary>
    public static List<double> StillDue(IEnumerable<double> sent, DateTimeOffset? expiresAt, DateTimeOffset now) =>
        expiresAt is { } expires ? [.. sent.Where(d => now >= WarnAt(expires, d))] : [];

    /// <summary>
    /// The days a mail announces: the warning's own, unless less time is left (a warning sent late, or the key was
    /// created within it): then the whole days left, rounded up.
    /// </summary>
    public static double DaysLeft(double warningDays, TimeSpan remaining) => Math.Min(warningDays, Math.Max(0, Math.Ceiling(remaining.TotalDays)));

    /// <summary>A number of days as a metric label and in the audit log: invariant, shortest (<c>14</c>, <c>0.0005</c>).</summary>
    public static string Format(double days) => days.ToString(CultureInfo.InvariantCulture);
}
