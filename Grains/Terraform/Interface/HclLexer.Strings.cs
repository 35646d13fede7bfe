using System.Globalization;
using System.Text;

namespace OrleansRegistry.Terraform.Interface;

/// <summary>Quoted strings, their escapes and interpolations, and heredocs.</summary>
internal sealed partial class HclLexer
{
    /// <summary>Reads a quoted template from its opening quote: the decoded text, interpolations kept as written.</summary>
    private (string Value, bool Interpolated) ScanString(int depth)
    {
        var start = _pos++;
        var text = new StringBuilder();
        var interpolated = false;
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] == '\n')
            {
                // The newline stays: it still ends the attribute, so the next line reads normally.
                _diagnostics.Warn(start, "a quoted string is not closed on its line");
                break;
            }

            var c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                break;
            }

            if (c == '\\')
            {
                ReadEscape(text);
            }
            else if (c is '$' or '%' && Peek(1) == c && Peek(2) == '{')
            {
                text.Append(c).Append('{');
                _pos += 3;
            }
            else if (c is '$' or '%' && Peek(1) == '{')
            {
                var from = _pos;
                SkipInterpolation(depth);
                text.Append(_text, from, _pos - from);
                interpolated = true;
            }
            else
            {
                text.Append(c);
                _pos++;
            }
        }

        return (text.ToString(), interpolated);
    }

    /// <summary>Skips <c>${ ... }</c> or <c>%{ ... }</c>, counting braces and reading nested strings whole.</summary>
    private void SkipInterpolation(int depth)
    {
        var start = _pos;
        _pos += 2;
        if (depth >= MaxNesting)
        {
            _diagnostics.Warn(start, "strings and interpolations are nested too deeply; the rest of the file is not read");
            _pos = _text.Length;
            return;
        }

        var braces = 1;
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '"')
            {
                ScanString(depth + 1);
                continue;
            }

            if (c == '{')
            {
                braces++;
            }
            else if (c == '}' && --braces == 0)
            {
                _pos++;
                return;
            }

            _pos++;
        }

        _diagnostics.Warn(start, "an interpolation is not closed");
    }

    private void ReadEscape(StringBuilder text)
    {
        var next = Peek(1);
        var simple = next switch { 'n' => "\n", 'r' => "\r", 't' => "\t", '"' => "\"", '\\' => "\\", _ => null };
        if (simple is not null)
        {
            text.Append(simple);
            _pos += 2;
            return;
        }

        var digits = next switch { 'u' => 4, 'U' => 8, _ => 0 };
        if (digits > 0 && _pos + 2 + digits <= _text.Length
            && int.TryParse(_text.AsSpan(_pos + 2, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            && code is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF))
        {
            text.Append(char.ConvertFromUtf32(code));
            _pos += 2 + digits;
            return;
        }

        _diagnostics.Warn(_pos, $"'\\{next}' is not a valid escape");
        text.Append('\\');
        _pos++;
    }

    /// <summary>Reads <c>&lt;&lt;MARKER</c> or <c>&lt;&lt;-MARKER</c> up to the line holding only the marker; false when this is no heredoc.</summary>
    private bool TryHeredoc()
    {
        var p = _pos + 2;
        var indented = p < _text.Length && _text[p] == '-';
        var nameStart = indented ? p + 1 : p;
        p = nameStart;
        while (p < _text.Length && (char.IsLetterOrDigit(_text[p]) || _text[p] is '_' or '-'))
        {
            p++;
        }

        if (p == nameStart || !IsIdentifierStart(_text[nameStart]))
        {
            return false;
        }

        var marker = _text[nameStart..p];
        p += p < _text.Length && _text[p] == '\r' ? 1 : 0;
        if (p >= _text.Length || _text[p] != '\n')
        {
            return false;
        }

        var start = _pos;
        var lines = new List<string>();
        p++;
        while (true)
        {
            if (p >= _text.Length)
            {
                _diagnostics.Warn(start, $"the heredoc <<{marker} has no closing {marker} line");
                _pos = _text.Length;
                break;
            }

            var newline = _text.IndexOf('\n', p);
            var lineEnd = newline < 0 ? _text.Length : newline;
            var line = _text[p..lineEnd].TrimEnd('\r');
            if (line.Trim(' ', '\t') == marker)
            {
                _pos = lineEnd;
                break;
            }

            lines.Add(line);
            p = newline < 0 ? _text.Length : newline + 1;
        }

        var (value, interpolated) = HeredocText(lines, indented);
        _tokens.Add(new(HclTokenKind.Heredoc, start, _pos, value, interpolated));
        return true;
    }

    /// <summary>
    /// A heredoc's value: each line with its newline; <c>&lt;&lt;-</c> removes the indentation common to the
    /// lines that have text. Backslashes are literal in heredocs; only <c>$${</c> and <c>%%{</c> are escapes.
    /// </summary>
    private static (string Value, bool Interpolated) HeredocText(List<string> lines, bool indented)
    {
        var trim = !indented ? 0 : lines.Where(l => l.Trim(' ', '\t').Length > 0)
            .Select(l => l.Length - l.TrimStart(' ', '\t').Length).DefaultIfEmpty(0).Min();
        var text = new StringBuilder();
        var interpolated = false;
        foreach (var raw in lines)
        {
            var line = raw.Length >= trim ? raw[trim..] : raw.TrimStart(' ', '\t');
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (c is '$' or '%' && i + 2 < line.Length && line[i + 1] == c && line[i + 2] == '{')
                {
                    text.Append(c).Append('{');
                    i += 2;
                    continue;
                }

                interpolated |= c is '$' or '%' && i + 1 < line.Length && line[i + 1] == '{';
                text.Append(c);
            }

            text.Append('\n');
        }

        return (text.ToString(), interpolated);
    }
}
