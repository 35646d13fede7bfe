namespace OrleansRegistry.WebFrontend.Terraform;

public static class DiscoveryEndpoints
{
    private static readonly byte[] Document = """{"modules.v1":"/v1/modules/","providers.v1":"/v1/providers/"}"""u8.ToArray();

    /// <summary>Terraform's service discovery. It names endpoints only, so it is open like the public registry's.</summary>
    public static IEndpointRouteBuilder MapTerraformDiscovery(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/terraform.json", () => TypedResults.Bytes(Document, "application/json")).WithTags("Terraform");
        return app;
    }
}
