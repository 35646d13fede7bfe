namespace OrleansRegistry.WebFrontend.Ui.Shared;

/// <summary>Names that go into Terraform configuration the UI shows.</summary>
public static class TerraformNames
{
    /// <summary>A block label Terraform accepts (letters, digits, '_' and '-', starting with a letter or '_').</summary>
    public static string Identifier(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray();
        var identifier = new string(chars);
        return identifier.Length == 0 || !(char.IsAsciiLetter(identifier[0]) || identifier[0] == '_') ? $"_{identifier}" : identifier;
    }

    /// <summary>
    /// The environment variable Terraform reads a host's token from: dots as underscores, hyphens as double
    /// underscores (<c>tf-registry.corp</c> is <c>TF_TOKEN_tf__registry_corp</c>).
    /// </summary>
    public static string TokenVariable(string host) => $"TF_TOKEN_{host.Replace("-", "__", StringComparison.Ordinal).Replace('.', '_')}";
}
