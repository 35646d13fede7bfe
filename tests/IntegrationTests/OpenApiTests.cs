using System.Text.Json;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>The admin API describes itself: every operation its answers, with the body each success carries.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OpenApiTests(PostgresServer postgres) : IAsyncLifetime
{
    private RegistryInstance _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync());

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    [Fact]
    public async Task Every_api_operation_documents_its_success_body_and_its_errors()
    {
        var document = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/openapi.json", key: "");
        var undocumented = new List<string>();
        var operations = 0;
        foreach (var path in document.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/v1/", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                operations++;
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                if (!operation.Value.TryGetProperty("responses", out var responses))
                {
                    undocumented.Add($"{name}: no responses");
                    continue;
                }

                var statuses = responses.EnumerateObject().ToDictionary(r => r.Name, r => r.Value);
                var successes = statuses.Where(s => s.Key.StartsWith('2')).ToList();
                if (successes.Count == 0)
                {
                    undocumented.Add($"{name}: no success status");
                }

                // A success other than 204 has a body, and the document must say what it is.
                foreach (var (status, response) in successes.Where(s => s.Key != "204"))
                {
                    if (!response.TryGetProperty("content", out var content) || !content.EnumerateObject().Any(c => c.Value.TryGetProperty("schema", out _)))
                    {
                        undocumented.Add($"{name}: {status} has no body schema");
                    }
                }

                if (!statuses.Keys.Any(s => s.StartsWith('4')))
                {
                    undocumented.Add($"{name}: no error status");
                }

                // Any operation may find a dependency down; clients must know to retry.
                if (!statuses.ContainsKey("503"))
                {
                    undocumented.Add($"{name}: no 503");
                }

                // A path with a parameter names something that may not exist.
                if (path.Name.Contains('{', StringComparison.Ordinal) && !statuses.ContainsKey("404"))
                {
                    undocumented.Add($"{name}: no 404 for a path naming something");
                }
            }
        }

        Assert.True(operations >= 30, $"only {operations} /api/v1 operations in the document");
        Assert.True(undocumented.Count == 0, string.Join("\n", undocumented));
    }

    [Fact]
    public async Task Errors_are_problem_details_with_the_members_clients_read()
    {
        using var response = await _registry.SendAsync(HttpMethod.Get, "/api/v1/namespaces/nope");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = problem.RootElement;
        Assert.Equal(404, root.GetProperty("status").GetInt32());
        Assert.Equal("Not Found", root.GetProperty("title").GetString());
        Assert.Equal("namespace 'nope' not found", root.GetProperty("detail").GetString());
        Assert.Equal(root.GetProperty("detail").GetString(), root.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("request_id").GetString()));
    }

    [Fact]
    public async Task The_api_reference_page_loads_only_from_the_registry_itself()
    {
        using var page = await _registry.SendAsync(HttpMethod.Get, "/api/v1/reference/", key: "");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("\"url\":\"api/v1/openapi.json\"", html, StringComparison.Ordinal);

        // Every script the page names is relative (served here) and answers: an air-gapped registry has no CDN.
        var scripts = System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]*src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, src => Assert.DoesNotContain("//", src, StringComparison.Ordinal));
        foreach (var src in scripts)
        {
            using var script = await _registry.SendAsync(HttpMethod.Get, $"/api/v1/reference/{src}", key: "");
            Assert.Equal(System.Net.HttpStatusCode.OK, script.StatusCode);
        }

        Assert.DoesNotContain("withDefaultFonts\":true", html, StringComparison.Ordinal);
    }
}
