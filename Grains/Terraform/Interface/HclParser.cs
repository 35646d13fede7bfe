namespace OrleansRegistry.Terraform.Interface;

/// <summary>A body of attributes and nested blocks, in source order.</summary>
internal sealed class HclBody
{
    public List<HclAttribute> Attributes { get; } = [];

    public List<HclBlock> Blocks { get; } = [];

    /// <summary>The first attribute of that name (Terraform refuses duplicates; the reader keeps the first).</summary>
    public HclExpression? this[string name] => Attributes.FirstOrDefault(a => a.Name == name)?.Value;
}

internal sealed record HclAttribute(string Name, HclExpression Value);

internal sealed record HclBlock(string Type, IReadOnlyList<string> Labels, HclBody Body, int Offset);

/// <summary>
/// Reads the structure of an HCL file: attributes (<c>name = expression</c>) and blocks (<c>type "label" { ... }</c>).
/// Expressions are not evaluated: an attribute keeps its tokens, read to the end of the line outside brackets.
/// A statement it cannot read is skipped with a warning and reading resumes at the next line.
/// </summary>
internal sealed class HclParser
{
    /// <summary>Nested blocks are parsed recursively: bounded, so hostile input cannot exhaust the stack.</summary>
    private const int MaxBlockDepth = 64;

    private readonly string _text;
    private readonly List<HclToken> _tokens;
    private readonly HclDiagnostics _diagnostics;
    private int _i;

    private HclParser(string text, List<HclToken> tokens, HclDiagnostics diagnostics)
    {
        _text = text;
        _tokens = tokens;
        _diagnostics = diagnostics;
    }

    public static HclBody Parse(string text, HclDiagnostics diagnostics) =>
        new HclParser(text, HclLexer.Tokenize(text, diagnostics), diagnostics).ParseBody(0);

    /// <summary>The token at the cursor; the cursor never passes the final EndOfFile token.</summary>
    private HclToken Current => _tokens[_i];

    private HclBody ParseBody(int depth)
    {
        var body = new HclBody();
        while (true)
        {
            switch (Current.Kind)
            {
                case HclTokenKind.Newline:
                    _i++;
                    break;
                case HclTokenKind.EndOfFile:
                    if (depth > 0)
                    {
                        _diagnostics.Warn(Current.Start, "a block is not closed before the end of the file");
                    }

                    return body;
                case HclTokenKind.CloseBrace when depth > 0:
                    _i++;
                    return body;
                case HclTokenKind.CloseBrace:
                    _diagnostics.Warn(Current.Start, "'}' closes no block");
                    _i++;
                    break;
                case HclTokenKind.Identifier:
                    ParseItem(body, depth);
                    break;
                default:
                    _diagnostics.Warn(Current.Start, $"unexpected '{Current.Value}' where an attribute or block should start");
                    SkipStatement(depth);
                    break;
            }
        }
    }

    private void ParseItem(HclBody body, int depth)
    {
        var name = Current;
        _i++;
        if (Current.Kind == HclTokenKind.Equals)
        {
            _i++;
            var value = ReadExpression(name);
            if (value.IsEmpty)
            {
                _diagnostics.Warn(name.Start, $"'{name.Value}' has no value");
            }

            body.Attributes.Add(new(name.Value, value));
            EndStatement(name, depth);
            return;
        }

        var labels = new List<string>();
        while (Current.Kind is HclTokenKind.Identifier or HclTokenKind.String)
        {
            labels.Add(Current.Value);
            _i++;
        }

        if (Current.Kind != HclTokenKind.OpenBrace)
        {
            _diagnostics.Warn(name.Start, $"'{name.Value}' is neither an attribute (name = value) nor a block (name {{ ... }})");
            SkipStatement(depth);
            return;
        }

        _i++;
        if (depth + 1 >= MaxBlockDepth)
        {
            _diagnostics.Warn(name.Start, "blocks are nested too deeply; this one is skipped");
            SkipBlockContent();
            return;
        }

        body.Blocks.Add(new(name.Value, labels, ParseBody(depth + 1), name.Start));
    }

    /// <summary>
    /// The tokens of a value: to the end of the line, where brackets are balanced. A closing bracket that does not
    /// match the open one ends the value there (a broken expression must not swallow the blocks after it).
    /// </summary>
    private HclExpression ReadExpression(HclToken name)
    {
        var start = _i;
        var open = new Stack<HclTokenKind>();
        while (Current.Kind != HclTokenKind.EndOfFile)
        {
            var token = Current;
            if (open.Count == 0 && (token.Kind == HclTokenKind.Newline || token.Closes))
            {
                break;
            }

            if (token.Opens)
            {
                open.Push(token.Kind);
            }
            else if (token.Closes)
            {
                if (open.Peek() != OpenerOf(token.Kind))
                {
                    _diagnostics.Warn(token.Start, $"'{token.Value}' does not match the open bracket in the value of '{name.Value}'");
                    break;
                }

                open.Pop();
            }

            _i++;
        }

        if (open.Count > 0 && Current.Kind == HclTokenKind.EndOfFile)
        {
            _diagnostics.Warn(name.Start, $"the value of '{name.Value}' has a bracket that is never closed");
        }

        return new HclExpression(_text, _tokens, start, _i, _diagnostics.ColumnOf(name.Start));
    }

    private static HclTokenKind OpenerOf(HclTokenKind close) => close switch
    {
        HclTokenKind.CloseBrace => HclTokenKind.OpenBrace,
        HclTokenKind.CloseBracket => HclTokenKind.OpenBracket,
        _ => HclTokenKind.OpenParen,
    };

    /// <summary>After a value: the line must end, or (in a one-line block) the block close.</summary>
    private void EndStatement(HclToken name, int depth)
    {
        if (Current.Kind is HclTokenKind.Newline or HclTokenKind.EndOfFile || (Current.Kind == HclTokenKind.CloseBrace && depth > 0))
        {
            return;
        }

        _diagnostics.Warn(Current.Start, $"unexpected '{Current.Value}' after the value of '{name.Value}'");
        SkipStatement(depth);
    }

    /// <summary>Skips to the end of the line (brackets balanced), or to the '}' that closes the block being read.</summary>
    private void SkipStatement(int depth)
    {
        var nesting = 0;
        while (Current.Kind != HclTokenKind.EndOfFile)
        {
            var token = Current;
            if (nesting == 0 && (token.Kind == HclTokenKind.Newline || (token.Kind == HclTokenKind.CloseBrace && depth > 0)))
            {
                return;
            }

            nesting += token.Opens ? 1 : token.Closes && nesting > 0 ? -1 : 0;
            _i++;
        }
    }

    /// <summary>Skips a block's content up to and including its closing brace, without recursion.</summary>
    private void SkipBlockContent()
    {
        var braces = 1;
        while (Current.Kind != HclTokenKind.EndOfFile && braces > 0)
        {
            braces += Current.Kind switch { HclTokenKind.OpenBrace => 1, HclTokenKind.CloseBrace => -1, _ => 0 };
            _i++;
        }
    }
}
