namespace OrleansRegistry.Storage;

/// <summary>
/// Where artifacts are kept and how clients download them: <c>REGISTRY_STORAGE_*</c>, or <c>Registry:Storage</c>
/// (and each kind's own section under it).
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Registry:Storage";

    /// <summary><c>local</c> (the default), <c>s3</c>, <c>azure</c> or <c>gcs</c>.</summary>
    public string Kind { get; set; } = "local";

    /// <summary>A key prefix (a folder) under which every artifact lives, so several registries can share a bucket.</summary>
    public string? Prefix { get; set; }

    /// <summary>
    /// <c>proxy</c> (the default): the frontends stream artifacts. <c>redirect</c>: clients download from short-lived
    /// pre-signed store URLs, so artifact bytes never pass through the registry.
    /// </summary>
    public string Downloads { get; set; } = "proxy";

    /// <summary>How long a pre-signed store URL handed to a client stays valid: <c>90s</c>, <c>15m</c>, <c>1h</c> (or <c>00:15:00</c>).</summary>
    public string RedirectLifetime { get; set; } = "15m";

    /// <summary>Create the bucket or container at start when it does not exist; off, so a typo cannot make an empty one.</summary>
    public bool CreateIfMissing { get; set; }

    /// <summary>
    /// <see cref="RedirectLifetime"/> as a span; null unless it is positive and at most 6 days: S3 and GCS refuse to sign
    /// URLs for more than 7, and a link is rounded up to the next signing step on top of its lifetime.
    /// </summary>
    public TimeSpan? RedirectLifetimeSpan => ParseDuration(RedirectLifetime) is { } span && span > TimeSpan.Zero && span <= TimeSpan.FromDays(6) ? span : null;

    public bool Redirects => string.Equals(Downloads, "redirect", StringComparison.OrdinalIgnoreCase);

    /// <summary>The prefix as keys are joined to it: "" or ending in one '/'.</summary>
    public string KeyPrefix => Prefix is { Length: > 0 } p ? p.Trim('/') + "/" : "";

    private static TimeSpan? ParseDuration(string text)
    {
        if (text.Length > 1 && long.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        }

        return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var span) ? span : null;
    }
}
