using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace OrleansRegistry.Bench;

/// <summary>
/// Seeds a registry through its admin API: 1,000 Composer packages × 10 versions, 1,000 modules × 5 versions,
/// 100 providers × 3 versions × 4 platforms, and a 1 MB Composer dist. Then creates the benchmark key, writes one
/// URL list per benchmarked endpoint, and saves the exact bytes of every listed URL as the nginx ceiling's files.
/// </summary>
public static class Seeder
{
    public const string MirrorHost = "registry.bench.test";
    private const int Namespaces = 20;
    private const int ComposerVersions = 10;
    private const int ModuleVersions = 5;
    // BENCH_SCALE (default 1) shrinks the catalog for quick profiling runs; the targets are judged at 1.
    private static readonly double Scale = double.TryParse(Environment.GetEnvironmentVariable("BENCH_SCALE"), System.Globalization.CultureInfo.InvariantCulture, out var s) && s is > 0 and <= 1 ? s : 1;
    /// <summary>The private Composer catalog's size, which the mirror's upstream repository matches.</summary>
    public static readonly int ComposerPackages = Math.Max(1, (int)(1000 * Scale));
    private static readonly int Modules = Math.Max(1, (int)(1000 * Scale));
    private static readonly int Providers = Math.Max(1, (int)(100 * Scale));
    private const int ProviderVersions = 3;
    private static readonly string[] Platforms = ["linux_amd64", "linux_arm64", "darwin_arm64", "windows_amd64"];
    private static readonly string[] BenchScopes = ["packages:read", "modules:read", "providers:read"];

    /// <summary>
    /// The benchmarked catalog (namespaces <c>bench00</c>..), or with <paramref name="second"/> a second catalog of the
    /// same size (<c>more00</c>..) that is seeded and read once but not benchmarked: the RSS it adds, after a full GC,
    /// is the marginal memory per version, free of what the first catalog paid once (JIT-compiled code, pools).
    /// </summary>
    public static async Task<int> RunAsync(Uri baseUrl, string adminKey, string dir, bool second = false)
    {
        var prefix = second ? "more" : "bench";
        Directory.CreateDirectory(Path.Combine(dir, "urls"));
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        var clock = Stopwatch.StartNew();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 16 };

        string Ns(int i) => $"{prefix}{i % Namespaces:D2}";
        string Package(int p) => $"{Ns(p)}/pkg{p:D4}";

        await Parallel.ForEachAsync(Enumerable.Range(0, Namespaces), parallel, async (n, ct) =>
            await ExpectAsync(await http.PostAsJsonAsync("/api/v1/namespaces", new { name = Ns(n) }, ct), 201, 409));

        await Parallel.ForEachAsync(Enumerable.Range(0, ComposerPackages), parallel, async (p, ct) =>
        {
            for (var v = 0; v < ComposerVersions; v++)
            {
                using var form = new MultipartFormDataContent
                {
                    { new ByteArrayContent(Artifacts.ComposerZip(Package(p))), "file", "package.zip" },
                    { new StringContent($"1.{v}.0"), "version" },
                };
                await ExpectAsync(await http.PostAsync("/api/v1/composer/packages", form, ct), 201, 409);
            }
        });
        Console.Error.WriteLine($"composer packages seeded in {clock.Elapsed.TotalSeconds:0} s");

        using (var big = second ? null : new MultipartFormDataContent
        {
            { new ByteArrayContent(Artifacts.ComposerZip("bench00/big", padding: 1 << 20)), "file", "package.zip" },
            { new StringContent("1.0.0"), "version" },
        })
        {
            if (big is not null)
            {
                await ExpectAsync(await http.PostAsync("/api/v1/composer/packages", big), 201, 409);
            }
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, Modules), parallel, async (m, ct) =>
        {
            for (var v = 0; v < ModuleVersions; v++)
            {
                using var form = new MultipartFormDataContent
                {
                    { new StringContent(Ns(m)), "namespace" }, { new StringContent($"mod{m:D4}"), "name" },
                    { new StringContent("aws"), "system" }, { new StringContent($"1.{v}.0"), "version" },
                    { new ByteArrayContent(Artifacts.ModuleTarGz($"1.{v}.0")), "file", "module.tar.gz" },
                };
                await ExpectAsync(await http.PostAsync("/api/v1/modules", form, ct), 201, 409);
            }
        });
        Console.Error.WriteLine($"modules seeded in {clock.Elapsed.TotalSeconds:0} s");

        // Each namespace's managed signing key (RSA-3072) first, one at a time: generating twenty at once on one core
        // would hold the first provider publishes past the grain call timeout.
        foreach (var n in Enumerable.Range(0, Namespaces))
        {
            await ExpectAsync(await http.PostAsync($"/api/v1/namespaces/{Ns(n)}/signing-key", null), 201, 409);
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, Providers), parallel, async (p, ct) =>
        {
            for (var v = 0; v < ProviderVersions; v++)
            {
                var version = $"1.{v}.0";
                using var form = new MultipartFormDataContent
                {
                    { new StringContent(Ns(p)), "namespace" }, { new StringContent($"prov{p:D3}"), "type" }, { new StringContent(version), "version" },
                };
                foreach (var platform in Platforms)
                {
                    form.Add(new ByteArrayContent(Artifacts.ProviderZip($"prov{p:D3}", version)), "file", $"terraform-provider-prov{p:D3}_{version}_{platform}.zip");
                }

                await ExpectAsync(await http.PostAsync("/api/v1/providers", form, ct), 201, 409);
            }
        });
        Console.Error.WriteLine($"providers seeded in {clock.Elapsed.TotalSeconds:0} s");

        var key = second ? (await File.ReadAllTextAsync(BenchFiles.BenchKey(dir))).Trim() : await CreateBenchKeyAsync(http, dir);
        var lists = new Dictionary<string, string[]>
        {
            ["p2"] = [.. Enumerable.Range(0, ComposerPackages).Select(p => $"/p2/{Package(p)}.json")],
            ["packages"] = ["/packages.json"],
            ["module-versions"] = [.. Enumerable.Range(0, Modules).Select(m => $"/v1/modules/{Ns(m)}/mod{m:D4}/aws/versions")],
            ["provider-download"] = [.. Enumerable.Range(0, Providers).SelectMany(p => Enumerable.Range(0, ProviderVersions).SelectMany(v => Platforms.Select(pl =>
                $"/v1/providers/{Ns(p)}/prov{p:D3}/1.{v}.0/download/{pl.Replace('_', '/')}")))],
            ["mirror-version"] = [.. Enumerable.Range(0, Providers).SelectMany(p => Enumerable.Range(0, ProviderVersions).Select(v =>
                $"/terraform/providers/{MirrorHost}/{Ns(p)}/prov{p:D3}/1.{v}.0.json"))],
        };
        if (!second)
        {
            lists["revalidate"] = lists["p2"];
            lists["dist-1mb"] = [await DistUrlAsync(http, "bench00/big")];
        }

        // The ceiling: the same bytes, at the same paths, for nginx (the second catalog is only read, once).
        using var reader = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = baseUrl };
        foreach (var (name, urls) in lists)
        {
            // The second catalog's lists are only read again (read-all), never benchmarked.
            await File.WriteAllLinesAsync(BenchFiles.Urls(dir, second ? $"second-{name}" : name), urls);

            await Parallel.ForEachAsync(urls.Distinct(), parallel, async (url, ct) =>
            {
                var bytes = await BenchFiles.GetAsync(reader, url, key, ct);
                if (!second)
                {
                    await BenchFiles.SaveCeilingAsync(dir, url, bytes, ct);
                }
            });
        }

        var versions = (ComposerPackages * ComposerVersions) + (Modules * ModuleVersions) + (Providers * ProviderVersions);
        BenchFiles.Append(dir, new { name = second ? "seed-second" : "seed", seconds = clock.Elapsed.TotalSeconds, packages = ComposerPackages + Modules + Providers, versions });
        Console.Error.WriteLine($"seeded {versions} versions in {clock.Elapsed.TotalSeconds:0} s");
        return 0;
    }

    private static async Task<string> CreateBenchKeyAsync(HttpClient http, string dir)
    {
        using var created = await http.PostAsJsonAsync("/api/v1/apikeys", new
        {
            name = "bench", scopes = BenchScopes, rate_limit_per_hour = 2_000_000_000,
        });
        var createdBody = await created.Content.ReadAsStringAsync();
        if ((int)created.StatusCode != 201)
        {
            throw new InvalidOperationException($"creating the benchmark key answered {(int)created.StatusCode}: {createdBody}");
        }

        var key = JsonDocument.Parse(createdBody).RootElement.GetProperty("key").GetString()!;
        await File.WriteAllTextAsync(BenchFiles.BenchKey(dir), key);
        return key;
    }

    private static async Task<string> DistUrlAsync(HttpClient http, string package)
    {
        var metadata = await http.GetFromJsonAsync<JsonElement>($"/p2/{package}.json");
        return new Uri(metadata.GetProperty("packages").GetProperty(package)[0].GetProperty("dist").GetProperty("url").GetString()!).PathAndQuery;
    }

    private static async Task ExpectAsync(HttpResponseMessage response, params int[] statuses)
    {
        using (response)
        {
            if (!statuses.Contains((int)response.StatusCode))
            {
                throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
    }
}
