using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.Catalog;
using OrleansRegistry.Organizations;
using OrleansRegistry.Sessions;
using OrleansRegistry.WebFrontend.Api;
using OrleansRegistry.WebFrontend.Auth;

namespace OrleansRegistry.WebFrontend.SignIn;

/// <summary>The token response of RFC 6749 §5.1, and its error (§5.2).</summary>
public sealed record TokenResponse(string AccessToken, string TokenType, long ExpiresIn);

public sealed record OAuthError(string Error, string ErrorDescription);

/// <summary>
/// <c>terraform login</c> (the login.v1 service): the registry is the OAuth authorization server Terraform talks to
/// (authorization code with PKCE, client <c>terraform-cli</c>, a redirect to Terraform's own listener on localhost),
/// signs the person in through OIDC, and hands Terraform an expiring API key of theirs as the token.
/// </summary>
public static class TerraformLoginEndpoints
{
    public const string ClientId = "terraform-cli";
    public const int FirstPort = 10000;
    public const int LastPort = 10010;

    public static IEndpointRouteBuilder MapTerraformLogin(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<OidcSettings>() is null)
        {
            return app;
        }

        var oauth = app.MapGroup("/oauth").WithTags("Sign-in").ExcludeFromDescription();
        oauth.MapGet("/authorization", AuthorizeAsync)
            .AllowAnonymous("terraform login's authorization endpoint: the person signs in through the identity provider");
        oauth.MapPost("/token", TokenAsync).DisableAntiforgery()
            .AllowAnonymous("terraform login's token endpoint: the authorization code and its PKCE verifier are the credential");
        return app;
    }

    private static async Task AuthorizeAsync(HttpContext http, IGrainFactory grains)
    {
        var query = http.Request.Query;
        string redirectUri = query["redirect_uri"].ToString(), challenge = query["code_challenge"].ToString();
        if (query["client_id"] != ClientId || !IsTerraformRedirect(redirectUri))
        {
            await SignInFailures.WritePageAsync(http, StatusCodes.Status400BadRequest,
                $"This sign-in is for terraform login: client_id must be '{ClientId}' and redirect_uri http://localhost:{FirstPort}-{LastPort}/login.");
            return;
        }

        if (query["response_type"] != "code" || query["code_challenge_method"] != "S256" || challenge.Length is < 43 or > 128)
        {
            await SignInFailures.WritePageAsync(http, StatusCodes.Status400BadRequest, "terraform login must ask for response_type=code with an S256 code_challenge (PKCE).");
            return;
        }

        if (await SignInEndpoints.SessionUserAsync(http) is not { } user)
        {
            http.Response.Redirect("/auth/signin?return_url=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString));
            return;
        }

        var userId = user.FindFirstValue(OidcEvents.UserIdClaim)!;
        var memberships = await grains.GetGrain<ICatalogGrain>(0).ListMemberships(MemberKind.User, userId);
        if (ChooseOrganization(memberships, query["organization"].ToString()) is not { } organization)
        {
            await OrganizationChoice.WritePageAsync(http, memberships);
            return;
        }

        var code = Base64Url(RandomNumberGenerator.GetBytes(32));
        await grains.GetGrain<IAuthorizationCodeGrain>(code).Issue(new AuthorizationGrant(userId, user.FindFirstValue("name")!, organization, ClientId, redirectUri, challenge));
        http.Response.Redirect($"{redirectUri}?code={code}&state={Uri.EscapeDataString(query["state"].ToString())}");
    }

    private static async Task<Results<Ok<TokenResponse>, JsonHttpResult<OAuthError>>> TokenAsync(
        HttpContext http, IGrainFactory grains, OidcSettings settings, IOptions<RegistryOptions> options, TimeProvider clock)
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
        string Field(string name) => form?[name].ToString() ?? "";
        if (Field("grant_type") != "authorization_code" || Field("code").Length == 0 || Field("code_verifier").Length == 0)
        {
            return Error("invalid_request", "a form with grant_type=authorization_code, code, code_verifier, client_id and redirect_uri is expected");
        }

        var grant = await grains.GetGrain<IAuthorizationCodeGrain>(Field("code")).Redeem();
        if (grant is null || grant.ClientId != Field("client_id") || grant.RedirectUri != Field("redirect_uri")
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(grant.CodeChallenge), Encoding.ASCII.GetBytes(Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(Field("code_verifier")))))))
        {
            return Error("invalid_grant", "the code is unknown, used, expired, or was issued for another client, redirect URI or verifier: run terraform login again");
        }

        var owner = new KeyOwner(grant.Organization, MemberKind.User, grant.UserId);
        var rights = await grains.GetGrain<IOrganizationGrain>(grant.Organization).Rights(MemberKind.User, grant.UserId);
        if (rights is null)
        {
            return Error("invalid_grant", $"you are no longer a member of organization '{grant.Organization}'");
        }

        var now = clock.GetUtcNow();
        var token = ApiKeyToken.Generate();
        var create = new ApiKeyCreate($"terraform login {now.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC", token.SecretHash(), rights.Scopes, null,
            now + settings.TerraformTokenLifetime, new Actor(grant.UserId, grant.UserName), Owner: owner);
        var created = await ApiKeyOwnership.CreateAsync(grains, token, create);
        return created.Succeeded
            ? TypedResults.Ok(new TokenResponse(token.Format(options.Value.TokenPrefix), "bearer", (long)settings.TerraformTokenLifetime.TotalSeconds))
            : Error("server_error", created.Reason ?? "the key could not be created; run terraform login again");
    }

    private static string? ChooseOrganization(MembershipView[] memberships, string asked) =>
        asked.Length > 0 ? memberships.FirstOrDefault(m => m.Organization == asked)?.Organization
        : memberships.Length == 1 ? memberships[0].Organization
        : null;

    /// <summary>Terraform listens on localhost, on a port of the range the discovery document names, at /login.</summary>
    private static bool IsTerraformRedirect(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Scheme == Uri.UriSchemeHttp && parsed.IsLoopback
        && parsed.Port is >= FirstPort and <= LastPort && parsed.AbsolutePath == "/login" && parsed.Query.Length == 0;

    private static JsonHttpResult<OAuthError> Error(string error, string description) =>
        TypedResults.Json(new OAuthError(error, description), FrontendJson.Options, statusCode: StatusCodes.Status400BadRequest);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The page a member of several organizations picks the token's organization on (plain links, no script).</summary>
    private static class OrganizationChoice
    {
        public static async Task WritePageAsync(HttpContext http, MembershipView[] memberships)
        {
            if (memberships.Length == 0)
            {
                await SignInFailures.WritePageAsync(http, StatusCodes.Status403Forbidden,
                    "You are not a member of any organization, so a token would reach nothing: ask a user manager of your organization to add you.");
                return;
            }

            var links = string.Concat(memberships.Select(m =>
                $"<li><a href=\"{WebUtility.HtmlEncode(http.Request.Path + http.Request.QueryString.Add("organization", m.Organization).ToString())}\">{WebUtility.HtmlEncode(m.Organization)}</a> ({WebUtility.HtmlEncode(m.Role)})</li>"));
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync($"""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>terraform login</title></head>
                <body><h1>Which organization is this Terraform token for?</h1><ul>{links}</ul></body></html>
                """);
        }
    }
}
