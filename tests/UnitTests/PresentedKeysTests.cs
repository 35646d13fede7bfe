using System.Text;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.WebFrontend.Auth;

namespace OrleansRegistry.UnitTests;

public class PresentedKeysTests
{
    private const string Token = "reg_abc123def456_ABCDEFGHIJKLMNOPQRSTUVWXYZabcd";

    /// <summary>One keep-alive connection: requests share its items, as under Kestrel.</summary>
    private sealed class Connection : IConnectionItemsFeature
    {
        public IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

        public DefaultHttpContext Request(string? authorization, string protocol = "HTTP/1.1")
        {
            var http = new DefaultHttpContext();
            http.Features.Set<IConnectionItemsFeature>(this);
            http.Request.Protocol = protocol;
            if (authorization is not null)
            {
                http.Request.Headers.Authorization = authorization;
            }

            return http;
        }
    }

    [Fact]
    public void Bearer_and_basic_present_the_same_key()
    {
        var connection = new Connection();
        var bearer = PresentedKeys.Read(connection.Request("Bearer " + Token), "reg_");
        var basic = PresentedKeys.Read(connection.Request("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("token:" + Token))), "reg_");

        Assert.Equal("abc123def456", bearer.KeyId);
        Assert.Equal(ApiKeyToken.HashSecret("ABCDEFGHIJKLMNOPQRSTUVWXYZabcd"), bearer.SecretHash);
        Assert.Equal(bearer.KeyId, basic.KeyId);
        Assert.Equal(bearer.SecretHash, basic.SecretHash);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("Bearer", false)]
    [InlineData("Digest abc", false)]
    [InlineData("Basic !!!not-base64", false)]
    [InlineData("Bearer reg_nosecret", true)]
    [InlineData("Bearer other_abc123def456_ABCDEFGHIJKLMNOPQRSTUVWXYZabcd", true)]
    public void Missing_and_malformed_keys_are_told_apart(string? authorization, bool presented)
    {
        var key = PresentedKeys.Read(new Connection().Request(authorization), "reg_");
        Assert.Equal(presented, key.Presented);
        Assert.Null(key.KeyId);
    }

    [Fact]
    public void A_connection_reuses_its_last_answer_only_for_the_same_header()
    {
        var connection = new Connection();
        var header = "Bearer " + Token;
        var first = PresentedKeys.Read(connection.Request(header), "reg_");
        Assert.Same(first, PresentedKeys.Read(connection.Request(header), "reg_"));

        // Another key on the same connection is read afresh, never mistaken for the last one.
        var other = PresentedKeys.Read(connection.Request("Bearer reg_zzz999_ABCDEFGHIJKLMNOPQRSTUVWXYZabcd"), "reg_");
        Assert.Equal("zzz999", other.KeyId);

        // An equal header in another string instance is parsed again (no secret comparison), to the same key.
        var copy = PresentedKeys.Read(connection.Request(new string(header.AsSpan())), "reg_");
        Assert.NotSame(first, copy);
        Assert.Equal(first.KeyId, copy.KeyId);
    }

    [Fact]
    public void HTTP2_requests_do_not_share_connection_items()
    {
        var connection = new Connection();
        var header = "Bearer " + Token;
        PresentedKeys.Read(connection.Request(header, "HTTP/2"), "reg_");
        Assert.Empty(connection.Items);
    }
}
