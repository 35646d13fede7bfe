namespace OrleansRegistry.WebFrontend.Hosting;

/// <summary>Reads a base64 secret from configuration (<c>{key}</c>) or from the file named by <c>{key}File</c>.</summary>
public static class Secrets
{
    public static byte[] Key(IConfiguration configuration, string key, string environmentName, int minBytes = 32)
    {
        var text = configuration[key] ?? (configuration[key + "File"] is { } file ? File.ReadAllText(file).Trim() : null)
            ?? throw new InvalidOperationException($"No {key}: set {environmentName} (base64 of {minBytes} random bytes) or {environmentName}_FILE");
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{environmentName} is not base64");
        }

        return bytes.Length >= minBytes ? bytes : throw new InvalidOperationException($"{environmentName} must be at least {minBytes} bytes");
    }
}
