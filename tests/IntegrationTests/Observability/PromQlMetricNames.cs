namespace OrleansRegistry.IntegrationTests.Observability;

/// <summary>
/// The metric names a PromQL expression selects: identifiers outside strings, label matchers ({...}), ranges ([...])
/// and grouping lists (by/on/... (...)), that are neither keywords nor functions or aggregations (followed by "(").
/// </summary>
public static class PromQlMetricNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "bool", "offset", "atan2", "inf", "nan",
        "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group",
    };

    private static readonly HashSet<string> Groupings = new(StringComparer.Ordinal) { "by", "without", "on", "ignoring", "group_left", "group_right" };

    public static IReadOnlySet<string> Of(string expression)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        while (i < expression.Length)
        {
            var c = expression[i];
            if (c is '"' or '\'' or '`')
            {
                i = AfterString(expression, i);
            }
            else if (c is '{' or '[')
            {
                i = AfterClosing(expression, i, c, c == '{' ? '}' : ']');
            }
            else if (char.IsAsciiDigit(c))
            {
                while (i < expression.Length && (char.IsAsciiLetterOrDigit(expression[i]) || expression[i] == '.'))
                {
                    i++;
                }
            }
            else if (char.IsAsciiLetter(c) || c is '_' or ':')
            {
                var start = i;
                while (i < expression.Length && (char.IsAsciiLetterOrDigit(expression[i]) || expression[i] is '_' or ':'))
                {
                    i++;
                }

                var name = expression[start..i];
                var next = i;
                while (next < expression.Length && char.IsWhiteSpace(expression[next]))
                {
                    next++;
                }

                var call = next < expression.Length && expression[next] == '(';
                if (Groupings.Contains(name))
                {
                    i = call ? AfterClosing(expression, next, '(', ')') : i;
                }
                else if (!call && !Keywords.Contains(name))
                {
                    names.Add(name);
                }
            }
            else
            {
                i++;
            }
        }

        return names;
    }

    private static int AfterString(string text, int open)
    {
        var i = open + 1;
        while (i < text.Length && text[i] != text[open])
        {
            i += text[i] == '\\' && text[open] != '`' ? 2 : 1;
        }

        return i + 1;
    }

    private static int AfterClosing(string text, int open, char opening, char closing)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] is '"' or '\'' or '`')
            {
                i = AfterString(text, i) - 1;
            }
            else if (text[i] == opening)
            {
                depth++;
            }
            else if (text[i] == closing && --depth == 0)
            {
                return i + 1;
            }
        }

        throw new FormatException($"unbalanced '{opening}' at {open} in: {text}");
    }
}
