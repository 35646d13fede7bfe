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

/// <summary>Where a file's problems go: each warning names the file and line, and reading goes on.</summary>
internal sealed class HclDiagnostics(string fileName, string text, Action<string> warn)
{
    public string FileName => fileName;

    public void Warn(int offset, string message)
    {
        var line = 1;
        var end = Math.Min(offset, text.Length);
        for (var i = 0; i < end; i++)
        {
            if (text[i] == '\n')
            {
                line++;
            }
        }

        warn($"{fileName}:{line}: {message}");
    }

    public void Warn(string message) => warn($"{fileName}: {message}");
}
