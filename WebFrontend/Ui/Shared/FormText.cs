namespace OrleansRegistry.WebFrontend.Ui.Shared;

/// <summary>How the forms read what people type: blanks are "not given", lists are separated by spaces, commas or lines.</summary>
public static class FormText
{
    public static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    public static string[]? List(string? text) =>
        text?.Split([' ', ',', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } items ? items : null;
}
