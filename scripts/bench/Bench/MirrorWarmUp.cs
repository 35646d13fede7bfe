using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace OrleansRegistry.Bench;

/// <summary>
/// Creates a lazy composer-repository mirror of the generated upstream (<see cref="UpstreamRepository"/>), then asks
/// the registry for every package's p2 file and one dist of each, timed from the empty mirror to every package served
/// once. Writes the <c>p2-mirrored</c> and <c>dist-mirrored</c> URL lists and saves the registry's answers as the
/// nginx ceiling's files: a mirrored p2 file is the upstream's rewritten (dist URLs point here), so only the
/// registry's own bytes make a fair ceiling.
/// </summary>
public static class MirrorWarmUp
{
    // As many at once as the seeder: several Composer clients installing at the same time.
    private const int Concurrency = 16;
    private static readonly string[] EveryPackage = ["*"];

    public static async Task<int> RunAsync(Uri baseUrl, string adminKey, Uri upstream, string dir)
    {
        var key = (await File.ReadAllTextAsync(BenchFiles.BenchKey(dir))).Trim();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency }) { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
        await CreateMirrorAsync(http, adminKey, upstream);

        var packages = UpstreamRepository.Packages;
        var dists = new string[packages.Count];
        var bodies = new (byte[] P2, byte[] Zip)[packages.Count];
        var latencies = new double[packages.Count];
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, packages.Count), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, ct) =>
        {
            var started = clock.Elapsed;
            var p2Url = $"/p2/{packages[i]}.json";
            var p2 = await BenchFiles.GetAsync(http, p2Url, key, ct);
            using var metadata = JsonDocument.Parse(p2);
            var dist = metadata.RootElement.GetProperty("packages").GetProperty(packages[i])[0].GetProperty("dist").GetProperty("url").GetString()!;
            dists[i] = new Uri(dist).PathAndQuery;
            var zip = await BenchFiles.GetAsync(http, dists[i], key, ct);
            latencies[i] = (clock.Elapsed - started).TotalMilliseconds;
            bodies[i] = (p2, zip);
        });
        var seconds = clock.Elapsed.TotalSeconds;

        for (var i = 0; i < packages.Count; i++)
        {
            await BenchFiles.SaveCeilingAsync(dir, $"/p2/{packages[i]}.json", bodies[i].P2, CancellationToken.None);
            await BenchFiles.SaveCeilingAsync(dir, dists[i], bodies[i].Zip, CancellationToken.None);
        }

        await File.WriteAllLinesAsync(BenchFiles.Urls(dir, "p2-mirrored"), packages.Select(p => $"/p2/{p}.json"));
        await File.WriteAllLinesAsync(BenchFiles.Urls(dir, "dist-mirrored"), dists);
        var sorted = latencies.Order().ToList();
        BenchFiles.Append(dir, new
        {
            name = "mirror-warm-up", packages = packages.Count, seconds, concurrency = Concurrency,
            p50_ms = BenchFiles.Percentile(sorted, 50), p99_ms = BenchFiles.Percentile(sorted, 99),
        });
        Console.Error.WriteLine($"mirror warm-up: {packages.Count} packages served once in {seconds:0.0} s");
        return 0;
    }

    private static async Task CreateMirrorAsync(HttpClient http, string adminKey, Uri upstream)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/mirrors")
        {
            Content = JsonContent.Create(new Dictionary<string, object>
            {
                ["kind"] = "composer-repository", ["name"] = "bench-upstream", ["upstream_url"] = upstream.AbsoluteUri,
                ["packages"] = EveryPackage, ["mode"] = "lazy", ["allow_insecure"] = true,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var response = await http.SendAsync(request);
        if ((int)response.StatusCode != 201)
        {
            throw new InvalidOperationException($"creating the mirror answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
