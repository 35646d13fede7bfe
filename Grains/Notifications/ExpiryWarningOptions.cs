namespace OrleansRegistry.Notifications;

/// <summary>How <see cref="SmtpOptions"/> secures its connection.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain connection upgraded with STARTTLS, which the server must offer (port 587).</summary>
    StartTls = 0,

    /// <summary>TLS from the first byte (port 465).</summary>
    Tls = 1,

    /// <summary>No TLS at all: for a relay on the same host or network only.</summary>
    None = 2,
}

/// <summary>The mail server expiry warnings go through, bound from <c>Registry:Smtp</c> (<c>REGISTRY_SMTP_*</c>).</summary>
public sealed class SmtpOptions
{
    public const string Section = "Registry:Smtp";

    /// <summary>No host: e-mail is off, and warnings are only audited and counted.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public string? Username { get; set; }

    /// <summary>A secret: never logged, never in an exception message of ours.</summary>
    public string? Password { get; set; }

    /// <summary>The sender, <c>registry@example.com</c> or <c>Registry &lt;registry@example.com&gt;</c>.</summary>
    public string? From { get; set; }

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>
/// When API keys warn of their expiry, and where keys without an owner's address send the warning. Read from
/// <c>Registry:ApiKeyExpiryWarnings</c> (<c>REGISTRY_APIKEY_EXPIRY_WARNING_DAYS</c>, <c>_TO</c>).
/// </summary>
public sealed class ExpiryWarningOptions
{
    public const string Section = "Registry:ApiKeyExpiryWarnings";
    public const string DaysKey = Section + ":Days";
    public const string ToKey = Section + ":To";
    public const string DefaultDays = "14,7,1";

    /// <summary>Days before expiry, largest first; fractions allowed (a test's warnings come seconds apart).</summary>
    public double[] Days { get; set; } = ExpiryWarnings.ParseDays(DefaultDays)!;

    /// <summary>The operators' mailbox: registry-wide keys, and members' keys whose owner has no address.</summary>
    public string? To { get; set; }

    /// <summary>The registry's public URL, so the mail can name where to rotate; null: the path alone.</summary>
    public string? PublicUrl { get; set; }
}
