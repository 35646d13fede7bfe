namespace OrleansRegistry.WebFrontend.Api;

/// <summary>Free text from a query (searches, filters): the database takes no control characters (a NUL ends the request there).</summary>
public static class QueryText
{
    public static string? Problem(string parameter, string? value) =>
        value is not null && value.Any(char.IsControl) ? $"'{parameter}' must not contain control characters" : null;
}
