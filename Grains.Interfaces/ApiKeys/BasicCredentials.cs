using System.Text;

namespace OrleansRegistry.ApiKeys;

/// <summary>HTTP Basic credentials, as Composer (<c>token:&lt;key&gt;</c>) and webhook senders present a secret.</summary>
public static class BasicCredentials
{
    /// <summary>The password of base64 <c>user:password</c>; null when it is not base64 or has no colon.</summary>
    public static string? Password(string encoded)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded.Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
