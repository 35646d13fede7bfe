using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace OrleansRegistry.Bench;

/// <summary>The files the harness passes between its steps, all under the run's directory.</summary>
public static class BenchFiles
{
    public static string Urls(string dir, string name) => Path.Combine(dir, "urls", name + ".txt");

    public static string Ceiling(string dir) => Path.Combine(dir, "ceiling");

    public static string Results(string dir) => Path.Combine(dir, "results.jsonl");

    public static string BenchKey(string dir) => Path.Combine(dir, "bench.key");

    /// <summary>As the real clients authenticate: Composer (p2, packages.json, dists) with basic <c>token:key</c>, Terraform with Bearer.</summary>
    public static AuthenticationHeaderValue Authorization(string url, string key) =>
        url.StartsWith("/p2/", StringComparison.Ordinal) || url.StartsWith("/dists/", StringComparison.Ordinal) || url == "/packages.json"
            ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"token:{key}")))
            : new AuthenticationHeaderValue("Bearer", key);

    /// <summary>A benchmarked URL's answer, asked as its client would; anything but a success stops the run.</summary>
    public static async Task<byte[]> GetAsync(HttpClient http, string url, string key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = Authorization(url, key);
        using var response = await http.SendAsync(request, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return response.IsSuccessStatusCode
            ? bytes
            : throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
    }

    /// <summary>Keeps the registry's answer for <paramref name="url"/> where nginx serves the ceiling from.</summary>
    public static async Task SaveCeilingAsync(string dir, string url, byte[] bytes, CancellationToken cancellationToken)
    {
        var file = Path.Combine(Ceiling(dir), url.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, bytes, cancellationToken);
    }

    /// <summary>Appends one result line: {"name": ..., ...}.</summary>
    public static void Append(string dir, object result)
    {
        lock (typeof(BenchFiles))
        {
            File.AppendAllText(Results(dir), JsonSerializer.Serialize(result) + "\n");
        }
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];

    /// <summary>Resident set size of a process, in bytes (Linux).</summary>
    public static long Rss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
