using MimeKit;
using OrleansRegistry.Notifications;
using OrleansRegistry.Organizations;

namespace OrleansRegistry.UnitTests;

/// <summary>Which expiry warning a key owes when: one at a time, the most urgent, never one already sent.</summary>
public class ExpiryWarningsTests
{
    private static readonly DateTimeOffset Expires = new(2026, 12, 31, 12, 0, 0, TimeSpan.Zero);
    private static readonly double[] Days = [14, 7, 1];

    [Fact]
    public void Days_are_a_comma_list_of_positive_numbers_largest_first()
    {
        Assert.Equal([14, 7, 1], ExpiryWarnings.ParseDays("14,7,1")!);
        Assert.Equal([14, 7, 1], ExpiryWarnings.ParseDays(" 1, 14 ,7,7")!);
        Assert.Equal([0.0008, 0.0003], ExpiryWarnings.ParseDays("0.0003,0.0008")!);
        Assert.Empty(ExpiryWarnings.ParseDays("none")!);
        foreach (var bad in new[] { "", "14;7", "0", "-1", "7,", "seven", "1e3", "3651", "NaN" })
        {
            Assert.Null(ExpiryWarnings.ParseDays(bad));
        }
    }

    [Fact]
    public void Nothing_is_due_before_the_first_warning_and_the_reminder_goes_to_it()
    {
        var now = Expires.AddDays(-20);
        Assert.Null(ExpiryWarnings.Due(Days, Expires, now, []));
        Assert.Equal(Expires.AddDays(-14), ExpiryWarnings.NextAt(Days, Expires, now, []));
    }

    [Fact]
    public void Each_warning_falls_due_at_its_time_once()
    {
        var now = Expires.AddDays(-14);
        Assert.Equal(new DueWarning(14, [14]), ExpiryWarnings.Due(Days, Expires, now, []), Comparer);
        Assert.Null(ExpiryWarnings.Due(Days, Expires, now, [14]));
        Assert.Equal(Expires.AddDays(-7), ExpiryWarnings.NextAt(Days, Expires, now, [14]));

        // A tick a little late (the silo was busy) still sends just the one warning.
        var later = Expires.AddDays(-7).AddMinutes(5);
        Assert.Equal(new DueWarning(7, [7]), ExpiryWarnings.Due(Days, Expires, later, [14]), Comparer);
        Assert.Null(ExpiryWarnings.Due(Days, Expires, later, [14, 7]));
        Assert.Equal(Expires.AddDays(-1), ExpiryWarnings.NextAt(Days, Expires, later, [14, 7]));
    }

    [Fact]
    public void Several_due_at_once_send_only_the_most_urgent_standing_for_the_others()
    {
        var created = Expires.AddDays(-3);
        Assert.Equal(new DueWarning(7, [14, 7]), ExpiryWarnings.Due(Days, Expires, created, []), Comparer);
        Assert.Equal(Expires.AddDays(-1), ExpiryWarnings.NextAt(Days, Expires, created, [14, 7]));
    }

    [Fact]
    public void An_expired_key_warns_no_more_and_nothing_follows_the_last_warning()
    {
        Assert.Null(ExpiryWarnings.Due(Days, Expires, Expires, []));
        Assert.Null(ExpiryWarnings.Due(Days, Expires, Expires.AddDays(1), []));
        Assert.Null(ExpiryWarnings.NextAt(Days, Expires, Expires.AddHours(-2), [14, 7, 1]));
        Assert.Null(ExpiryWarnings.Due([], Expires, Expires.AddDays(-1), []));
    }

    [Fact]
    public void A_moved_expiry_owes_again_the_warnings_no_longer_due()
    {
        var now = Expires.AddDays(-2);
        Assert.Equal([14, 7], ExpiryWarnings.StillDue([14, 7], Expires, now));
        Assert.Equal([14], ExpiryWarnings.StillDue([14, 7], Expires.AddDays(10), now));
        Assert.Equal([], ExpiryWarnings.StillDue([14, 7], Expires.AddDays(30), now));
        Assert.Equal([], ExpiryWarnings.StillDue([14, 7], null, now));
    }

    [Fact]
    public void The_mail_announces_the_days_really_left()
    {
        Assert.Equal(14, ExpiryWarnings.DaysLeft(14, TimeSpan.FromDays(14) - TimeSpan.FromMilliseconds(3)));
        Assert.Equal(3, ExpiryWarnings.DaysLeft(7, TimeSpan.FromDays(2.5)));
        Assert.Equal(0.0005, ExpiryWarnings.DaysLeft(0.0005, TimeSpan.FromSeconds(40)));
        Assert.Equal("0.0005", ExpiryWarnings.Format(0.0005));
        Assert.Equal("14", ExpiryWarnings.Format(14));
    }

    [Fact]
    public void The_mail_names_the_key_its_owner_expiry_and_how_to_keep_it_without_any_secret()
    {
        var mail = new ExpiryMail("k3y", "ci deploy", Expires, new KeyOwner("acme", MemberKind.ServiceAccount, "ci"), 7, 3);
        var message = ExpiryMailer.Compose(mail, MailboxAddress.Parse("registry@example.test"), MailboxAddress.Parse("ops@acme.test"), "https://registry.example.test/");

        Assert.Equal("API key 'ci deploy' expires in 3 day(s)", message.Subject);
        var body = Assert.IsType<TextPart>(message.Body).Text;
        Assert.Contains("Key id:  k3y", body, StringComparison.Ordinal);
        Assert.Contains("Expires: 2026-12-31T12:00:00Z", body, StringComparison.Ordinal);
        Assert.Contains("service account 'ci' of organization 'acme'", body, StringComparison.Ordinal);
        Assert.Contains("POST https://registry.example.test/api/v1/apikeys/k3y/rotate", body, StringComparison.Ordinal);
        Assert.Contains("PUT https://registry.example.test/api/v1/apikeys/k3y", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ops@example.com", true)]
    [InlineData("first.last+tag@sub.example.co", true)]
    [InlineData("Ops <ops@example.com>", false)]
    [InlineData("ops example.com", false)]
    [InlineData("ops@", false)]
    [InlineData("", false)]
    public void Contact_addresses_are_bare_addresses(string address, bool valid)
    {
        Assert.Equal(valid, EmailAddresses.IsValid(address));
    }

    private static readonly EqualityComparer<DueWarning?> Comparer = EqualityComparer<DueWarning?>.Create(
        (a, b) => a is null ? b is null : b is not null && a.Days == b.Days && a.Covered.SequenceEqual(b.Covered));
}
