using System.Security.Cryptography;

namespace OrleansRegistry.ApiKeys;

/// <summary>
/// The token format <c>&lt;prefix&gt;&lt;key id&gt;_&lt;secret&gt;</c>: the key id routes to the key's grain,
/// the secret is only ever stored as its SHA-256 (it is 240 random bits, so a fast hash is enough).
/// </summary>
public sealed record ApiKeyToken(string KeyId, string Secret)
{
    public const string DefaultPrefix = "reg_";
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const int KeyIdLength = 12;
    private const int SecretLength = 40;

    public string Format(string prefix) => $"{prefix}{KeyId}_{Secret}";

    public byte[] SecretHash() => HashSecret(Secret);

    public static byte[] HashSecret(string secret) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret));

    public static ApiKeyToken Generate() =>
        new(RandomNumberGenerator.GetString(Alphabet, KeyIdLength), RandomNumberGenerator.GetString(SecretAlphabet, SecretLength));

    /// <summary>Parses a presented token; null when it does not have the registry's shape.</summary>
    public static ApiKeyToken? TryParse(string? token, string prefix)
    {
        if (token is null || token.Length > 256 || !token.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = token.AsSpan(prefix.Length);
        var separator = rest.IndexOf('_');
        if (separator <= 0 || separator == rest.Length - 1)
        {
            return null;
        }

        var keyId = rest[..separator];
        var secret = rest[(separator + 1)..];
        if (keyId.Length > 64 || !IsFrom(keyId, Alphabet) || secret.Length < 16 || !IsFrom(secret, SecretAlphabet))
        {
            return null;
        }

        return new ApiKeyToken(keyId.ToString(), secret.ToString());
    }

    private static bool IsFrom(ReadOnlySpan<char> value, string alphabet)
    {
        foreach (var c in value)
        {
            if (!alphabet.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
