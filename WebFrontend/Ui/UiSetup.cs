using OrleansRegistry.WebFrontend.Auth;
using Scalar.AspNetCore;
using OrleansRegistry.WebFrontend.Ui.Session;

namespace OrleansRegistry.WebFrontend.Ui;

/// <summary>
/// The web UI: Razor components rendered on the server (static SSR) under <c>/ui</c>, with plain forms and enhanced
/// navigation, served by every frontend from the shared session cookie, so no sticky sessions are needed.
/// </summary>
public static class UiSetup
{
    /// <summary>WebFrontend's static web assets (its stylesheet, script and Blazor's <c>blazor.web.js</c>).</summary>
    private static readonly string EndpointsManifest = Path.Combine(AppContext.BaseDirectory, "OrleansRegistry.WebFrontend.staticwebassets.endpoints.json");

    public static WebApplicationBuilder AddRegistryUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        builder.Services.AddSingleton<UiSessions>();
        // A build output (scripts/run.sh, tests) finds the assets through the build's runtime manifest, which points at
        // the sources and the NuGet cache; a published image has them in wwwroot, read without it.
        var runtimeManifest = Path.Combine(AppContext.BaseDirectory, "OrleansRegistry.WebFrontend.staticwebassets.runtime.json");
        if (File.Exists(runtimeManifest))
        {
            builder.WebHost.UseSetting(WebHostDefaults.StaticWebAssetsKey, runtimeManifest);
            builder.WebHost.UseStaticWebAssets();
        }

        return builder;
    }

    public static WebApplication MapRegistryUi(this WebApplication app)
    {
        app.UseMiddleware<UiAccessMiddleware>();
        app.UseAntiforgery();
        app.MapGet("/", () => TypedResults.Redirect("/ui")).ExcludeFromDescription()
            .AllowAnonymous("sends a browser to the web UI, which asks it to sign in");
        app.MapStaticAssets(EndpointsManifest)
            .AllowAnonymous("the web UI's stylesheet and scripts: the same for everyone, no registry data");
        app.MapRazorComponents<App>().RequireSession();
        // The admin API's reference, from the same OpenAPI document; Scalar's script is served from its assembly and the
        // fonts are the system's, so the page loads nothing from outside (registries run without internet).
        app.MapScalarApiReference("/api/v1/reference", scalar => scalar
                .WithTitle("OrleansRegistry API")
                .WithOpenApiRoutePattern("/api/v1/openapi.json")
                .DisableDefaultFonts())
            .AllowAnonymous("the API's reference page: the same description as /api/v1/openapi.json, no registry data");
        return app;
    }
}
