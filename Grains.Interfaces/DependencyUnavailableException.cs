namespace OrleansRegistry;

/// <summary>
/// A dependency of the registry (<see cref="Database"/>, <see cref="ArtifactStore"/>) failed a request; whatever the
/// request tried to change was left as it was, so it can be retried. Frontends answer it with 503 and Retry-After.
/// Raised by silos in place of the driver's own exception, whose type the frontend may not be able to read.
/// </summary>
[GenerateSerializer, Alias("dependency-unavailable")]
public sealed class DependencyUnavailableException : Exception
{
    public const string Database = "database";
    public const string ArtifactStore = "artifact store";

    public DependencyUnavailableException()
    {
    }

    public DependencyUnavailableException(string message)
        : base(message)
    {
    }

    public DependencyUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DependencyUnavailableException(string dependency, string message, bool nothingStored)
        : base(message)
    {
        Dependency = dependency;
        NothingStored = nothingStored;
    }

    /// <summary>Which dependency failed: <see cref="Database"/> or <see cref="ArtifactStore"/>.</summary>
    [Id(0)]
    public string Dependency { get; private set; } = Database;

    /// <summary>
    /// Whether storage surely took nothing of the request, so what was uploaded for it may go. False when a connection
    /// broke mid-write: the write may have been stored, and its files must stay.
    /// </summary>
    [Id(1)]
    public bool NothingStored { get; private set; }
}
