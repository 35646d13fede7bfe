using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansRegistry.Bench;

/// <summary>
/// ui-summary.json and ui-summary.md from the web UI runs: per page and number of connections, the run with the
/// median requests/s and the median of the rounds' p99, each p99 judged against the issue's 50 ms.
/// </summary>
public static class UiReport
{
    private const double TargetP99Ms = 50;

    public static int Run(string dir)
    {
        var results = File.ReadAllLines(BenchFiles.Results(dir)).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var runs = results.Where(r => (string?)r["name"] == "ui-wrk").ToList();
        var sizes = results.Where(r => (string?)r["name"] == "ui-page").ToDictionary(r => (string)r["page"]!);
        var levels = runs.Select(r => (int)r["connections"]!).Distinct().Order().ToList();
        var label = Environment.GetEnvironmentVariable("BENCH_UI_LABEL");
        var table = new StringBuilder();
        if (!string.IsNullOrEmpty(label))
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"**{label}**").AppendLine();
        }

        table.AppendLine("| page | URLs | HTML KB | " + string.Join(" | ", levels.Select(c => $"{c} conn: p50 / p99 ms | req/s | CPU | CPU ms/req (PG)")) + " | p99 ≤ 50 ms (" + string.Join(" / ", levels) + " conn) |");
        table.AppendLine("|---|---:|---:|" + string.Concat(levels.Select(_ => "---:|---:|---:|---:|")) + "---|");
        var pages = new JsonArray();
        var allMet = true;
        foreach (var page in runs.Select(r => (string)r["page"]!).Distinct())
        {
            var cells = new List<string>();
            var verdicts = new List<string>();
            var byLevel = new JsonObject();
            foreach (var connections in levels)
            {
                if (Median(runs, page, connections) is not { } run)
                {
                    cells.Add(" | | | ");
                    verdicts.Add("–");
                    continue;
                }

                var met = (double)run["p99_ms"]! <= TargetP99Ms && (long)run["non200"]! == 0 && (long)run["socket_errors"]! == 0;
                allMet &= met;
                run["met"] = met;
                byLevel[connections.ToString(CultureInfo.InvariantCulture)] = run;
                // The registry's CPU time per page: steadier than latency on a shared host, and what a saturated core divides.
                run["cpu_ms_per_request"] = Math.Round((double)run["cpu"]! * (double)run["seconds"]! * 1000 / Math.Max(1, (double)run["requests"]!), 2);
                run["pg_cpu_ms_per_request"] = Math.Round((double)(run["pg_cpu"] ?? 0.0) * (double)run["seconds"]! * 1000 / Math.Max(1, (double)run["requests"]!), 2);
                var rounds = string.Join('/', run["p99_ms_rounds"]!.AsArray().Select(p => ((double)p!).ToString("0.0", CultureInfo.InvariantCulture)));
                cells.Add(string.Create(CultureInfo.InvariantCulture, $"{(double)run["p50_ms"]!:0.0} / {(double)run["p99_ms"]!:0.0} ({rounds}) | {(double)run["rps"]!:0} | {(double)run["cpu"]!:0.00} | {(double)run["cpu_ms_per_request"]!:0.00} ({(double)run["pg_cpu_ms_per_request"]!:0.00})"));
                verdicts.Add(met ? "yes" : (long)run["non200"]! > 0 ? "**no** (non-200)" : "**no**");
            }

            var size = sizes.GetValueOrDefault(page);
            pages.Add(new JsonObject { ["page"] = page, ["check"] = size?.DeepClone(), ["runs"] = byLevel });
            table.AppendLine(CultureInfo.InvariantCulture, $"| {page} | {size?["urls"]} | {size?["html_kb"]} | {string.Join(" | ", cells)} | {string.Join(" / ", verdicts)} |");
        }

        table.AppendLine();
        table.AppendLine("p50 / p99: the median-throughput round's p50 and the median of the rounds' p99 (each round's in brackets); CPU: the registry's share of its one core (1.00 = saturated, where latency is queueing; well below 1 with latency high, the host took the core); CPU ms/req: the registry's CPU time per page (PG: PostgreSQL's, on either core).");
        foreach (var seed in results.Where(r => (string?)r["name"] == "ui-seed"))
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"- seeding: {seed["packages"]} packages ({seed["modules"]} modules, {seed["composer"]} Composer packages, {seed["providers"]} providers; {seed["versions"]} versions in {seed["namespaces"]} namespaces) in {(double)seed["seconds"]!:0} s through the admin API, 16 requests at a time (phases, cumulative s: {seed["phases"]?.ToJsonString()})");
        }

        table.AppendLine(CultureInfo.InvariantCulture, $"- every page p99 ≤ {TargetP99Ms} ms at every concurrency: {(allMet ? "yes" : "**no**")}");
        var summary = new JsonObject
        {
            ["label"] = label, ["target_p99_ms"] = TargetP99Ms, ["all_met"] = allMet, ["pages"] = pages,
            ["other"] = new JsonArray([.. results.Where(r => (string?)r["name"] is not ("ui-wrk" or "ui-page")).Select(r => r.DeepClone())]),
        };
        File.WriteAllText(Path.Combine(dir, "ui-summary.json"), summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllText(Path.Combine(dir, "ui-summary.md"), table.ToString());
        Console.WriteLine(table.ToString());
        return 0;
    }

    /// <summary>The round with the median requests/s, carrying the median of the rounds' p99 (one round's p99 swings with host contention).</summary>
    private static JsonObject? Median(List<JsonObject> runs, string page, int connections)
    {
        var rounds = runs.Where(r => (string?)r["page"] == page && (int)r["connections"]! == connections).ToList();
        if (Report.MedianRound(rounds) is not { } median)
        {
            return null;
        }

        median["non200"] = rounds.Sum(r => (long)r["non200"]!);
        median["socket_errors"] = rounds.Sum(r => (long)r["socket_errors"]!);
        return median;
    }
}
