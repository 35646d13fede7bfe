using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>Calls to a registry's HTTP API with a key (the admin key unless told otherwise), asserting the status.</summary>
public sealed class RegistryApi(HttpClient client, string adminKey)
{
    public HttpRequestMessage Request(HttpMethod method, string path, string? key = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        key ??= adminKey;
        if (key.Length > 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key = null, HttpContent? content = null) =>
        await client.SendAsync(Request(method, path, key, content));

    public async Task<JsonElement> JsonAsync(HttpMethod method, string path, object? body = null, string? key = null, int expectedStatus = 200)
    {
        using var response = await SendAsync(method, path, key, body is null ? null : JsonContent.Create(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expectedStatus, $"{method} {path}: expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<HttpResponseMessage> PublishModuleAsync(string ns, string name, string system, string version, byte[] archive, string fileName = "module.tar.gz", string? key = null)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(ns), "namespace" },
            { new StringContent(name), "name" },
            { new StringContent(system), "system" },
            { new StringContent(version), "version" },
            { new ByteArrayContent(archive), "file", fileName },
        };
        return await SendAsync(HttpMethod.Post, "/api/v1/modules", key, form);
    }

    /// <summary>Publishes a Composer package zip (the version from its composer.json unless given).</summary>
    public async Task<HttpResponseMessage> PublishComposerAsync(byte[] zip, string? version = null, string? key = null)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(zip), "file", "package.zip" } };
        if (version is not null)
        {
            form.Add(new StringContent(version), "version");
        }

        return await SendAsync(HttpMethod.Post, "/api/v1/composer/packages", key, form);
    }

    public Task CreateNamespaceAsync(string name) => JsonAsync(HttpMethod.Post, "/api/v1/namespaces", new { name }, expectedStatus: 201);

    public async Task<string> CreateKeyAsync(string[] scopes, string[]? namespaces = null)
    {
        var created = await JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new { name = "test", scopes, namespaces }, expectedStatus: 201);
        return created.GetProperty("key").GetString()!;
    }
}
