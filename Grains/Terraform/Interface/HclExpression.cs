namespace OrleansRegistry.Terraform.Interface;

/// <summary>
/// An attribute's value as tokens <c>[from, to)</c> of its file. The registry evaluates nothing: it reads
/// literals (strings, heredocs, booleans, object constructors) and otherwise shows the source text.
/// </summary>
internal sealed class HclExpression(string text, IReadOnlyList<HclToken> tokens, int from, int to, int indent)
{
    /// <summary>Longest text kept for one type, default or description; a huge default map is not worth more.</summary>
    public const int MaxTextLength = 64 * 1024;

    public bool IsEmpty => from >= to;

    /// <summary>
    /// The source text, with Unix line ends, no trailing spaces, and continuation lines shifted left by the
    /// attribute's own indentation (a multi-line object type reads as it would at the left margin).
    /// </summary>
    public string Source
    {
        get
        {
            if (IsEmpty)
            {
                return "";
            }

            var lines = text[tokens[from].Start..tokens[to - 1].End].Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                var cut = 0;
                while (i > 0 && cut < indent && cut < line.Length && line[cut] is ' ' or '\t')
                {
                    cut++;
                }

                lines[i] = line[cut..].TrimEnd();
            }

            return Bounded(string.Join('\n', lines));
        }
    }

    /// <summary>The decoded value of a lone string or heredoc (interpolations kept as written); null for anything else.</summary>
    public string? AsString() => to - from == 1 && tokens[from].Kind is HclTokenKind.String or HclTokenKind.Heredoc ? Bounded(tokens[from].Value) : null;

    /// <summary>The string value when there is one, else the source text (a description built by a function call, say).</summary>
    public string? AsText() => IsEmpty ? null : AsString() ?? Source;

    public bool? AsBool() => to - from == 1 && tokens[from].Kind == HclTokenKind.Identifier
        ? tokens[from].Value switch { "true" => true, "false" => false, _ => null }
        : null;

    /// <summary>
    /// The items of an object constructor <c>{ key = value, "key" = value }</c> (commas or newlines between them),
    /// in order; null when the value is not one.
    /// </summary>
    public List<(string Key, HclExpression Value)>? ObjectItems()
    {
        if (to - from < 2 || tokens[from].Kind != HclTokenKind.OpenBrace || ClosingOf(from) != to - 1)
        {
            return null;
        }

        var items = new List<(string, HclExpression)>();
        var i = from + 1;
        while (i < to - 1)
        {
            var start = i;
            var separator = -1;
            var nesting = 0;
            for (; i < to - 1; i++)
            {
                var token = tokens[i];
                if (nesting == 0 && token.Kind is HclTokenKind.Comma or HclTokenKind.Newline)
                {
                    break;
                }

                if (nesting == 0 && separator < 0 && token.Kind is HclTokenKind.Equals or HclTokenKind.Colon)
                {
                    separator = i;
                }

                nesting += token.Opens ? 1 : token.Closes ? -1 : 0;
            }

            if (separator > start)
            {
                var key = separator == start + 1 && tokens[start].Kind is HclTokenKind.Identifier or HclTokenKind.String
                    ? tokens[start].Value
                    : new HclExpression(text, tokens, start, separator, indent).Source;
                items.Add((key, new HclExpression(text, tokens, separator + 1, i, indent)));
            }

            i++;
        }

        return items;
    }

    public static string Bounded(string value) => value.Length <= MaxTextLength ? value : string.Concat(value.AsSpan(0, MaxTextLength), "…");

    private int ClosingOf(int open)
    {
        var nesting = 0;
        for (var i = open; i < to; i++)
        {
            nesting += tokens[i].Opens ? 1 : tokens[i].Closes ? -1 : 0;
            if (nesting == 0)
            {
                return i;
            }
        }

        return -1;
    }
}
