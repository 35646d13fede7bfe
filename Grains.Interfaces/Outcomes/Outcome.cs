namespace OrleansRegistry;

/// <summary>
/// What a command did. Every grain command answers with one of these codes and, for anything but plain success, a
/// reason a person can act on; the frontend maps each code to HTTP in one place (<c>WebFrontend/Errors/OutcomeHttp.cs</c>).
/// </summary>
public enum OutcomeCode
{
    /// <summary>Done as asked.</summary>
    Done = 0,

    /// <summary>Something new was made.</summary>
    Created = 1,

    /// <summary>It already was so (a repeat of a change already made, or nothing to do): nothing changed.</summary>
    Unchanged = 2,

    /// <summary>Started or queued; it finishes later.</summary>
    Accepted = 3,

    /// <summary>Not ready yet; ask again shortly.</summary>
    Pending = 4,

    NotFound = 5,

    /// <summary>The request itself is wrong; the reason says how.</summary>
    Invalid = 6,

    /// <summary>It contradicts what exists (a version with other content, a name taken).</summary>
    Conflict = 7,

    /// <summary>The caller could not prove who it is (a webhook's signature or token).</summary>
    Unauthorized = 8,

    /// <summary>Something this command needed from elsewhere (an upstream) failed; the reason says what.</summary>
    Failed = 9,

    /// <summary>The caller is known but may not do this (its key's scopes or namespaces).</summary>
    Forbidden = 10,
}

/// <summary>A command's outcome without a value.</summary>
[GenerateSerializer, Immutable, Alias("outcome")]
public sealed record Outcome([property: Id(0)] OutcomeCode Code, [property: Id(1)] string? Reason = null)
{
    public static readonly Outcome Done = new(OutcomeCode.Done);

    public bool Succeeded => Code.Succeeded();

    public static Outcome NotFound(string reason) => new(OutcomeCode.NotFound, reason);

    public static Outcome Invalid(string reason) => new(OutcomeCode.Invalid, reason);

    public static Outcome Conflict(string reason) => new(OutcomeCode.Conflict, reason);

    /// <summary>A success carrying what it made or found.</summary>
    public static Outcome<T> Of<T>(OutcomeCode code, T value) => new(code, null, value);
}

/// <summary>A command's outcome and, on success, what it made or found.</summary>
/// <remarks>A failure is written as an <see cref="Outcome"/> (e.g. <c>Outcome.NotFound("…")</c>) and converts implicitly.</remarks>
[GenerateSerializer, Immutable, Alias("outcome`1")]
public sealed record Outcome<T>(
    [property: Id(0)] OutcomeCode Code,
    [property: Id(1)] string? Reason,
    [property: Id(2)] T? Value)
{
    public bool Succeeded => Code.Succeeded();

    public static implicit operator Outcome<T>(Outcome outcome) => new(outcome.Code, outcome.Reason, default);

    public Outcome WithoutValue() => new(Code, Reason);

    /// <summary>The same outcome with its value turned into another (a response body, say).</summary>
    public Outcome<TOther> Map<TOther>(Func<T, TOther> map) => new(Code, Reason, Value is null ? default : map(Value));
}

public static class OutcomeCodes
{
    public static bool Succeeded(this OutcomeCode code) => code is OutcomeCode.Done or OutcomeCode.Created or OutcomeCode.Unchanged or OutcomeCode.Accepted;
}
