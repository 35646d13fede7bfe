using System.Globalization;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using OrleansRegistry.Organizations;
using Prometheus;

namespace OrleansRegistry.Notifications;

/// <summary>What an expiry warning says: the key's public description, never a secret or its hash.</summary>
public sealed record ExpiryMail(string KeyId, string KeyName, DateTimeOffset ExpiresAt, KeyOwner? Owner, double DaysBefore, double DaysLeft);

/// <summary>Where a warning goes, and as whose address (<c>user</c>, <c>organization</c>, <c>operations</c>; <c>none</c>: nowhere).</summary>
public sealed record ExpiryRecipient(string? Address, string Kind)
{
    public static readonly ExpiryRecipient Nobody = new(null, "none");
}

/// <summary>
/// Sends API key expiry warnings through the configured SMTP server (MailKit), one connection per mail, and counts
/// every warning in <c>apikey_expiry_notifications_sent_total{days_before, outcome}</c>: <c>sent</c>, <c>failed</c>,
/// <c>no_mail</c> (no SMTP host) and <c>no_recipient</c>. A failure is logged and counted, never retried: the key
/// recorded the warning as sent before it was handed here, so a warning goes at most once.
/// </summary>
public sealed partial class ExpiryMailer(IOptions<SmtpOptions> smtp, IOptions<ExpiryWarningOptions> warnings, ILogger<ExpiryMailer> logger) : IDisposable
{
    private static readonly Counter Notifications = Metrics.CreateCounter(
        "apikey_expiry_notifications_sent_total", "API key expiry warnings by days before expiry and outcome (sent, failed, no_mail, no_recipient).",
        "days_before", "outcome");

    /// <summary>A mail server that does not answer must not hold a sending slot for MailKit's default of two minutes.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // Many keys created together expire together: a handful of connections at a time, not one per key at once.
    private readonly SemaphoreSlim _connections = new(4);

    public bool Enabled => smtp.Value.Enabled;

    public static void Count(double days, string outcome) => Notifications.WithLabels(ExpiryWarnings.Format(days), outcome).Inc();

    /// <summary>Sends <paramref name="mail"/> to <paramref name="recipient"/>; a failure to deliver is logged and counted, not thrown.</summary>
    public async Task SendAsync(ExpiryMail mail, ExpiryRecipient recipient, CancellationToken cancellationToken = default)
    {
        var options = smtp.Value;
        if (options.Host is not { } host || options.From is not { } from || recipient.Address is not { } to)
        {
            throw new InvalidOperationException("an expiry warning needs an SMTP host, a sender and a recipient");
        }

        await _connections.WaitAsync(cancellationToken);
        try
        {
            var message = Compose(mail, MailboxAddress.Parse(from), MailboxAddress.Parse(to), warnings.Value.PublicUrl);
            using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
            await client.ConnectAsync(host, options.Port, Socket(options.Security), cancellationToken);
            if (!string.IsNullOrEmpty(options.Username))
            {
                await client.AuthenticateAsync(options.Username, options.Password ?? "", cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            Count(mail.DaysBefore, "sent");
            LogSent(logger, ExpiryWarnings.Format(mail.DaysBefore), mail.KeyId, recipient.Kind);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // MailKit's messages name the server's answer (535 authentication failed, connection refused), never the password.
            Count(mail.DaysBefore, "failed");
            LogFailed(logger, ExpiryWarnings.Format(mail.DaysBefore), mail.KeyId, recipient.Kind, options.Host, options.Port, options.Security, e.GetType().Name, e.Message);
        }
        finally
        {
            _connections.Release();
        }
    }

    public void Dispose() => _connections.Dispose();

    private static SecureSocketOptions Socket(SmtpSecurity security) => security switch
    {
        SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTls,
    };

    /// <summary>The mail: what expires when, whose it is, and how to keep the client working.</summary>
    public static MimeMessage Compose(ExpiryMail mail, MailboxAddress from, MailboxAddress to, string? publicUrl)
    {
        var days = ExpiryWarnings.Format(mail.DaysLeft);
        var expires = mail.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var api = (publicUrl?.TrimEnd('/') ?? "") + "/api/v1/apikeys/" + mail.KeyId;
        var message = new MimeMessage { Subject = $"API key '{mail.KeyName}' expires in {days} day(s)" };
        message.From.Add(from);
        message.To.Add(to);
        message.Body = new TextPart("plain")
        {
            Text = $$"""
                The API key '{{mail.KeyName}}' expires at {{expires}} (UTC), in {{days}} day(s). From then on every request made
                with it is refused.

                Key id:  {{mail.KeyId}}
                Name:    {{mail.KeyName}}
                Owner:   {{OwnerText(mail.Owner)}}
                Expires: {{expires}}

                To keep its clients working, move its expiry with a key that holds api_keys:manage:

                    PUT {{api}}
                    {"expires_at": "<a later time, RFC 3339>"}

                and, if your policy renews secrets too, rotate it (the answer carries the new secret once; the old one
                keeps working for the grace period):

                    POST {{api}}/rotate
                    {"grace_period_hours": 24}

                Or create a new key and revoke this one once its clients use the new one.

                This warning is sent once. It was sent by the package registry; the key's secret is not in it.
                """,
        };
        return message;
    }

    private static string OwnerText(KeyOwner? owner) => owner switch
    {
        null => "none (a registry-wide key)",
        { Kind: MemberKind.User } => $"user '{owner.Id}' of organization '{owner.Organization}'",
        _ => $"service account '{owner.Id}' of organization '{owner.Organization}'",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent the {Days}-day expiry warning of API key {KeyId} to the {RecipientKind} address")]
    private static partial void LogSent(ILogger logger, string days, string keyId, string recipientKind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send the {Days}-day expiry warning of API key {KeyId} to the {RecipientKind} address through {Host}:{Port} ({Security}): {Error}: {Reason}. It is not sent again")]
    private static partial void LogFailed(ILogger logger, string days, string keyId, string recipientKind, string? host, int port, SmtpSecurity security, string error, string reason);
}
