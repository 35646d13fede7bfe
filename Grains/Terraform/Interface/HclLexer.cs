namespace OrleansRegistry.Terraform.Interface;

/// <summary>
/// Splits HCL native syntax into tokens. Strings and heredocs are read whole here, interpolations included, so
/// that a brace or quote inside <c>"${...}"</c> never reaches the block reader; comments are dropped. Odd input
/// yields a warning and the best token it can, never an exception.
/// </summary>
internal sealed partial class HclLexer
{
    /// <summary>Strings inside interpolations inside strings...: bounded, so hostile input cannot exhaust the stack.</summary>
    private const int MaxNesting = 32;

    private static readonly string[] TwoCharacterOperators = ["=>", "==", "!=", "<=", ">=", "&&", "||"];

    /// <summary>
    /// Far more tokens than the largest real module file has (terraform-aws-vpc's main.tf: about 15,000): a 1 MiB file
    /// of brackets would otherwise become a million token objects. The rest of such a file is not read.
    /// </summary>
    private const int MaxTokens = 250_000;

    // One-character tokens (brackets, commas, newlines) share their strings.
    private static readonly string[] AsciiCharacters = [.. Enumerable.Range(0, 128).Select(c => ((char)c).ToString())];

    private readonly string _text;
    private readonly HclDiagnostics _diagnostics;
    private readonly List<HclToken> _tokens = [];
    private int _pos;

    private HclLexer(string text, HclDiagnostics diagnostics)
    {
        _text = text;
        _diagnostics = diagnostics;
    }

    public static List<HclToken> Tokenize(string text, HclDiagnostics diagnostics)
    {
        var lexer = new HclLexer(text, diagnostics);
        lexer.Run();
        return lexer._tokens;
    }

    private char Peek(int ahead) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private void Run()
    {
        while (_pos < _text.Length)
        {
            if (_tokens.Count >= MaxTokens)
            {
                _diagnostics.Warn(_pos, $"more than {MaxTokens:N0} tokens: the rest of the file is not read");
                break;
            }

            var c = _text[_pos];
            switch (c)
            {
                case ' ' or '\t' or '\r' or '\f' or '\v' or '\uFEFF':
                    _pos++;
                    break;
                case '\n':
                    Add(HclTokenKind.Newline, 1);
                    break;
                case '#':
                case '/' when Peek(1) == '/':
                    SkipToEndOfLine();
                    break;
                case '/' when Peek(1) == '*':
                    SkipBlockComment();
                    break;
                case '"':
                    var start = _pos;
                    var (value, interpolated) = ScanString(0);
                    _tokens.Add(new(HclTokenKind.String, start, _pos, value, interpolated));
                    break;
                case '<' when Peek(1) == '<' && TryHeredoc():
                    break;
                case '{': Add(HclTokenKind.OpenBrace, 1); break;
                case '}': Add(HclTokenKind.CloseBrace, 1); break;
                case '[': Add(HclTokenKind.OpenBracket, 1); break;
                case ']': Add(HclTokenKind.CloseBracket, 1); break;
                case '(': Add(HclTokenKind.OpenParen, 1); break;
                case ')': Add(HclTokenKind.CloseParen, 1); break;
                default:
                    if (IsIdentifierStart(c))
                    {
                        ReadWhile(HclTokenKind.Identifier, ch => char.IsLetterOrDigit(ch) || ch is '_' or '-');
                    }
                    else if (char.IsAsciiDigit(c))
                    {
                        ReadNumber();
                    }
                    else
                    {
                        ReadOperator();
                    }

                    break;
            }
        }

        _tokens.Add(new(HclTokenKind.EndOfFile, _text.Length, _text.Length, ""));
    }

    private static bool IsIdentifierStart(char c) => char.IsLetter(c) || c == '_';

    private void Add(HclTokenKind kind, int length)
    {
        var value = length == 1 && _text[_pos] < AsciiCharacters.Length ? AsciiCharacters[_text[_pos]] : _text.Substring(_pos, length);
        _tokens.Add(new(kind, _pos, _pos + length, value));
        _pos += length;
    }

    private void ReadWhile(HclTokenKind kind, Func<char, bool> part)
    {
        var start = _pos;
        while (_pos < _text.Length && part(_text[_pos]))
        {
            _pos++;
        }

        _tokens.Add(new(kind, start, _pos, _text[start.._pos]));
    }

    private void ReadNumber()
    {
        var start = _pos;
        SkipDigits();
        if (Peek(0) == '.' && char.IsAsciiDigit(Peek(1)))
        {
            _pos++;
            SkipDigits();
        }

        if (Peek(0) is 'e' or 'E' && (char.IsAsciiDigit(Peek(1)) || (Peek(1) is '+' or '-' && char.IsAsciiDigit(Peek(2)))))
        {
            _pos += 2;
            SkipDigits();
        }

        _tokens.Add(new(HclTokenKind.Number, start, _pos, _text[start.._pos]));
    }

    private void SkipDigits()
    {
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            _pos++;
        }
    }

    private void ReadOperator()
    {
        if (string.CompareOrdinal(_text, _pos, "...", 0, 3) == 0)
        {
            Add(HclTokenKind.Operator, 3);
            return;
        }

        if (TwoCharacterOperators.Any(op => string.CompareOrdinal(_text, _pos, op, 0, 2) == 0))
        {
            Add(HclTokenKind.Operator, 2);
            return;
        }

        Add(_text[_pos] switch { '=' => HclTokenKind.Equals, ',' => HclTokenKind.Comma, ':' => HclTokenKind.Colon, _ => HclTokenKind.Operator }, 1);
    }

    private void SkipToEndOfLine()
    {
        var end = _text.IndexOf('\n', _pos);
        _pos = end < 0 ? _text.Length : end;
    }

    private void SkipBlockComment()
    {
        var end = _text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
        if (end < 0)
        {
            _diagnostics.Warn(_pos, "a /* comment is not closed");
            _pos = _text.Length;
            return;
        }

        _pos = end + 2;
    }
}
