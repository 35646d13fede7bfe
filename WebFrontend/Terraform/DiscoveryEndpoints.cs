using OrleansRegistry.WebFrontend.Auth;

namespace OrleansRegistry.WebFrontend.Terraform;

public static class DiscoveryEndpoints
{
    private static readonly byte[] Document = """{"modules.v1":"/v1/modules/","providers.v1":"/v1/providers/"}"""u8.ToArray();

    /// <summary>With OIDC sign-in, <c>terraform login</c> is offered too (see SignIn/TerraformLoginEndpoints).</summary>
    private static readonly byte[] DocumentWithLogin = System.Text.Encoding.UTF8.GetBytes(
        $$$"""{"modules.v1":"/v1/modules/","providers.v1":"/v1/providers/","login.v1":{"client":"{{{SignIn.TerraformLoginEndpoints.ClientId}}}","grant_types":["authz_code"],"authz":"/oauth/authorization","token":"/oauth/token","ports":[{{{SignIn.TerraformLoginEndpoints.FirstPort}}},{{{SignIn.TerraformLoginEndpoints.LastPort}}}]}}""");

    /// <summary>Terraform's service discovery. It names endpoints only, so it is open like the public registry's.</summary>
    public static IEndpointRouteBuilder MapTerraformDiscovery(this IEndpointRouteBuilder app)
    {
        var document = app.ServiceProvider.GetService<SignIn.OidcSettings>() is null ? Document : DocumentWithLogin;
        app.MapGet("/.well-known/terraform.json", () => TypedResults.Bytes(document, "application/json")).WithTags("Terraform")
            .AllowAnonymous("service discovery: Terraform reads it before it presents any credentials");
        return app;
    }
}
