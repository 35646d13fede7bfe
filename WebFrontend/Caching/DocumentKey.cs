namespace OrleansRegistry.WebFrontend.Caching;

/// <summary>
/// Which of a grain's documents: a kind (<c>versions</c>, <c>p2</c>, <c>download</c>) and what it varies by (an
/// origin, a version and platform). Kept apart rather than joined into one string, so a cached read builds no name.
/// </summary>
public readonly record struct DocumentKey(string Kind, string? A = null, string? B = null, string? C = null);
