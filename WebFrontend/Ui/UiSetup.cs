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

    private static bool IsUiPath(HttpContext http) => http.Request.Path.StartsWithSegments("/ui") || http.Request.Path.StartsWithSegments("/_framework");

    public static WebApplication MapRegistryUi(this WebApplication app)
    {
        // Only the UI's own paths pass through its middleware, so the protocol paths pay one path check for it. The
        // stylesheet, copy script and Blazor's blazor.web.js are files, the same for everyone. (Not MapStaticAssets: from a
        // build output it also maps a catch-all fallback for files added after the build, answering paths no endpoint serves.)
        app.UseWhen(IsUiPath, ui => ui
            .UseStaticFiles(new StaticFileOptions
            {
                // Revalidated (ETag) on each use: the names carry no version, and an upgrade changes the files.
                OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
            })
            .UseMiddleware<UiAccessMiddleware>()
            .UseAntiforgery());
        app.MapGet("/", () => TypedResults.Redirect("/ui")).ExcludeFromDescription()
            .AllowAnonymous("sends a browser to the web UI, which asks it to sign in");
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
