using System.Globalization;

namespace OrleansRegistry.WebFrontend.Ui.Shared;

/// <summary>
/// Numbers a page reads from its query string. Pages bind them as text: Blazor throws on a value that does not parse
/// (a 500), where a bad link deserves a 400 that says which value is wrong.
/// </summary>
public static class UiQuery
{
    /// <summary>The number, or null when absent; text that is none sets 400 and a notice naming it, and counts as absent.</summary>
    public static long? Number(HttpContext http, string name, string? text, long min, long max, ref FormNotice? notice)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        notice = FormNotice.Refused(http, $"'{name}' must be a whole number from {min} to {max}, not '{text}'", StatusCodes.Status400BadRequest);
        return null;
    }
}
