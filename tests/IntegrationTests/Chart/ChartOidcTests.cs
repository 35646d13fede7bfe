using Microsoft.Extensions.Configuration;
using OrleansRegistry.IntegrationTests.Infrastructure;
using OrleansRegistry.WebFrontend.SignIn;
using YamlDotNet.RepresentationModel;

namespace OrleansRegistry.IntegrationTests.Chart;

/// <summary>
/// The chart's oidc.* values: what the pods get, read back by the registry's own settings parser, and the partial
/// setups the processes would refuse at start refused already by `helm template`.
/// </summary>
public sealed class ChartOidcTests
{
    private const string Prefix = "registry-orleans-registry";
    private const string Minimal = "minimal-values.yaml";
    private const string Issuer = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0";

    private static readonly RenderedChart Entra = new(HelmCli.Template([HelmCli.ValuesFile("oidc-entra-values.yaml")]));

    private static Dictionary<string, string> Environment(RenderedChart chart, string role) =>
        chart.Environment(RenderedChart.Container(chart.Get("Deployment", $"{Prefix}-{role}"), role), "10.1.2.3");

    /// <summary>The settings the process would read from this environment (REGISTRY_OIDC_X_Y → Registry:Oidc:XY, as RegistryEnvironment maps them).</summary>
    private static OidcSettings? ReadByTheRegistry(Dictionary<string, string> environment) =>
        OidcSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(environment
            .Where(e => e.Key.StartsWith("REGISTRY_OIDC_", StringComparison.Ordinal))
            .Select(e => KeyValuePair.Create($"{OidcSettings.Section}:{e.Key["REGISTRY_OIDC_".Length..].Replace("_", "", StringComparison.Ordinal)}", (string?)e.Value))).Build());

    [Theory]
    [InlineData("silo")]
    [InlineData("frontend")]
    public void Both_roles_get_the_settings_and_the_client_secret_the_registry_reads_back(string role)
    {
        var environment = Environment(Entra, role);
        var settings = ReadByTheRegistry(environment);
        Assert.NotNull(settings);
        Assert.Equal(Issuer, settings.IssuerText);
        Assert.Equal("3f2d9c41-5b8e-4f0a-9d21-6c7e8a1b2c3d", settings.ClientId);
        Assert.Equal("change-me-entra-client-secret", settings.ClientSecret);
        Assert.Equal(new Uri("https://registry.acme.example/auth/callback"), settings.RedirectUrl);
        Assert.Equal("groups", settings.GroupsClaim);
        Assert.Equal(
            [new GroupRole("0b6e5a8c-1d2f-4e3a-9b7c-8d9e0f1a2b3c", "acme", "devops"), new GroupRole("5c4d3e2f-1a0b-4c9d-8e7f-6a5b4c3d2e1f", "acme", "auditor")],
            settings.GroupRoles);
        Assert.Equal(TimeSpan.FromHours(8), settings.SessionLifetime);
        Assert.Equal(TimeSpan.FromDays(7), settings.TerraformTokenLifetime);
    }

    [Fact]
    public void The_client_secret_is_in_the_secret_not_the_config_map_and_group_roles_render_as_one_list()
    {
        var config = Entra.ConfigMapData(Prefix);
        Assert.Equal("0b6e5a8c-1d2f-4e3a-9b7c-8d9e0f1a2b3c=acme:devops;5c4d3e2f-1a0b-4c9d-8e7f-6a5b4c3d2e1f=acme:auditor", config["REGISTRY_OIDC_GROUP_ROLES"]);
        Assert.Equal(Issuer, config["REGISTRY_OIDC_ISSUER_URL"]);
        Assert.DoesNotContain("REGISTRY_OIDC_CLIENT_SECRET", config.Keys);
        Assert.DoesNotContain(config.Values, v => v.Contains("change-me-entra-client-secret", StringComparison.Ordinal));
        Assert.Equal("change-me-entra-client-secret", Entra.SecretData($"{Prefix}-settings")["oidc-client-secret"]);
        var reference = RenderedChart.Container(Entra.Get("Deployment", $"{Prefix}-frontend"), "frontend").Seq("env").OfType<YamlMappingNode>()
            .Single(e => e.Text("name") == "REGISTRY_OIDC_CLIENT_SECRET").Map("valueFrom").Map("secretKeyRef");
        Assert.Equal(("registry-orleans-registry-settings", "oidc-client-secret"), (reference.Text("name"), reference.Text("key")));
    }

    [Fact]
    public void Without_oidc_values_sign_in_stays_off()
    {
        var chart = new RenderedChart(HelmCli.Template([HelmCli.ValuesFile(Minimal)]));
        foreach (var role in new[] { "silo", "frontend" })
        {
            Assert.DoesNotContain(Environment(chart, role).Keys, name => name.StartsWith("REGISTRY_OIDC_", StringComparison.Ordinal));
        }

        Assert.DoesNotContain("oidc-client-secret", chart.SecretData($"{Prefix}-settings").Keys);
    }

    [Fact]
    public void A_public_client_gets_no_secret()
    {
        var chart = new RenderedChart(HelmCli.Template([HelmCli.ValuesFile("oidc-entra-values.yaml")], "oidc.clientSecret="));
        var settings = ReadByTheRegistry(Environment(chart, "frontend"));
        Assert.NotNull(settings);
        Assert.Null(settings.ClientSecret);
        Assert.DoesNotContain("oidc-client-secret", chart.SecretData($"{Prefix}-settings").Keys);
    }

    [Theory]
    [InlineData("registry.publicUrl=https://registry.example.com/", "https://registry.example.com/auth/callback")]
    [InlineData("ingress.enabled=true,ingress.hosts={first.example.com,second.example.com}", "https://first.example.com/auth/callback")]
    [InlineData("registry.publicUrl=https://registry.example.com,oidc.redirectUrl=https://sso.example.com/registry/callback", "https://sso.example.com/registry/callback")]
    public void The_redirect_url_is_derived_from_the_registrys_address_unless_given(string sets, string redirect)
    {
        var chart = new RenderedChart(HelmCli.Template([HelmCli.ValuesFile(Minimal)], $"oidc.issuerUrl={Issuer},oidc.clientId=registry", sets));
        Assert.Equal(new Uri(redirect), ReadByTheRegistry(Environment(chart, "frontend"))!.RedirectUrl);
    }

    [Fact]
    public void With_an_existing_secret_the_pods_read_the_client_secret_from_it()
    {
        var chart = new RenderedChart(HelmCli.Template([HelmCli.ValuesFile("external-postgres-values.yaml")],
            $"oidc.issuerUrl={Issuer},oidc.clientId=registry,oidc.redirectUrl=https://registry.example.com/auth/callback"));
        Assert.Empty(chart.OfKind("Secret"));
        foreach (var role in new[] { "silo", "frontend" })
        {
            var reference = RenderedChart.Container(chart.Get("Deployment", $"{Prefix}-{role}"), role).Seq("env").OfType<YamlMappingNode>()
                .Single(e => e.Text("name") == "REGISTRY_OIDC_CLIENT_SECRET").Map("valueFrom").Map("secretKeyRef");
            Assert.Equal(("orleans-registry-settings", "oidc-client-secret"), (reference.Text("name"), reference.Text("key")));
        }
    }

    [Fact]
    public void Changing_the_client_secret_rolls_the_pods()
    {
        static string Checksum(string secret) =>
            new RenderedChart(HelmCli.Template([HelmCli.ValuesFile("oidc-entra-values.yaml")], $"oidc.clientSecret={secret}"))
                .Get("Deployment", $"{Prefix}-frontend").Map("spec").Map("template").Map("metadata").Map("annotations").Text("checksum/secret-values");

        Assert.NotEqual(Checksum("first-secret"), Checksum("second-secret"));
    }

    [Theory]
    [InlineData("oidc.issuerUrl=" + Issuer, "oidc.clientId is required")]
    [InlineData("oidc.clientId=registry,registry.publicUrl=https://registry.example.com", "oidc.issuerUrl is required")]
    [InlineData("oidc.clientSecret=s3cret", "oidc.issuerUrl is required")]
    [InlineData("oidc.groupRoles[0].group=platform,oidc.groupRoles[0].organization=acme,oidc.groupRoles[0].role=devops", "oidc.issuerUrl is required")]
    [InlineData("oidc.issuerUrl=" + Issuer + ",oidc.clientId=registry", "oidc.redirectUrl is required")]
    [InlineData("oidc.issuerUrl=" + Issuer + ",oidc.clientId=registry,registry.publicUrl=http://registry.example.com", "oidc.redirectUrl must be an https URL")]
    [InlineData("oidc.issuerUrl=" + Issuer + ",oidc.clientId=registry,oidc.redirectUrl=https://r.example.com/cb,oidc.clientSecret=s,existingSecret=mine", "oidc.clientSecret is not used with existingSecret")]
    public void A_partial_setup_fails_to_render_naming_the_value(string sets, string complaint)
    {
        var (code, _, error) = HelmCli.Run("template", "registry", HelmCli.ChartDirectory, "-f", HelmCli.ValuesFile(Minimal), "--set", sets);
        Assert.NotEqual(0, code);
        Assert.Contains(complaint, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("oidc.issuerUrl=http://login.example.com", "/oidc/issuerUrl")]
    [InlineData("oidc.redirectUrl=/auth/callback", "/oidc/redirectUrl")]
    [InlineData("oidc.sessionLifetime=24:00:00", "/oidc/sessionLifetime")]
    [InlineData("oidc.terraformTokenLifetime=30d", "/oidc/terraformTokenLifetime")]
    [InlineData("oidc.groupRoles[0].group=platform,oidc.groupRoles[0].organization=Acme Corp,oidc.groupRoles[0].role=devops", "/oidc/groupRoles/0/organization")]
    [InlineData("oidc.groupRoles[0].group=a;b,oidc.groupRoles[0].organization=acme,oidc.groupRoles[0].role=devops", "/oidc/groupRoles/0/group")]
    [InlineData("oidc.groupRoles[0].group=platform,oidc.groupRoles[0].organization=acme", "/oidc/groupRoles/0")]
    [InlineData("oidc.clientSecretRef=x", "additional properties 'clientSecretRef'")]
    public void The_schema_rejects_values_the_registry_would_refuse(string sets, string complaint)
    {
        var (code, _, error) = HelmCli.Run("template", "registry", HelmCli.ChartDirectory, "-f", HelmCli.ValuesFile(Minimal), "--set", sets);
        Assert.NotEqual(0, code);
        Assert.Contains(complaint, error, StringComparison.Ordinal);
    }
}
