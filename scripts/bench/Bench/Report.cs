using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansRegistry.Bench;

/// <summary>Turns the run's result lines into summary.json and a Markdown table with registry/nginx ratios and targets.</summary>
public static class Report
{
    private static readonly Dictionary<string, (double Ratio, double? P99Ms)> Targets = new()
    {
        ["p2"] = (0.5, 5),
        ["packages"] = (0.5, 5),
        ["module-versions"] = (0.5, 5),
        ["provider-download"] = (0.5, 5),
        ["mirror-version"] = (0.5, 5),
        ["revalidate"] = (0.6, null),
        ["dist-1mb"] = (0.7, null),
        ["p2-mirrored"] = (0.7, null),
        ["dist-mirrored"] = (0.7, null),
    };

    public static int Run(string dir)
    {
        var results = File.ReadAllLines(BenchFiles.Results(dir)).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var runs = results.Where(r => (string?)r["name"] == "wrk").ToList();
        var endpoints = new JsonArray();
        var table = new StringBuilder();
        table.AppendLine("| endpoint | registry req/s | p50 ms | p99 ms | CPU | nginx req/s | nginx p99 ms | nginx CPU | registry/nginx | target | met |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var endpoint in runs.Select(r => (string)r["endpoint"]!).Distinct())
        {
            var registry = Median(runs, endpoint, "registry");
            // A variant's row ("p2 [DOTNET_X=1]") is compared with its endpoint's nginx figures and target.
            var measured = endpoint.Split(" [")[0];
            var nginx = Median(runs, measured, "nginx");
            if (registry is null || nginx is null)
            {
                continue;
            }

            var ratio = (double)registry["rps"]! / Math.Max(1, (double)nginx["rps"]!);
            var (targetRatio, targetP99) = Targets.GetValueOrDefault(measured, (0.5, 5));
            var met = ratio >= targetRatio && (targetP99 is null || (double)registry["p99_ms"]! <= targetP99) && (long)registry["non2xx"]! == 0;
            var target = $"≥ {targetRatio:0.0}×" + (targetP99 is null ? "" : $", p99 ≤ {targetP99} ms");
            endpoints.Add(new JsonObject
            {
                ["endpoint"] = endpoint, ["registry"] = registry, ["nginx"] = nginx.DeepClone(), ["ratio"] = Math.Round(ratio, 3), ["target"] = target, ["met"] = met,
            });
            table.AppendLine(CultureInfo.InvariantCulture, $"| {endpoint} | {(double)registry["rps"]!:0} | {(double)registry["p50_ms"]!:0.00} | {P99(registry)} | {Cpu(registry)} | {(double)nginx["rps"]!:0} | {P99(nginx)} | {Cpu(nginx)} | {ratio:0.00} | {target} | {(met ? "yes" : "**no**")} |");
        }

        table.AppendLine();
        foreach (var other in results.Where(r => (string?)r["name"] is "rss" or "cold" or "transfer" or "seed" or "seed-second" or "idle" or "mirror-warm-up"))
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"- {Describe(other)}");
        }

        var summary = new JsonObject
        {
            ["endpoints"] = endpoints,
            ["other"] = new JsonArray([.. results.Where(r => (string?)r["name"] != "wrk").Select(r => r.DeepClone())]),
        };
        File.WriteAllText(Path.Combine(dir, "summary.json"), summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllText(Path.Combine(dir, "summary.md"), table.ToString());
        Console.WriteLine(table.ToString());
        return 0;
    }

    /// <summary>The server's share of its core during the run (1.00 = CPU-bound).</summary>
    private static string Cpu(JsonObject run) => run["cpu"] is { } cpu ? ((double)cpu).ToString("0.00", CultureInfo.InvariantCulture) : "";

    /// <summary>The median p99, and each round's in run order.</summary>
    private static string P99(JsonObject run) =>
        $"{(double)run["p99_ms"]!:0.00} ({string.Join('/', run["p99_ms_rounds"]!.AsArray().Select(p => ((double)p!).ToString("0.00", CultureInfo.InvariantCulture)))})";

    /// <summary>
    /// The run with the median requests/s of an endpoint on a target (registry and nginx alternate in rounds), with
    /// the median of the rounds' p99 as its p99: one run's p99 swings with a moment of host contention (see
    /// docs/performance.md#reading-the-results).
    /// </summary>
    private static JsonObject? Median(List<JsonObject> runs, string endpoint, string target) =>
        MedianRound([.. runs.Where(r => (string?)r["endpoint"] == endpoint && (string?)r["target"] == target)]);

    /// <summary>A copy of the round with the median requests/s, its p99 the median of the rounds' (null without rounds).</summary>
    internal static JsonObject? MedianRound(List<JsonObject> rounds)
    {
        if (rounds.Count == 0)
        {
            return null;
        }

        var median = rounds.OrderBy(r => (double)r["rps"]!).ElementAt(rounds.Count / 2).DeepClone().AsObject();
        var p99s = rounds.Select(r => (double)r["p99_ms"]!).ToList();
        median["p99_ms"] = p99s.Order().ElementAt(p99s.Count / 2);
        median["p99_ms_rounds"] = new JsonArray([.. p99s.Select(p => JsonValue.Create(p))]);
        return median;
    }

    private static string Describe(JsonObject r) => (string?)r["name"] switch
    {
        "rss" => $"RSS {r["phase"]}: {(double)r["mb"]!:0} MB" + (r["per_version_kb"] is { } perVersion ? $" ({(double)perVersion:0.00} KB per seeded version over the post-start baseline)" : "")
            + (r["marginal_per_version_kb"] is { } marginal ? $" ({(double)marginal:0.00} KB per version of the second catalog: the marginal cost)" : "")
            + (r["restarted_per_version_kb"] is { } restarted ? $" ({(double)restarted:0.00} KB per version over the restarted registry's {(double)r["start_mb"]!:0} MB at start)" : ""),
        "cold" => $"cold path (first p2 request per package after a restart, {r["requests"]} packages): p50 {(double)r["p50_ms"]!:0.0} ms, p99 {(double)r["p99_ms"]!:0.0} ms (target p99 ≤ 50 ms)",
        "transfer" => $"{r["direction"]} of {r["megabytes"]} MB through the {r["backend"] ?? "local"} store: {(double)r["mb_per_s"]!:0} MB/s, peak RSS growth {(double)r["rss_growth_mb"]!:0.0} MB (target < 64 MB)",
        "seed" => $"seeding: {r["versions"]} versions of {r["packages"]} packages in {(double)r["seconds"]!:0} s",
        "idle" => $"idle deactivation (after the cold path, Registry:IdleDeactivationAfter 30 s): {r["activations_before"]} → {r["activations_after"]} activations in {r["seconds"]} s, RSS after a full GC {(double)r["rss_before_mb"]!:0} → {(double)r["rss_after_mb"]!:0} MB",
        "mirror-warm-up" => $"mirror warm-up: {r["packages"]} packages served once (p2 file and one dist each, from an empty lazy mirror, {r["concurrency"]} at a time) in {(double)r["seconds"]!:0.0} s; per package p50 {(double)r["p50_ms"]!:0.0} ms, p99 {(double)r["p99_ms"]!:0.0} ms",
        "seed-second" => $"second catalog (seeded and read once, not benchmarked): {r["versions"]} versions in {(double)r["seconds"]!:0} s",
        _ => r.ToJsonString(),
    };
}
