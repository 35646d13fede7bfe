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
}
