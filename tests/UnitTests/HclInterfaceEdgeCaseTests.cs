using System.Text;
using OrleansRegistry.Terraform;
using OrleansRegistry.Terraform.Interface;

namespace OrleansRegistry.UnitTests;

/// <summary>The HCL and JSON readers on the syntax that trips naive readers: braces in comments and strings, heredocs, broken files.</summary>
public class HclInterfaceEdgeCaseTests
{
    private static ModuleInterface Read(params (string Name, string Content)[] files) =>
        ModuleInterfaceReader.Read(files.Select(f => KeyValuePair.Create(f.Name, Encoding.UTF8.GetBytes(f.Content))));

    private static ModuleInput Input(ModuleInterface read, string name) => Assert.Single(read.Inputs, i => i.Name == name);

    [Fact]
    public void Braces_inside_comments_do_not_open_or_close_blocks()
    {
        var read = Read(("main.tf", """
            # a comment with { an open brace
            // and } a close one
            /* a block comment { with "quotes
               and } braces */
            variable "a" {
              type = string # } trailing
              /* } */ default = "x" // {
            }
            output "b" {
              value = 1
            }
            """));

        Assert.Empty(read.Warnings);
        Assert.Equal(new ModuleInput("a", "string", "\"x\"", null, false, false, true), Assert.Single(read.Inputs));
        Assert.Equal("b", Assert.Single(read.Outputs).Name);
    }

    [Fact]
    public void Braces_and_quotes_inside_strings_and_interpolations_stay_in_the_string()
    {
        var read = Read(("variables.tf", """
            variable "b" {
              description = "braces { and }, an escaped \"quote\", ${jsonencode({ a = "}" })} and %{ if true }a directive%{ endif }, $${not} \u00e9"
              default     = "{"
            }
            output "c" { value = "${var.b}}" }
            """));

        Assert.Empty(read.Warnings);
        var b = Input(read, "b");
        Assert.Equal("braces { and }, an escaped \"quote\", ${jsonencode({ a = \"}\" })} and %{ if true }a directive%{ endif }, ${not} é", b.Description);
        Assert.Equal("\"{\"", b.Default);
        Assert.Equal("c", Assert.Single(read.Outputs).Name);
    }

    [Fact]
    public void Heredocs_object_types_and_multi_line_defaults_keep_their_text()
    {
        var read = Read(("variables.tf", "variable \"d\" {\n  description = <<EOT\nLine one {\n  Line two }\nEOT\n  type = object({\n    a = string,\n    b = optional(number, 1)\n  })\n  default = {\n    a = \"x\" # why\n  }\n}\n"
            + "variable \"e\" {\r\n  description = <<-EOT\r\n    Indented {\r\n      more\r\n    EOT\r\n  type = map(object({ a = string, b = optional(number, 1) }))\r\n}\r\n"));

        Assert.Empty(read.Warnings);
        var d = Input(read, "d");
        Assert.Equal("Line one {\n  Line two }\n", d.Description);
        Assert.Equal("object({\n  a = string,\n  b = optional(number, 1)\n})", d.Type);
        Assert.Equal("{\n  a = \"x\" # why\n}", d.Default);
        var e = Input(read, "e");
        Assert.Equal("Indented {\n  more\n", e.Description);
        Assert.Equal(("map(object({ a = string, b = optional(number, 1) }))", null, true), (e.Type, e.Default, e.Required));
    }

    [Fact]
    public void Validation_lifecycle_and_dynamic_blocks_and_for_expressions_are_read_past()
    {
        var read = Read(("main.tf", """
            variable "e" {
              type    = list(string)
              default = [for s in ["a", "b"] : upper(s) if s != "}"]
              validation {
                condition = alltrue([
                  for v in var.e : length(v) > 0
                ]) && (
                  var.e == null ? true : false
                )
                error_message = "Each value must be non-empty: {}."
              }
              sensitive = true
              nullable  = false
            }
            resource "null_resource" "f" {
              dynamic "triggers" {
                for_each = var.e
                content {
                  x = triggers.value
                }
              }
              lifecycle { ignore_changes = all }
            }
            data "aws_region" "current" {}
            ephemeral "random_password" "p" { length = 16 }
            module "net" {
              source  = "acme/net/aws"
              version = "~> 1.2"
              tags    = { for k, v in var.tags : k => v }
            }
            """));

        Assert.Empty(read.Warnings);
        Assert.Equal(new ModuleInput("e", "list(string)", "[for s in [\"a\", \"b\"] : upper(s) if s != \"}\"]", null, false, true, false), Assert.Single(read.Inputs));
        Assert.Equal([new("null_resource", "f", "managed"), new("aws_region", "current", "data"), new ModuleResource("random_password", "p", "ephemeral")], read.Resources);
        Assert.Equal(new ModuleCall("net", "acme/net/aws", "~> 1.2"), Assert.Single(read.ModuleCalls));
    }

    [Fact]
    public void Legacy_provider_versions_and_several_terraform_blocks_are_combined()
    {
        var read = Read(
            ("versions.tf", "terraform {\n  required_version = \">= 0.12\"\n  required_providers {\n    aws = \"~> 3.0\"\n    random = {\n      source = \"hashicorp/random\"\n      configuration_aliases = [random.other]\n    }\n  }\n}\n"),
            ("z.tf", "terraform { required_version = \"< 2.0\" }\n"));

        Assert.Equal(">= 0.12, < 2.0", read.RequiredVersion);
        Assert.Equal([new("aws", null, "~> 3.0"), new ModuleProviderRequirement("random", "hashicorp/random", null)], read.ProviderRequirements);
    }

    [Fact]
    public void A_broken_file_yields_what_was_read_and_warnings_naming_file_and_line()
    {
        var read = Read(("broken.tf", """
            variable "ok" { type = string }
            variable "broken" {
              type = map(string
            }
            variable "after" {
              description = "unterminated
            }
            !!! not hcl
            output "last" {
            """));

        Assert.Equal(["ok", "broken", "after"], read.Inputs.Select(i => i.Name));
        Assert.Equal("last", Assert.Single(read.Outputs).Name);
        Assert.Contains(read.Warnings, w => w.StartsWith("broken.tf:4:", StringComparison.Ordinal) && w.Contains("does not match", StringComparison.Ordinal));
        Assert.Contains(read.Warnings, w => w.StartsWith("broken.tf:6:", StringComparison.Ordinal) && w.Contains("not closed", StringComparison.Ordinal));
        Assert.Contains(read.Warnings, w => w.StartsWith("broken.tf:8:", StringComparison.Ordinal));
        Assert.Contains(read.Warnings, w => w.Contains("end of the file", StringComparison.Ordinal));
    }

    [Fact]
    public void Duplicates_keep_the_first_and_override_files_are_not_read()
    {
        var read = Read(
            ("a.tf", "variable \"x\" { default = 1 }\nvariable \"x\" { default = 2 }\n"),
            ("override.tf", "variable \"y\" {}\n"),
            ("b_override.tf", "variable \"z\" {}\n"));

        Assert.Equal("1", Input(read, "x").Default);
        Assert.Single(read.Inputs);
        Assert.Contains("a.tf:2: variable x is declared more than once; the first is shown", read.Warnings);
    }

    [Fact]
    public void Json_files_declare_the_same_things()
    {
        var read = Read(("main.tf.json", """
            {
              "//": "a comment",
              "variable": { "region": { "type": "string", "default": "eu-west-1", "description": "Where" }, "count": [{ "type": "number", "sensitive": true }] },
              "output": { "id": { "value": "${aws_s3_bucket.b.id}", "description": "The id", "sensitive": true } },
              "terraform": [{ "required_version": ">= 1.5", "required_providers": { "aws": { "source": "hashicorp/aws", "version": "~> 5.0" }, "legacy": "~> 1.0" } }],
              "resource": { "aws_s3_bucket": { "b": {}, "//": "not a resource" } },
              "data": { "aws_region": { "current": [{}] } },
              "module": { "net": { "source": "acme/net/aws", "version": "1.2.0" } }
            }
            """), ("bad.tf.json", "{ \"variable\": "));

        Assert.Equal([new("region", "string", "\"eu-west-1\"", "Where", false, false, true), new ModuleInput("count", "number", null, null, true, true, true)], read.Inputs);
        Assert.Equal(new ModuleOutput("id", "The id", true), Assert.Single(read.Outputs));
        Assert.Equal(">= 1.5", read.RequiredVersion);
        Assert.Equal([new("aws", "hashicorp/aws", "~> 5.0"), new ModuleProviderRequirement("legacy", null, "~> 1.0")], read.ProviderRequirements);
        Assert.Equal([new("aws_s3_bucket", "b", "managed"), new ModuleResource("aws_region", "current", "data")], read.Resources);
        Assert.Equal(new ModuleCall("net", "acme/net/aws", "1.2.0"), Assert.Single(read.ModuleCalls));
        Assert.StartsWith("bad.tf.json: not valid JSON", Assert.Single(read.Warnings), StringComparison.Ordinal);
    }

    public static TheoryData<string> Hostile => new()
    {
        string.Concat(Enumerable.Repeat("a = \"${", 5000)),
        string.Concat(Enumerable.Repeat("a {\n", 100_000)),
        string.Concat(Enumerable.Repeat("x = [(\n", 50_000)),
        "variable \"v\" {\n  description = <<EOT\nnever closed\n",
        "/* never closed",
        "variable \"v\" { type = \"\\u12\" }\n}}}]]])))",
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_input_yields_warnings_and_never_an_exception(string content)
    {
        var read = Read(("main.tf", content));

        Assert.NotEmpty(read.Warnings);
        Assert.True(read.Warnings.Length <= 101);
        Assert.DoesNotContain(read.Warnings, w => w.Contains("not read (", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Random_bytes_never_make_the_reader_itself_fail(int seed)
    {
        var random = new Random(seed);
        var alphabet = "{}[]()\"'$%#/*<-=:,\\\n aEOT\r.?";
        var text = new string([.. Enumerable.Range(0, 20_000).Select(_ => alphabet[random.Next(alphabet.Length)])]);

        var read = Read(("main.tf", text), ("main.tf.json", text));

        Assert.DoesNotContain(read.Warnings, w => w.Contains("not read (", StringComparison.Ordinal));
    }
}
