using System.Globalization;
using Microsoft.Extensions.Options;
using MimeKit;
using OrleansRegistry.Notifications;
using OrleansRegistry.WebFrontend.Hosting;

namespace OrleansRegistry.Silo.Hosting;

/// <summary>
/// The e-mail settings of API key expiry warnings: checked when the silo is built, so a half configuration stops the
/// process with one <c>error:</c> line naming the setting rather than failing at the first warning days later; and said
/// once in the log at start, so an operator sees whether warnings go out by mail at all.
/// </summary>
public sealed partial class ExpiryMailStart(IOptions<SmtpOptions> smtp, IOptions<ExpiryWarningOptions> warnings, ILogger<ExpiryMailStart> logger) : IHostedService
{
    private static readonly string[] SecurityNames = ["starttls", "tls", "none"];

    /// <summary>The grains' mail settings from <paramref name="config"/> (the caller checked them with <see cref="Validate"/>).</summary>
    public static void AddExpiryMail(IServiceCollection services, IConfiguration config)
    {
        services.Configure<SmtpOptions>(config.GetSection(SmtpOptions.Section));
        services.Configure<ExpiryWarningOptions>(o =>
        {
            o.Days = ExpiryWarnings.ParseDays(config[ExpiryWarningOptions.DaysKey]) ?? o.Days;
            o.To = config[ExpiryWarningOptions.ToKey] is { Length: > 0 } to ? to.Trim() : null;
            o.PublicUrl = config["Registry:PublicUrl"];
        });
        services.AddSingleton<ExpiryMailer>();
    }

    /// <exception cref="ConfigurationException">A setting is unusable, or the SMTP host is set without what it needs.</exception>
    public static void Validate(IConfiguration config)
    {
        var host = config["Registry:Smtp:Host"];
        if (config["Registry:Smtp:Port"] is { Length: > 0 } port
            && !(int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 65535))
        {
            throw new ConfigurationException($"REGISTRY_SMTP_PORT (Registry:Smtp:Port) must be a port number (1-65535), not '{port}'");
        }

        if (config["Registry:Smtp:Security"] is { Length: > 0 } security && !SecurityNames.Contains(security.Trim().ToLowerInvariant()))
        {
            throw new ConfigurationException($"REGISTRY_SMTP_SECURITY (Registry:Smtp:Security) must be starttls, tls or none, not '{security}'");
        }

        if (!string.IsNullOrWhiteSpace(host) && string.IsNullOrWhiteSpace(config["Registry:Smtp:From"]))
        {
            throw new ConfigurationException("REGISTRY_SMTP_FROM (Registry:Smtp:From) must be set when REGISTRY_SMTP_HOST is: the sender of expiry warnings");
        }

        if (config["Registry:Smtp:From"] is { Length: > 0 } from && !(MailboxAddress.TryParse(from, out var sender) && sender.Address.Contains('@', StringComparison.Ordinal)))
        {
            throw new ConfigurationException($"REGISTRY_SMTP_FROM (Registry:Smtp:From) must be an e-mail address (registry@example.com or Registry <registry@example.com>), not '{from}'");
        }

        // Never the password's value in a message: only whether it is there.
        if (string.IsNullOrEmpty(config["Registry:Smtp:Username"]) != string.IsNullOrEmpty(config["Registry:Smtp:Password"]))
        {
            throw new ConfigurationException("REGISTRY_SMTP_USERNAME and REGISTRY_SMTP_PASSWORD (Registry:Smtp:Username, :Password) must be set together");
        }

        if (config[ExpiryWarningOptions.DaysKey] is { Length: > 0 } days && ExpiryWarnings.ParseDays(days) is null)
        {
            throw new ConfigurationException($"REGISTRY_APIKEY_EXPIRY_WARNING_DAYS ({ExpiryWarningOptions.DaysKey}) must be positive numbers of days separated by commas (14,7,1) or none, not '{days}'");
        }

        if (config[ExpiryWarningOptions.ToKey] is { Length: > 0 } to && !EmailAddresses.IsValid(to.Trim()))
        {
            throw new ConfigurationException($"REGISTRY_APIKEY_EXPIRY_WARNING_TO ({ExpiryWarningOptions.ToKey}) must be an e-mail address like ops@example.com, not '{to}'");
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var days = string.Join(",", warnings.Value.Days.Select(ExpiryWarnings.Format));
        var operators = warnings.Value.To is null ? "nobody (REGISTRY_APIKEY_EXPIRY_WARNING_TO is not set)" : "the operators' mailbox";
        var s = smtp.Value;
        if (s.Enabled)
        {
            LogMailOn(logger, days, s.Host!, s.Port, s.Security, operators);
        }
        else
        {
            LogMailOff(logger, days);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "API key expiry warnings ({Days} days before expiry) are e-mailed through {Host}:{Port} ({Security}); a key without an owner's address warns {Operators}")]
    private static partial void LogMailOn(ILogger logger, string days, string host, int port, SmtpSecurity security, string operators);

    [LoggerMessage(Level = LogLevel.Information, Message = "API key expiry warnings ({Days} days before expiry) are not e-mailed: REGISTRY_SMTP_HOST is not set. They are audited (apikey.expiry-warning) and counted as apikey_expiry_notifications_sent_total{{outcome=\"no_mail\"}}")]
    private static partial void LogMailOff(ILogger logger, string days);
}
