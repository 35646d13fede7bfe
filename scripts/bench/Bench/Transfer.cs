using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansRegistry.Bench;

/// <summary>A large provider upload and download, with the registry's peak RSS growth during each.</summary>
public static class Transfer
{
    /// <param name="backend">The artifact store the registry runs with (its REGISTRY_STORAGE_KIND), recorded with the figures.</param>
    public static async Task<int> RunAsync(Uri baseUrl, string dir, int pid, int megabytes, string backend)
    {
        var admin = (await File.ReadAllTextAsync(Path.Combine(dir, "admin.key"))).Trim();
        var zip = Path.Combine(dir, "huge.zip");
        var version = "1.0.0";
        var type = $"huge{megabytes}{backend}";
        Artifacts.LargeProviderZip(zip, type, version, megabytes * 1_000_000L);
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        try
        {
            await MeasureAsync(dir, pid, "upload", megabytes, backend, async () =>
            {
                await using var file = File.OpenRead(zip);
                using var form = new MultipartFormDataContent
                {
                    { new StringContent("bench00"), "namespace" }, { new StringContent(type), "type" }, { new StringContent(version), "version" },
                    { new StreamContent(file), "file", $"terraform-provider-{type}_{version}_linux_amd64.zip" },
                };
                using var response = await http.PostAsync("/api/v1/providers", form);
                if ((int)response.StatusCode != 201)
                {
                    throw new InvalidOperationException($"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            });

            var download = await http.GetFromJsonAsync<JsonElement>($"/v1/providers/bench00/{type}/{version}/download/linux/amd64");
            var url = new Uri(download.GetProperty("download_url").GetString()!).PathAndQuery;
            await MeasureAsync(dir, pid, "download", megabytes, backend, async () =>
            {
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
                response.EnsureSuccessStatusCode();
                await using var body = await response.Content.ReadAsStreamAsync();
                await body.CopyToAsync(Stream.Null);
            });
        }
        finally
        {
            File.Delete(zip);
        }

        return 0;
    }

    private static async Task MeasureAsync(string dir, int pid, string direction, int megabytes, string backend, Func<Task> transfer)
    {
        var baseline = BenchFiles.Rss(pid);
        var peak = baseline;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, BenchFiles.Rss(pid));
                await Task.Delay(20);
            }
        });
        var clock = Stopwatch.StartNew();
        await transfer();
        var seconds = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await sampler;
        var growth = (peak - baseline) / 1048576.0;
        BenchFiles.Append(dir, new { name = "transfer", direction, megabytes, backend, seconds, mb_per_s = megabytes / seconds, rss_before_mb = baseline / 1048576.0, rss_growth_mb = growth });
        Console.Error.WriteLine($"{direction} of {megabytes} MB ({backend}): {megabytes / seconds:0} MB/s, peak RSS growth {growth:0.0} MB");
    }
}
