using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace OrleansRegistry.Bench;

/// <summary>First request of each p2 URL after a restart: every one activates its package grain from PostgreSQL.</summary>
public static class ColdPath
{
    public static async Task<int> RunAsync(Uri baseUrl, string dir)
    {
        var key = (await File.ReadAllTextAsync(BenchFiles.BenchKey(dir))).Trim();
        using var http = new HttpClient { BaseAddress = baseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"token:{key}")));
        (await http.GetAsync("/health/ready")).Dispose(); // the connection, not the grains
        var latencies = new List<double>();
        foreach (var url in await File.ReadAllLinesAsync(BenchFiles.Urls(dir, "p2")))
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.GetAsync(url);
            await response.Content.ReadAsByteArrayAsync();
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}");
            }
        }

        latencies.Sort();
        var result = new { name = "cold", requests = latencies.Count, p50_ms = BenchFiles.Percentile(latencies, 50), p99_ms = BenchFiles.Percentile(latencies, 99), max_ms = latencies[^1] };
        BenchFiles.Append(dir, result);
        Console.Error.WriteLine($"cold path: p50 {result.p50_ms:0.0} ms, p99 {result.p99_ms:0.0} ms over {result.requests} first requests");
        return 0;
    }
}
