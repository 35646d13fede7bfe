using System.Globalization;

namespace OrleansRegistry.WebFrontend.Hosting;

/// <summary>A setting that counts something (0 or more): anything else stops start-up with one line naming it.</summary>
public static class CountSetting
{
    /// <exception cref="ConfigurationException">The value is not a whole number of 0 or more.</exception>
    public static int Read(IConfiguration configuration, string key, string variable, int defaultValue)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ConfigurationException($"{variable} ({key}) must be a whole number, 0 or more, not '{text}'");
    }
}
