namespace OrleansRegistry;

public static class RegistryStorage
{
    /// <summary>The grain storage provider every persistent grain uses.</summary>
    public const string Name = "registry";
}
