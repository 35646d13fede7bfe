using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.SignIn;

/// <summary>
/// Browser sign-in through the organization's identity provider (authorization code with PKCE), kept as a session
/// cookie. The cookie and the flow's state are protected with a data-protection key ring every frontend shares
/// (<see cref="GrainXmlRepository"/>), so any frontend can take any step without sticky sessions.
/// </summary>
public static class SignInSetup
{
    public const string SessionScheme = "registry-session";
    public const string OidcScheme = "oidc";

    /// <summary>How long a session lasts when REGISTRY_OIDC_SESSION_LIFETIME does not say (the same default).</summary>
    public static readonly TimeSpan DefaultSessionLifetime = TimeSpan.FromHours(24);

    public static WebApplicationBuilder AddRegistrySignIn(this WebApplicationBuilder builder)
    {
        builder.Services.AddDataProtection().SetApplicationName("OrleansRegistry");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IGrainFactory>((o, grains) => o.XmlRepository = new GrainXmlRepository(grains));
        var settings = OidcSettings.Read(builder.Configuration);
        // The session cookie exists with or without OIDC: the web UI also signs in with an API key.
        var authentication = builder.Services.AddAuthentication(SessionScheme)
            .AddCookie(SessionScheme, o =>
            {
                o.Cookie.Name = "registry_session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.ExpireTimeSpan = settings?.SessionLifetime ?? DefaultSessionLifetime;
                o.SlidingExpiration = false;
                o.Events.OnRedirectToLogin = context => ApiErrors.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "sign in first: /auth/signin");
                o.Events.OnRedirectToAccessDenied = context => ApiErrors.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "the session may not do this");
            });
        if (settings is null)
        {
            return builder;
        }

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<GroupRoleSync>();
        builder.Services.AddScoped<OidcEvents>();
        authentication
            .AddOpenIdConnect(OidcScheme, o =>
            {
                o.Authority = settings.IssuerText;
                o.RequireHttpsMetadata = settings.Issuer.Scheme == Uri.UriSchemeHttps || !settings.Issuer.IsLoopback;
                o.ClientId = settings.ClientId;
                o.ClientSecret = settings.ClientSecret;
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.UsePkce = true;
                o.CallbackPath = settings.RedirectUrl.AbsolutePath;
                o.Scope.Clear();
                foreach (var scope in settings.Scopes)
                {
                    o.Scope.Add(scope);
                }

                // Tokens are used once, to learn who signed in, and never kept (the session holds our own few claims).
                o.SaveTokens = false;
                o.GetClaimsFromUserInfoEndpoint = true;
                o.MapInboundClaims = false;
                o.ClaimActions.MapJsonKey(settings.GroupsClaim, settings.GroupsClaim);
                o.SignInScheme = SessionScheme;
                o.EventsType = typeof(OidcEvents);
            });
        return builder;
    }

    /// <summary>Authentication runs for the sign-in paths only: the protocol and API paths authenticate API keys, cheaply.</summary>
    public static WebApplication UseRegistrySignIn(this WebApplication app)
    {
        if (app.Services.GetService<OidcSettings>() is { } settings)
        {
            var callback = settings.RedirectUrl.AbsolutePath;
            app.UseWhen(http => http.Request.Path.StartsWithSegments("/auth") || http.Request.Path.StartsWithSegments("/oauth")
                    || http.Request.Path.Equals(callback, StringComparison.Ordinal),
                branch => branch.UseAuthentication());
        }

        return app;
    }
}
