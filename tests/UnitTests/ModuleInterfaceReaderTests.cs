using OrleansRegistry.Terraform;
using OrleansRegistry.Terraform.Interface;

namespace OrleansRegistry.UnitTests;

/// <summary>The interface read from real public modules' root files (TestData/TerraformModules, see its README).</summary>
public class ModuleInterfaceReaderTests
{
    private static ModuleInterface Read(string module)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "TestData", "TerraformModules", module);
        var files = Directory.GetFiles(dir, "*.tf").Select(path => KeyValuePair.Create(Path.GetFileName(path), File.ReadAllBytes(path)));
        return ModuleInterfaceReader.Read(files);
    }

    private static ModuleInput Input(ModuleInterface read, string name) => Assert.Single(read.Inputs, i => i.Name == name);

    [Fact]
    public void Aws_vpc_every_declaration_is_read_without_warnings()
    {
        var vpc = Read("terraform-aws-vpc");

        Assert.Empty(vpc.Warnings);
        Assert.Equal(236, vpc.Inputs.Length);
        Assert.Equal(119, vpc.Outputs.Length);
        Assert.Equal(79, vpc.Resources.Count(r => r.Mode == "managed"));
        Assert.Equal(5, vpc.Resources.Count(r => r.Mode == "data"));
        Assert.Empty(vpc.ModuleCalls);
        Assert.Equal(">= 1.0", vpc.RequiredVersion);
        Assert.Equal([new ModuleProviderRequirement("aws", "hashicorp/aws", ">= 6.28")], vpc.ProviderRequirements);

        // Files are read in name order, so main.tf's resources come first; the first is the VPC itself.
        Assert.Equal(new ModuleResource("aws_vpc", "this", "managed"), vpc.Resources[0]);
        Assert.Contains(new ModuleResource("aws_iam_policy_document", "flow_log_cloudwatch_assume_role", "data"), vpc.Resources);

        Assert.Equal(new ModuleInput("create_vpc", "bool", "true", "Controls if VPC should be created (it affects almost all resources)", false, false, true), Input(vpc, "create_vpc"));
        Assert.Equal(new ModuleInput("region", "string", "null", "Region where the resource(s) will be managed. Defaults to the region set in the provider configuration", false, false, true), Input(vpc, "region"));
        var cidr = Input(vpc, "cidr");
        Assert.Equal(("string", "\"10.0.0.0/16\""), (cidr.Type, cidr.Default));
        Assert.Contains("`ipv4_netmask_length` & `ipv4_ipam_pool_id`", cidr.Description, StringComparison.Ordinal);
        Assert.Equal(("map(string)", "{}"), (Input(vpc, "tags").Type, Input(vpc, "tags").Default));
        Assert.Equal(("list(string)", "[]"), (Input(vpc, "azs").Type, Input(vpc, "azs").Default));

        Assert.Equal(new ModuleOutput("vpc_id", "The ID of the VPC", false), Assert.Single(vpc.Outputs, o => o.Name == "vpc_id"));
    }

    [Fact]
    public void Aws_s3_bucket_a_comment_after_a_type_is_not_part_of_it()
    {
        var s3 = Read("terraform-aws-s3-bucket");

        Assert.Empty(s3.Warnings);
        Assert.Equal((72, 15, 21, 17), (s3.Inputs.Length, s3.Outputs.Length, s3.Resources.Count(r => r.Mode == "managed"), s3.Resources.Count(r => r.Mode == "data")));
        Assert.Equal(">= 1.5.7", s3.RequiredVersion);
        Assert.Equal([new ModuleProviderRequirement("aws", "hashicorp/aws", ">= 6.42")], s3.ProviderRequirements);

        // type = any # map(string)
        var website = Input(s3, "website");
        Assert.Equal(("any", "{}", false), (website.Type, website.Default, website.Required));
        Assert.Contains(new ModuleResource("aws_s3_bucket", "this", "managed"), s3.Resources);
        Assert.Contains(new ModuleResource("aws_iam_policy_document", "combined", "data"), s3.Resources);
    }

    [Fact]
    public void Azure_aks_heredoc_descriptions_nested_optional_types_validations_and_sensitive_outputs()
    {
        var aks = Read("terraform-azurerm-aks");

        Assert.Empty(aks.Warnings);
        Assert.Equal((176, 45, 14, 1), (aks.Inputs.Length, aks.Outputs.Length, aks.Resources.Count(r => r.Mode == "managed"), aks.Resources.Count(r => r.Mode == "data")));
        Assert.Equal(">= 1.9", aks.RequiredVersion);
        Assert.Equal(
            [
                new("azapi", "Azure/azapi", ">=2.0, < 3.0"), new("azurerm", "hashicorp/azurerm", ">= 4.48.0, < 5.0"), new("null", "hashicorp/null", ">= 3.0"),
                new("time", "hashicorp/time", ">= 0.5"), new ModuleProviderRequirement("tls", "hashicorp/tls", ">= 3.1"),
            ],
            aks.ProviderRequirements);

        Assert.Equal(new ModuleInput("location", "string", null, "Location of cluster, if not defined it will be read from the resource-group", true, false, true), Input(aks, "location"));

        var kubelet = Input(aks, "agents_pool_kubelet_configs");
        Assert.StartsWith("list(object({\n  cpu_manager_policy        = optional(string)\n  cpu_cfs_quota_enabled     = optional(bool, true)\n", kubelet.Type, StringComparison.Ordinal);
        Assert.EndsWith("  pod_max_pid               = optional(number)\n}))", kubelet.Type, StringComparison.Ordinal);
        Assert.Equal(("[]", false, false), (kubelet.Default, kubelet.Required, kubelet.Nullable));

        // <<-EOT: the last text line '  }))' is indented least (2 spaces), so 2 are removed from every line.
        Assert.StartsWith("  list(object({\n    cpu_manager_policy        = (Optional) Specifies the CPU Manager policy to use.", kubelet.Description, StringComparison.Ordinal);
        Assert.EndsWith("    pod_max_pid               = (Optional) Specifies the maximum number of processes per pod. Changing this forces a new resource to be created.\n}))\n", kubelet.Description, StringComparison.Ordinal);

        // A validation block whose message holds escaped quotes and backticks.
        var undrainable = Input(aks, "agents_pool_undrainable_node_behavior");
        Assert.Equal(("string", "null"), (undrainable.Type, undrainable.Default));

        Assert.Equal(new ModuleOutput("admin_client_key", "The `client_key` in the `azurerm_kubernetes_cluster`'s `kube_admin_config` block. Base64 encoded private key used by clients to authenticate to the Kubernetes cluster.", true),
            Assert.Single(aks.Outputs, o => o.Name == "admin_client_key"));
        Assert.False(Assert.Single(aks.Outputs, o => o.Name == "aci_connector_linux").Sensitive);
        Assert.Contains(new ModuleResource("azurerm_kubernetes_cluster", "main", "managed"), aks.Resources);
    }

    [Fact]
    public void Google_network_module_calls_block_comments_and_deeply_nested_types()
    {
        var network = Read("terraform-google-network");

        Assert.Empty(network.Warnings);
        Assert.Equal((23, 16), (network.Inputs.Length, network.Outputs.Length));
        Assert.Equal(
            [
                new("vpc", "./modules/vpc", null), new("subnets", "./modules/subnets", null), new("routes", "./modules/routes", null),
                new("firewall_rules", "./modules/firewall-rules", null), new ModuleCall("private_service_access", "./modules/private-service-access", null),
            ],
            network.ModuleCalls);
        Assert.Equal([new("google", "hashicorp/google", ">= 4.64, < 8"), new ModuleProviderRequirement("google-beta", "hashicorp/google-beta", ">= 4.64, < 8")], network.ProviderRequirements);
        Assert.Equal(">= 1.3", network.RequiredVersion);

        var project = Input(network, "project_id");
        Assert.Equal(("string", null, true), (project.Type, project.Default, project.Required));

        var ingress = Input(network, "ingress_rules");
        Assert.Equal("[]", ingress.Default);
        Assert.StartsWith("list(object({\n  name                    = string\n  description             = optional(string, null)\n", ingress.Type, StringComparison.Ordinal);
        Assert.EndsWith("  })), [])\n  log_config = optional(object({\n    metadata = string\n  }))\n}))", ingress.Type, StringComparison.Ordinal);
    }
}
