namespace OrleansRegistry.Terraform.Interface;

internal enum HclTokenKind
{
    Identifier,
    Number,
    String,
    Heredoc,
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    OpenParen,
    CloseParen,
    Equals,
    Comma,
    Colon,
    Newline,
    Operator,
    EndOfFile,
}

/// <summary>
/// One token of HCL native syntax: <see cref="Start"/>..<see cref="End"/> in the source, and for strings and
/// heredocs the decoded text (interpolations kept as written, <see cref="Interpolated"/> then set).
/// </summary>
internal readonly record struct HclToken(HclTokenKind Kind, int Start, int End, string Value, bool Interpolated = false)
{
    public bool Opens => Kind is HclTokenKind.OpenBrace or HclTokenKind.OpenBracket or HclTokenKind.OpenParen;

    public bool Closes => Kind is HclTokenKind.CloseBrace or HclTokenKind.CloseBracket or HclTokenKind.CloseParen;
}

/// <summary>
/// Where a file's problems go (each warning names the file and line, and reading goes on), and where its lines
/// start: found once and searched, since a hostile file may ask for thousands of lines.
/// </summary>
internal sealed class HclDiagnostics(string fileName, string text, Action<string> warn)
{
    private int[]? _newlines;

    public string FileName => fileName;

    public void Warn(int offset, string message) => warn($"{fileName}:{LineIndexOf(offset) + 1}: {Shortened(message)}");

    public void Warn(string message) => warn($"{fileName}: {Shortened(message)}");

    /// <summary>Warnings quote tokens, and a string token can be a whole heredoc: they are kept and shown, so kept short.</summary>
    private static string Shortened(string message) => message.Length <= 300 ? message : $"{message[..299]}…";

    /// <summary>How far <paramref name="offset"/> is from the start of its line.</summary>
    public int ColumnOf(int offset)
    {
        var line = LineIndexOf(offset);
        return line == 0 ? offset : offset - (_newlines![line - 1] + 1);
    }

    private int LineIndexOf(int offset)
    {
        _newlines ??= [.. Enumerable.Range(0, text.Length).Where(i => text[i] == '\n')];
        var found = Array.BinarySearch(_newlines, offset);
        return found >= 0 ? found : ~found;
    }
}
