using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrleansRegistry.IntegrationTests.Images;

/// <summary>One instruction of a Dockerfile: its keyword (upper case) and the rest of its (joined) line.</summary>
public sealed record DockerInstruction(string Keyword, string Arguments);

/// <summary>A <c>FROM … AS name</c> stage with its own instructions (not those of the stage it starts from).</summary>
public sealed record DockerStage(string From, string? Name, IReadOnlyList<DockerInstruction> Instructions);

/// <summary>
/// The parts of the repository's Dockerfile the image test runs: stages, and per target the ENV, USER, EXPOSE,
/// ENTRYPOINT, HEALTHCHECK and what it copies from the build stage, following <c>FROM stage</c> as Docker does.
/// Reads the forms the Dockerfile keeps to (its header says so) and refuses others rather than guessing.
/// </summary>
public sealed partial class Dockerfile
{
    private Dockerfile(string text, IReadOnlyList<DockerStage> stages)
    {
        Text = text;
        Stages = stages;
    }

    public string Text { get; }
    public IReadOnlyList<DockerStage> Stages { get; }

    public static Dockerfile Parse(string text)
    {
        var stages = new List<DockerStage>();
        List<DockerInstruction>? current = null;
        foreach (var instruction in Instructions(text))
        {
            if (instruction.Keyword == "FROM")
            {
                var match = FromLine().Match(instruction.Arguments);
                Assert.True(match.Success, $"unreadable FROM: {instruction.Arguments}");
                current = [];
                stages.Add(new DockerStage(match.Groups["image"].Value, match.Groups["name"].Success ? match.Groups["name"].Value : null, current));
            }
            else
            {
                Assert.True(current is not null, $"{instruction.Keyword} before the first FROM");
                current.Add(instruction);
            }
        }

        return new Dockerfile(text, stages);
    }

    public DockerStage Stage(string name) =>
        Stages.SingleOrDefault(s => s.Name == name) ?? throw new InvalidOperationException($"the Dockerfile has no stage '{name}'");

    /// <summary>The instructions a target runs: those of the stages it starts from, then its own.</summary>
    public IReadOnlyList<DockerInstruction> Chain(string target)
    {
        var stage = Stage(target);
        var parent = Stages.FirstOrDefault(s => s.Name == stage.From);
        return parent is null ? stage.Instructions : [.. Chain(parent.Name!), .. stage.Instructions];
    }

    /// <summary>The external image a target is built on.</summary>
    public string BaseImage(string target)
    {
        var stage = Stage(target);
        return Stages.Any(s => s.Name == stage.From) ? BaseImage(stage.From) : stage.From;
    }

    /// <summary>Every ENV of the target, later ones winning, as the container sees them.</summary>
    public IReadOnlyDictionary<string, string> Environment(string target)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var env in Chain(target).Where(i => i.Keyword == "ENV"))
        {
            foreach (var word in Words(env.Arguments))
            {
                var equals = word.IndexOf('=', StringComparison.Ordinal);
                Assert.True(equals > 0, $"ENV must be NAME=value, not '{word}'");
                environment[word[..equals]] = word[(equals + 1)..];
            }
        }

        return environment;
    }

    /// <summary>The last USER of the target, its variables expanded with <paramref name="environment"/>.</summary>
    public string User(string target, IReadOnlyDictionary<string, string> environment)
    {
        var user = Chain(target).LastOrDefault(i => i.Keyword == "USER")?.Arguments ?? "root";
        return Variable().Replace(user, m => environment.TryGetValue(m.Groups["name"].Value, out var value) ? value : m.Value);
    }

    public IReadOnlyList<int> Exposed(string target) =>
        [.. Chain(target).Where(i => i.Keyword == "EXPOSE").SelectMany(i => Words(i.Arguments)).Select(p => int.Parse(p.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture))];

    public IReadOnlyList<string> Volumes(string target) =>
        [.. Chain(target).Where(i => i.Keyword == "VOLUME").SelectMany(i => i.Arguments.StartsWith('[') ? JsonArray(i.Arguments) : Words(i.Arguments))];

    public IReadOnlyList<string> EntryPoint(string target) => JsonArray(Last(target, "ENTRYPOINT"));

    public string WorkingDirectory(string target) => Last(target, "WORKDIR");

    /// <summary>The HEALTHCHECK's options (<c>--timeout=10s</c> → timeout: 10s) and its CMD.</summary>
    public (IReadOnlyDictionary<string, string> Options, IReadOnlyList<string> Command) HealthCheck(string target)
    {
        var match = HealthCheckLine().Match(Last(target, "HEALTHCHECK"));
        Assert.True(match.Success, "HEALTHCHECK must be [--option=value ...] CMD [\"...\"]");
        var options = match.Groups["option"].Captures.ToDictionary(c => c.Value.Split('=')[0][2..], c => c.Value.Split('=', 2)[1]);
        return (options, JsonArray(match.Groups["command"].Value));
    }

    /// <summary>The <c>COPY --from=stage source destination</c> instructions of the target.</summary>
    public IReadOnlyList<(string Stage, string Source, string Destination)> CopiesFromStages(string target) =>
    [
        .. Chain(target).Where(i => i.Keyword == "COPY" && i.Arguments.StartsWith("--from=", StringComparison.Ordinal))
            .Select(i => Words(i.Arguments))
            .Select(w => (w[0]["--from=".Length..], w[1], w[2])),
    ];

    /// <summary>Whitespace-separated words; double quotes group and are removed.</summary>
    public static IReadOnlyList<string> Words(string text) =>
        [.. Word().Matches(text).Select(m => m.Value.Replace("\"", "", StringComparison.Ordinal))];

    private string Last(string target, string keyword) =>
        Chain(target).LastOrDefault(i => i.Keyword == keyword)?.Arguments ?? throw new InvalidOperationException($"target '{target}' has no {keyword}");

    private static string[] JsonArray(string text) =>
        JsonSerializer.Deserialize<string[]>(text) ?? throw new InvalidOperationException($"not a JSON array: {text}");

    /// <summary>Logical lines: comments and blank lines dropped (also inside a continuation, as Docker does), <c>\</c> joins.</summary>
    private static IEnumerable<DockerInstruction> Instructions(string text)
    {
        var pending = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            line = pending + line;
            pending = "";
            var space = line.IndexOfAny([' ', '\t']);
            yield return space < 0
                ? new DockerInstruction(line.ToUpperInvariant(), "")
                : new DockerInstruction(line[..space].ToUpperInvariant(), line[(space + 1)..].Trim());
        }

        Assert.True(pending.Length == 0, "the Dockerfile ends inside a continued line");
    }

    [GeneratedRegex(@"^(?<image>\S+)(\s+AS\s+(?<name>\S+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex FromLine();

    [GeneratedRegex(@"^((?<option>--[a-z-]+=\S+)\s+)*CMD\s+(?<command>\[.*\])$")]
    private static partial Regex HealthCheckLine();

    [GeneratedRegex(@"\$\{?(?<name>[A-Za-z_][A-Za-z0-9_]*)\}?")]
    private static partial Regex Variable();

    [GeneratedRegex(@"(""[^""]*""|[^\s""])+")]
    private static partial Regex Word();
}
