using Microsoft.Extensions.Logging;
using OrleansRegistry.Changes;
using OrleansRegistry.Notifications;
using OrleansRegistry.Organizations;
using OrleansRegistry.Users;

namespace OrleansRegistry.ApiKeys;

/// <summary>
/// Expiry warnings: the expiry reminder also falls due at each configured warning (14, 7 and 1 days before expiry by
/// default), and the key mails its owner (a user), its organization's contact (a service account) or the operators.
/// </summary>
public sealed partial class ApiKeyGrain
{
    /// <summary>Reminder due times are capped: a key expiring later is looked at again after this.</summary>
    private static readonly TimeSpan MaxReminderDue = TimeSpan.FromDays(7);

    /// <summary>
    /// Sends the most urgent warning due, if any. At most once: the warning is committed as sent (with its audit entry)
    /// before the mail is handed over, so neither a retried tick nor a silo restart can send it again; a crash in
    /// between loses that one warning instead.
    /// </summary>
    private async Task WarnIfDueAsync()
    {
        var key = state.State;
        var now = clock.GetUtcNow();
        if (key.ExpiresAt is not { } expires || key.RevokedAt is not null
            || ExpiryWarnings.Due(warnings.Value.Days, expires, now, key.SentExpiryWarnings) is not { } due)
        {
            return;
        }

        var recipient = mailer.Enabled ? await RecipientAsync() : ExpiryRecipient.Nobody;
        await Changes.CommitAsync(s => s.SentExpiryWarnings = [.. s.SentExpiryWarnings.Union(due.Covered)],
            AuditRecord.Of(Actor.System, "apikey.expiry-warning", KeyId, now, new { DaysBefore = due.Days, RecipientKind = recipient.Kind }));
        if (!mailer.Enabled || recipient.Address is null)
        {
            ExpiryMailer.Count(due.Days, mailer.Enabled ? "no_recipient" : "no_mail");
            LogNotMailed(logger, ExpiryWarnings.Format(due.Days), KeyId, mailer.Enabled ? "no address to send it to" : "e-mail is off (no SMTP host)");
            return;
        }

        // Off the grain's turn: the key's leases (every frontend's authentication with it) must not wait on a mail
        // server; the mailer never throws, and logs and counts the outcome.
        var mail = new ExpiryMail(KeyId, key.Name!, expires, key.Owner, due.Days, ExpiryWarnings.DaysLeft(due.Days, expires - now));
        _ = Task.Run(() => mailer.SendAsync(mail, recipient));
    }

    /// <summary>A user's own address; a service account's organization's contact; else (or failing those) the operators'.</summary>
    private async Task<ExpiryRecipient> RecipientAsync()
    {
        var owner = state.State.Owner;
        var address = owner?.Kind switch
        {
            MemberKind.User => (await GrainFactory.GetGrain<IUserGrain>(owner.Id).Get())?.Email,
            MemberKind.ServiceAccount => await GrainFactory.GetGrain<IOrganizationGrain>(owner.Organization).GetContactEmail(),
            _ => null,
        };
        if (!string.IsNullOrWhiteSpace(address))
        {
            return new ExpiryRecipient(address, owner!.Kind == MemberKind.User ? "user" : "organization");
        }

        return warnings.Value.To is { Length: > 0 } operations ? new ExpiryRecipient(operations, "operations") : ExpiryRecipient.Nobody;
    }

    /// <summary>The reminder at the next warning not yet sent, or else at the expiry (at most <see cref="MaxReminderDue"/> ahead).</summary>
    private async Task ScheduleExpiryAsync()
    {
        var key = state.State;
        var now = clock.GetUtcNow();
        if (key.ExpiresAt is not { } expires || key.RevokedAt is not null || expires <= now)
        {
            return;
        }

        // A warning due now (a key created within its window) is sent by the tick a second from now, off this call.
        var next = ExpiryWarnings.Due(warnings.Value.Days, expires, now, key.SentExpiryWarnings) is not null
            ? now
            : ExpiryWarnings.NextAt(warnings.Value.Days, expires, now, key.SentExpiryWarnings) ?? expires;
        var due = next - now;
        due = due < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : due > MaxReminderDue ? MaxReminderDue : due;
        await this.RegisterOrUpdateReminder(ExpiryReminder, due, TimeSpan.FromHours(1));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The {Days}-day expiry warning of API key {KeyId} was recorded but not mailed: {Reason}")]
    private static partial void LogNotMailed(ILogger logger, string days, string keyId, string reason);
}
