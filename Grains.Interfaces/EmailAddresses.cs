using System.Net.Mail;

namespace OrleansRegistry;

/// <summary>The e-mail addresses the registry stores and sends to: a bare address (<c>ops@example.com</c>), no display name.</summary>
public static class EmailAddresses
{
    /// <summary>RFC 5321's limit on a path; longer addresses are refused by mail servers anyway.</summary>
    public const int MaxLength = 254;

    public static bool IsValid(string? address) =>
        address is { Length: > 0 and <= MaxLength }
        && !address.Any(char.IsWhiteSpace)
        && MailAddress.TryCreate(address, out var parsed)
        && parsed.Address == address
        && parsed.DisplayName.Length == 0;

    /// <summary>Null when valid, else what is wrong, naming <paramref name="field"/>.</summary>
    public static string? Problem(string field, string address) =>
        IsValid(address) ? null : $"'{field}' must be an e-mail address like ops@example.com (at most {MaxLength} characters, no display name)";
}
