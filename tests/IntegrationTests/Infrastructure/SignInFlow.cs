using System.Globalization;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>A registry signing people in through <see cref="OidcProvider"/>, and a browser's way through the provider's forms.</summary>
public static class SignInFlow
{
    public static string CallbackUrl(int registryPort) => $"https://127.0.0.1:{registryPort.ToString(CultureInfo.InvariantCulture)}/auth/callback";

    /// <summary>Settings for a registry on <paramref name="httpsPort"/> signing in at <paramref name="issuer"/>; the group platform-team maps to acme's devops role.</summary>
    public static Dictionary<string, string?> Settings(int httpsPort, string issuer) => new()
    {
        ["Registry:HttpsPort"] = httpsPort.ToString(CultureInfo.InvariantCulture),
        ["Registry:Oidc:IssuerUrl"] = issuer,
        ["Registry:Oidc:ClientId"] = OidcProvider.ClientId,
        ["Registry:Oidc:ClientSecret"] = OidcProvider.ClientSecret,
        ["Registry:Oidc:RedirectUrl"] = CallbackUrl(httpsPort),
        ["Registry:Oidc:Scopes"] = "openid profile email groups",
        ["Registry:Oidc:GroupRoles"] = "platform-team=acme:devops; auditors=acme:auditor",
    };

    /// <summary>
    /// Opens <paramref name="start"/> and, while the browser is at the provider, fills its login form with
    /// <paramref name="login"/> and confirms its consent form; returns where the flow left the provider for.
    /// </summary>
    public static async Task<(HttpResponseMessage Response, Uri Url)> CompleteAsync(Browser browser, Uri start, string issuer, string login)
    {
        var provider = new Uri(issuer);
        var (response, url) = await browser.GetAsync(start, stopAt: u => u.IsLoopback && u.Port is >= 10000 and <= 10010);
        for (var step = 0; step < 4 && url.Port == provider.Port; step++)
        {
            var page = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {page}");
            (response, url) = await browser.SubmitFirstFormAsync(page, url, new Dictionary<string, string> { ["login"] = login, ["password"] = "any" },
                stopAt: u => u.IsLoopback && u.Port is >= 10000 and <= 10010);
        }

        return (response, url);
    }
}
