namespace OrleansRegistry.WebFrontend.Hosting;

/// <summary>A setting is missing or invalid; the message says which. The programs print it as one <c>error:</c> line and exit 1.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
