using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansRegistry.Bench;

/// <summary>
/// Seeds the web UI benchmark's catalog through the admin API: BENCH_UI_PACKAGES packages in all (default 10,000):
/// half modules (2 versions each, with a README and variables), 40% Composer packages (2 versions), 10% providers
/// (1 version, 2 platforms; in at most 10 namespaces, as each namespace's signing key costs an RSA-3072 generation),
/// in up to 50 namespaces; then 30 API keys and 5 lazy mirrors for the admin pages. One entry in 100 carries a tag
/// word (<c>tagNN</c>) in its description, so a search for a tag matches about 1% of the catalog. Writes one URL list
/// per page kind (urls/ui-&lt;page&gt;.txt) and ui-checks.tsv (page, URL, text the page must contain).
/// </summary>
public static class UiSeeder
{
    private const int Tags = 90; // modules and Composer packages (90% of the catalog) carry a tag: 1% per tag
    private static readonly string[] KeyScopes = ["modules:read", "packages:read", "providers:read"];
    private static readonly string[] Versions = ["1.0.0", "1.1.0"];
    private static readonly string[] Platforms = ["linux_amd64", "darwin_arm64"];

    public static async Task<int> RunAsync(Uri baseUrl, string adminKey, string dir)
    {
        var total = int.TryParse(Environment.GetEnvironmentVariable("BENCH_UI_PACKAGES"), out var n) && n >= 10 ? n : 10_000;
        int modules = total / 2, composer = total * 2 / 5, providers = total - modules - composer;
        var namespaces = Math.Clamp(total / 200, 1, 50);
        var providerNamespaces = Math.Min(10, namespaces);
        string Ns(int i) => $"ui{i % namespaces:D2}";
        string Tag(int i) => $"tag{i % Tags:D2}";

        Directory.CreateDirectory(Path.Combine(dir, "urls"));
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 16 };
        var clock = Stopwatch.StartNew();
        var phases = new Dictionary<string, double>();
        void Phase(string name)
        {
            phases[name] = Math.Round(clock.Elapsed.TotalSeconds, 1);
            Console.Error.WriteLine($"{name} seeded at {clock.Elapsed.TotalSeconds:0} s");
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, namespaces), parallel, async (i, ct) =>
            await ExpectAsync(await http.PostAsJsonAsync("/api/v1/namespaces", new { name = Ns(i) }, ct), 201, 409));

        await Parallel.ForEachAsync(Enumerable.Range(0, modules), parallel, async (m, ct) =>
        {
            foreach (var version in Versions)
            {
                var description = $"Benchmark module mod{m:D5} for {Tag(m)} workloads: networking, storage and the rest.";
                using var form = new MultipartFormDataContent
                {
                    { new StringContent(Ns(m)), "namespace" }, { new StringContent($"mod{m:D5}"), "name" },
                    { new StringContent("aws"), "system" }, { new StringContent(version), "version" },
                    { new ByteArrayContent(Artifacts.ModuleWithReadme($"mod{m:D5}", version, description)), "file", "module.tar.gz" },
                };
                await ExpectAsync(await http.PostAsync("/api/v1/modules", form, ct), 201, 409);
            }
        });
        Phase("modules");

        await Parallel.ForEachAsync(Enumerable.Range(0, composer), parallel, async (p, ct) =>
        {
            foreach (var version in Versions)
            {
                var name = $"{Ns(p)}/pkg{p:D5}";
                using var form = new MultipartFormDataContent
                {
                    { new ByteArrayContent(Artifacts.ComposerZip(name, description: $"Benchmark package {name} for {Tag(p)} applications")), "file", "package.zip" },
                    { new StringContent(version), "version" },
                };
                await ExpectAsync(await http.PostAsync("/api/v1/composer/packages", form, ct), 201, 409);
            }
        });
        Phase("composer");

        foreach (var i in Enumerable.Range(0, providerNamespaces))
        {
            await ExpectAsync(await http.PostAsync($"/api/v1/namespaces/{Ns(i)}/signing-key", null), 201, 409);
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, providers), parallel, async (p, ct) =>
        {
            var type = $"prov{p:D5}";
            using var form = new MultipartFormDataContent
            {
                { new StringContent(Ns(p % providerNamespaces)), "namespace" }, { new StringContent(type), "type" }, { new StringContent("1.0.0"), "version" },
            };
            foreach (var platform in Platforms)
            {
                form.Add(new ByteArrayContent(Artifacts.ProviderZip(type, "1.0.0")), "file", $"terraform-provider-{type}_1.0.0_{platform}.zip");
            }

            await ExpectAsync(await http.PostAsync("/api/v1/providers", form, ct), 201, 409);
        });
        Phase("providers");

        foreach (var k in Enumerable.Range(0, 30))
        {
            await ExpectAsync(await http.PostAsJsonAsync("/api/v1/apikeys", new Dictionary<string, object>
            {
                ["name"] = $"ui-key-{k:D2}", ["scopes"] = KeyScopes, ["namespaces"] = new[] { Ns(k) },
            }), 201);
        }

        var mirrorIds = new List<string>();
        foreach (var i in Enumerable.Range(0, 5))
        {
            // Port 9 (discard) refuses: a lazy mirror fetches nothing until asked, and its scheduled syncs fail fast.
            using var created = await http.PostAsJsonAsync("/api/v1/mirrors", new Dictionary<string, object>
            {
                ["kind"] = "composer-repository", ["name"] = $"ui-mirror-{i}", ["upstream_url"] = $"http://127.0.0.1:9/mirror{i}",
                ["packages"] = new[] { $"upstream{i}/*" }, ["mode"] = "lazy", ["allow_insecure"] = true,
            });
            var body = await created.Content.ReadAsStringAsync();
            if ((int)created.StatusCode != 201)
            {
                throw new InvalidOperationException($"creating a mirror answered {(int)created.StatusCode}: {body}");
            }

            mirrorIds.Add(JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!);
        }

        Phase("keys and mirrors");
        var tagged = Enumerable.Range(0, Tags).Take(10).ToArray();
        int Matching(int tag) => Enumerable.Range(0, modules).Count(m => m % Tags == tag) + Enumerable.Range(0, composer).Count(p => p % Tags == tag);
        var deep = Enumerable.Range(namespaces / 2, Math.Min(10, namespaces - (namespaces / 2))).ToArray(); // pages halfway through the catalog
        var pick = (int count, int max) => Enumerable.Range(0, Math.Min(count, max)).Select(i => (int)((long)i * max / Math.Min(count, max))).ToArray();
        var pages = new (string Page, (string Url, string Expect)[] Checks)[]
        {
            ("search", [("/ui", $"<span>{total.ToString("N0", CultureInfo.InvariantCulture)} packages</span>")]),
            ("search-query", [.. tagged.Select(t => ($"/ui?q={Tag(t)}", $"<span>{Matching(t).ToString("N0", CultureInfo.InvariantCulture)} packages</span>"))]),
            ("search-deep", [.. deep.Select(i => ($"/ui?after=module/{Ns(i)}/mod", $"{Ns(i)}/mod"))]),
            ("namespace", [.. Enumerable.Range(0, namespaces).Select(i => ($"/ui/namespaces/{Ns(i)}", $"{Ns(i)}/mod"))]),
            ("module", [.. pick(100, modules).Select(m => ($"/ui/modules/{Ns(m)}/mod{m:D5}/aws", $"Benchmark module mod{m:D5} for"))]),
            ("provider", [.. pick(100, providers).Select(p => ($"/ui/providers/{Ns(p % providerNamespaces)}/prov{p:D5}", $"prov{p:D5}"))]),
            ("composer", [.. pick(100, composer).Select(p => ($"/ui/packages/{Ns(p)}/pkg{p:D5}", $"Benchmark package {Ns(p)}/pkg{p:D5}"))]),
            ("getting-started", [("/ui/getting-started", "Add the registry as a repository")]),
            ("keys", [("/ui/admin/keys", "ui-key-29")]),
            ("mirrors", [("/ui/admin/mirrors", "ui-mirror-4")]),
            ("mirror", [.. mirrorIds.Select((id, i) => ($"/ui/admin/mirrors/{id}", $"ui-mirror-{i}"))]),
            ("audit", [("/ui/admin/audit", "mirror.create")]),
            ("admin-namespaces", [("/ui/admin/namespaces", $"{Ns(namespaces - 1)}</a>")]),
            ("admin-namespace", [.. Enumerable.Range(0, Math.Min(10, namespaces)).Select(i => ($"/ui/admin/namespaces/{Ns(i)}", "Provider signing keys"))]),
            ("system", [("/ui/admin/system", "Active silos")]),
        };
        await File.WriteAllLinesAsync(Path.Combine(dir, "ui-checks.tsv"), pages.SelectMany(p => p.Checks.Select(c => $"{p.Page}\t{c.Url}\t{c.Expect}")));
        foreach (var (page, checks) in pages)
        {
            await File.WriteAllLinesAsync(BenchFiles.Urls(dir, $"ui-{page}"), checks.Select(c => c.Url));
        }

        BenchFiles.Append(dir, new
        {
            name = "ui-seed", seconds = Math.Round(clock.Elapsed.TotalSeconds, 1), packages = total, modules, composer, providers, namespaces,
            versions = (modules * 2) + (composer * 2) + providers, phases,
        });
        Console.Error.WriteLine($"seeded {total} packages in {clock.Elapsed.TotalSeconds:0} s");
        return 0;
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
