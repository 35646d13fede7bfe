namespace OrleansRegistry.WebFrontend.Terraform;

/// <summary>The public registry's paging: <c>offset</c> and <c>limit</c> in, a <c>meta</c> object out.</summary>
public static class ListingPaging
{
    /// <summary>The public registry's page size and its largest, for every listing.</summary>
    public const int DefaultLimit = 15;
    public const int MaxLimit = 100;

    /// <summary>Reads offset and limit; false (with the 400 message) when either is out of range.</summary>
    public static bool TryRead(HttpContext http, out int offset, out int limit, out string? problem) =>
        TryRead(http, DefaultLimit, out offset, out limit, out problem);

    /// <summary>As <see cref="TryRead(HttpContext, out int, out int, out string?)"/>, with another page size when none is asked for.</summary>
    public static bool TryRead(HttpContext http, int defaultLimit, out int offset, out int limit, out string? problem)
    {
        var query = http.Request.Query;
        var ok = TryInt(query["offset"], 0, int.MaxValue, 0, out offset) & TryInt(query["limit"], 1, MaxLimit, defaultLimit, out limit);
        problem = ok ? null : $"'offset' must be a non-negative integer and 'limit' an integer from 1 to {MaxLimit}";
        return ok;
    }

    public static ListingMeta Meta(HttpContext http, int offset, int limit, bool hasMore)
    {
        var next = hasMore ? offset + limit : (int?)null;
        return new ListingMeta(
            limit,
            offset,
            next,
            offset > 0 ? Math.Max(0, offset - limit) : null,
            next is null ? null : $"{http.Request.Path}?{PagedQuery(http, next.Value, limit)}");
    }

    private static bool TryInt(string? text, int min, int max, int fallback, out int value)
    {
        value = fallback;
        return text is null || (int.TryParse(text, out value) && value >= min && value <= max);
    }

    private static string PagedQuery(HttpContext http, int offset, int limit)
    {
        var pairs = http.Request.Query.Where(q => q.Key is not ("offset" or "limit")).Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}");
        return string.Join('&', pairs.Append($"offset={offset}").Append($"limit={limit}"));
    }
}

/// <summary>The paging block of a listing, as the Terraform registry's listing API shapes it.</summary>
public sealed record ListingMeta(int Limit, int CurrentOffset, int? NextOffset, int? PrevOffset, string? NextUrl);
