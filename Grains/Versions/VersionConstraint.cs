using System.Diagnostics.CodeAnalysis;

namespace OrleansRegistry.Versions;

/// <summary>
/// Which versions a mirror takes: a Terraform version constraint (<c>&gt;= 3.0, &lt; 4.0</c>, <c>~&gt; 1.2</c>,
/// <c>!= 2.1.0</c>) or <c>latest:N</c>, the N newest releases. Pre-releases match only when named exactly.
/// </summary>
public sealed class VersionConstraint
{
    // Longest first, so ">=" is not read as ">".
    private static readonly string[] Operators = [">=", "<=", "!=", "~>", ">", "<", "="];
    private readonly List<(string Operator, SemanticVersion Version, int Segments)> _terms;
    private readonly int? _latest;

    private VersionConstraint(List<(string, SemanticVersion, int)> terms, int? latest)
    {
        _terms = terms;
        _latest = latest;
    }

    public static readonly VersionConstraint Any = new([], null);

    public static bool TryParse(string? text, [NotNullWhen(true)] out VersionConstraint? constraint, [NotNullWhen(false)] out string? error)
    {
        constraint = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            constraint = Any;
            return true;
        }

        text = text.Trim();
        if (text.StartsWith("latest:", StringComparison.Ordinal))
        {
            if (!int.TryParse(text["latest:".Length..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n is < 1 or > 1000)
            {
                error = $"'{text}' is not latest:N with N from 1 to 1000";
                return false;
            }

            constraint = new VersionConstraint([], n);
            return true;
        }

        var terms = new List<(string, SemanticVersion, int)>();
        foreach (var raw in text.Split(','))
        {
            var term = raw.Trim();
            var op = Operators.FirstOrDefault(o => term.StartsWith(o, StringComparison.Ordinal)) ?? "=";
            var operand = term.StartsWith(op, StringComparison.Ordinal) ? term[op.Length..].Trim() : term;
            if (!TryParsePartial(operand, out var version, out var segments))
            {
                error = $"'{text}' is not a version constraint (e.g. \">= 3.0, < 4.0\", \"~> 1.2\", \"2.1.0\" or \"latest:5\")";
                return false;
            }

            terms.Add((op, version, segments));
        }

        constraint = new VersionConstraint(terms, null);
        return true;
    }

    /// <summary>The versions (of <paramref name="available"/>) the constraint selects.</summary>
    public IEnumerable<SemanticVersion> Select(IEnumerable<SemanticVersion> available)
    {
        if (_latest is { } n)
        {
            return available.Where(v => !v.IsPrerelease).OrderDescending().Take(n);
        }

        return available.Where(Allows);
    }

    /// <summary>Whether one version is selected; for latest:N that depends on the others, so it needs them.</summary>
    public bool Allows(SemanticVersion version, IEnumerable<SemanticVersion> available) =>
        _latest is null ? Allows(version) : Select(available).Contains(version);

    private bool Allows(SemanticVersion version)
    {
        if (version.IsPrerelease && !_terms.Any(t => t.Operator == "=" && t.Version == version))
        {
            return false;
        }

        return _terms.All(t => t.Operator switch
        {
            "=" => version == t.Version,
            "!=" => version != t.Version,
            ">" => version > t.Version,
            ">=" => version >= t.Version,
            "<" => version < t.Version,
            "<=" => version <= t.Version,
            _ => version >= t.Version && version < PessimisticUpperBound(t.Version, t.Segments),
        });
    }

    /// <summary>~&gt; 1.2 allows up to (not including) 2.0; ~&gt; 1.2.3 up to 1.3.0; ~&gt; 1 up to 2.0.</summary>
    private static SemanticVersion PessimisticUpperBound(SemanticVersion v, int segments)
    {
        var bound = segments >= 3 ? $"{v.Major}.{v.Minor + 1}.0" : $"{v.Major + 1}.0.0";
        return SemanticVersion.TryParse(bound, out var parsed, out _) ? parsed : v;
    }

    /// <summary>Accepts 1, 1.2 and 1.2.3(-pre); missing parts are zero.</summary>
    private static bool TryParsePartial(string text, [NotNullWhen(true)] out SemanticVersion? version, out int segments)
    {
        var core = text.Split('-', '+')[0];
        segments = core.Split('.').Length;
        var padded = segments switch
        {
            1 => core + ".0.0" + text[core.Length..],
            2 => core + ".0" + text[core.Length..],
            _ => text,
        };
        return SemanticVersion.TryParse(padded, out version, out _) && segments <= 3;
    }
}
