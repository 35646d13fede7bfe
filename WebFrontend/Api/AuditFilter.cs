using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>
/// The audit log's filters as given in the query, checked: <c>actor</c> a key id (or <c>system</c>, <c>anonymous</c>),
/// <c>action</c> a name such as <c>apikey.create</c> or a prefix ending in <c>*</c> (<c>apikey.*</c>), <c>since</c> and
/// <c>until</c> RFC 3339 timestamps with an offset (since inclusive, until exclusive). <see cref="Problem"/> names the
/// first parameter that is wrong.
/// </summary>
public sealed partial record AuditFilter(string? Actor, string? Action, bool ActionIsPrefix, DateTimeOffset? Since, DateTimeOffset? Until, string? Problem)
{
    private const int MaxLength = 100;

    public static AuditFilter Read(string? actor, string? action, string? since, string? until)
    {
        if (actor is not null && (actor.Length is 0 or > MaxLength || !ActorPattern().IsMatch(actor)))
        {
            return Failed("'actor' must be a key id (letters and digits)");
        }

        var isPrefix = action?.EndsWith('*') == true;
        var name = isPrefix ? action![..^1] : action;
        if (name is not null && (name.Length is 0 or > MaxLength || !ActionPattern().IsMatch(name)))
        {
            return Failed("'action' must be an action name such as 'apikey.create', or its start followed by '*' such as 'apikey.*'");
        }

        if (!TryTimestamp(since, out var from))
        {
            return Failed("'since' must be an RFC 3339 timestamp such as 2025-01-31T00:00:00Z");
        }

        if (!TryTimestamp(until, out var to))
        {
            return Failed("'until' must be an RFC 3339 timestamp such as 2025-01-31T00:00:00Z");
        }

        if (from >= to)
        {
            return Failed("'since' must be before 'until'");
        }

        return new(actor?.ToLowerInvariant(), name?.ToLowerInvariant(), isPrefix, from, to, null);
    }

    private static AuditFilter Failed(string problem) => new(null, null, false, null, null, problem);

    private static bool TryTimestamp(string? text, out DateTimeOffset? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }

        if (!TimestampPattern().IsMatch(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }

        value = parsed;
        return true;
    }

    [GeneratedRegex(@"^[A-Za-z0-9]+\z")]
    private static partial Regex ActorPattern();

    // Actions are dotted lower-case words with dashes (namespace.add-signing-key); '*' only as the last character.
    [GeneratedRegex(@"^[A-Za-z0-9._-]+\z")]
    private static partial Regex ActionPattern();

    // RFC 3339 date-time: a date, 'T' (or a space), a time with an optional fraction (up to 7 digits, .NET's precision), and 'Z' or an offset.
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?([Zz]|[+-][0-9]{2}:[0-9]{2})\z")]
    private static partial Regex TimestampPattern();
}
