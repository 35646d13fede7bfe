using OrleansRegistry.Terraform;

namespace OrleansRegistry.Mirroring;

/// <summary>A provider selector: <c>namespace/type</c>, or <c>namespace/*</c> for every type the upstream lists.</summary>
public sealed record ProviderPattern(string Namespace, string? Type)
{
    public bool IsWildcard => Type is null;

    public static ProviderPattern? Parse(string text) =>
        text.Split('/') is [var ns, var type] && Names.IsValidSegment(ns) && (type == "*" || Names.IsValidSegment(type))
            ? new ProviderPattern(ns, type == "*" ? null : type)
            : null;

    public bool Matches(string ns, string type) => Namespace == ns && (Type is null || Type == type);

    public static bool AnyMatches(IEnumerable<string> patterns, string ns, string type) =>
        patterns.Select(Parse).Any(p => p is not null && p.Matches(ns, type));
}
