namespace OrleansRegistry.WebFrontend.Hosting;

/// <summary>
/// A setting is missing or invalid; the message says which. Both programs print it as one <c>error:</c> line and exit 1,
/// so a misconfigured container or pod says what to fix instead of dumping a stack trace.
/// </summary>
public sealed class ConfigurationException(string message) : Exception(message);
