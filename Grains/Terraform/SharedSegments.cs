namespace OrleansRegistry.Terraform;

/// <summary>
/// Equal segments of a provider's rendered documents, held once. Every download document of a provider ends with
/// the same signing key block (1.7 KB for an RSA-3072 key), so without this a provider with hundreds of versions
/// and a dozen platforms would hold thousands of copies of its key.
/// </summary>
public sealed class SharedSegments
{
    // A provider is signed by one key or a few (a key rotation, mirrored upstream keys): a short list, scanned.
    private const int MaxShared = 16;
    private readonly List<byte[]> _segments = [];

    /// <summary>The segment kept earlier with the same bytes as <paramref name="segment"/>, else <paramref name="segment"/> itself.</summary>
    public byte[] Share(byte[] segment)
    {
        foreach (var kept in _segments)
        {
            if (kept.AsSpan().SequenceEqual(segment))
            {
                return kept;
            }
        }

        if (_segments.Count < MaxShared)
        {
            _segments.Add(segment);
        }

        return segment;
    }
}
