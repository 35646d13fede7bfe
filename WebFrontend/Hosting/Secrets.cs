namespace OrleansRegistry.WebFrontend.Hosting;

/// <summary>Reads a base64 secret from configuration (<c>{key}</c>) or from the file named by <c>{key}File</c>.</summary>
public static class Secrets
{
    public static byte[] Key(IConfiguration configuration, string key, string environmentName, int minBytes = 32)
    {
        var text = configuration[key] ?? (configuration[key + "File"] is { } file ? ReadFile(file, environmentName) : null)
            ?? throw new ConfigurationException($"No {key}: set {environmentName} (base64 of {minBytes} random bytes) or {environmentName}_FILE");
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new ConfigurationException($"{environmentName} is not base64");
        }

        return bytes.Length >= minBytes ? bytes : throw new ConfigurationException($"{environmentName} must be at least {minBytes} bytes");
    }

    /// <summary>A key file that is missing or unreadable (a secret not mounted) is a setting to fix, said in one line.</summary>
    private static string ReadFile(string path, string environmentName)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{environmentName}_FILE: cannot read {path}: {e.Message}");
        }
    }
}
