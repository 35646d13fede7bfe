using System.Diagnostics;

namespace OrleansRegistry.Bench;

/// <summary>
/// Reads every document of every URL list once (both catalogs, if the second was seeded), so that a restarted
/// registry holds every package active again without having published any of them. The 1 MB dist is left out: it is
/// an artifact, not a package's document.
/// </summary>
public static class CatalogReader
{
    public static async Task<int> RunAsync(Uri baseUrl, string dir)
    {
        var key = (await File.ReadAllTextAsync(BenchFiles.BenchKey(dir))).Trim();
        var urls = Directory.GetFiles(Path.Combine(dir, "urls"), "*.txt")
            .Where(file => !Path.GetFileNameWithoutExtension(file).EndsWith("dist-1mb", StringComparison.Ordinal))
            .SelectMany(File.ReadLines)
            .Distinct()
            .ToList();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = baseUrl };
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (url, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = BenchFiles.Authorization(url, key);
            using var response = await http.SendAsync(request, ct);
            await response.Content.CopyToAsync(Stream.Null, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}");
            }
        });
        Console.Error.WriteLine($"read {urls.Count} documents in {clock.Elapsed.TotalSeconds:0} s");
        return 0;
    }
}
