using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Net.Http.Headers;
using OrleansRegistry.ApiKeys;

namespace OrleansRegistry.WebFrontend.Auth;

/// <summary>What a request's Authorization header presents: nothing, something malformed, or a key.</summary>
public sealed record PresentedKey(bool Presented, string? KeyId, byte[]? SecretHash)
{
    public static readonly PresentedKey None = new(false, null, null);
    public static readonly PresentedKey Malformed = new(true, null, null);
}

/// <summary>
/// Reads the key from <c>Authorization: Bearer</c> (Terraform) or HTTP Basic with the key as password (Composer).
/// An HTTP/1.1 connection keeps its last answer, so a keep-alive client's repeated header is not parsed, decoded and
/// hashed again. Kestrel hands out the very same header string while the bytes repeat, so a reference comparison
/// finds it: no secret is ever compared, and none is kept beyond its connection (see docs/performance.md#presented-key-cache).
/// </summary>
public static class PresentedKeys
{
    private static readonly object Slot = new();

    public static PresentedKey Read(HttpContext http, string prefix)
    {
        var header = http.Request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value)
        {
            return header.Count == 0 ? PresentedKey.None : PresentedKey.Malformed;
        }

        // HTTP/2 streams of one connection run concurrently; its connection items are not for them.
        var items = HttpProtocol.IsHttp11(http.Request.Protocol) ? http.Features.Get<IConnectionItemsFeature>()?.Items : null;
        if (items is not null && items.TryGetValue(Slot, out var kept) && kept is Kept last && ReferenceEquals(last.Header, value))
        {
            return last.Key;
        }

        var key = Parse(value, prefix);
        if (items is not null)
        {
            items[Slot] = new Kept(value, key);
        }

        return key;
    }

    private static PresentedKey Parse(string header, string prefix)
    {
        var token = TokenOf(header);
        if (token is null)
        {
            return PresentedKey.None;
        }

        return ApiKeyToken.TryParse(token, prefix) is { } parsed ? new PresentedKey(true, parsed.KeyId, parsed.SecretHash()) : PresentedKey.Malformed;
    }

    /// <summary>The token of a Bearer header, or the password of a Basic one; null for anything else.</summary>
    private static string? TokenOf(string header)
    {
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            return null;
        }

        var scheme = header.AsSpan(0, space);
        var parameter = header.AsSpan(space + 1).Trim();
        if (parameter.IsEmpty)
        {
            return null;
        }

        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return parameter.ToString();
        }

        if (!scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return BasicCredentials.Password(parameter.ToString());
    }

    private sealed record Kept(string Header, PresentedKey Key);
}
