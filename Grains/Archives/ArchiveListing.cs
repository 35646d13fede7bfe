namespace OrleansRegistry.Archives;

/// <summary>What an archive holds, after it passed the safety checks.</summary>
public sealed record ArchiveListing(IReadOnlyList<string> Files, IReadOnlyDictionary<string, byte[]> CapturedFiles, long ExpandedBytes);

/// <summary>An archive that is unsafe or malformed; the message names the problem for the uploader.</summary>
public sealed class InvalidArchiveException(string message) : Exception(message);
