namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>The checkout the tests run from (the folder holding OrleansRegistry.sln): its scripts, chart and Dockerfile.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "OrleansRegistry.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no OrleansRegistry.sln above {AppContext.BaseDirectory}");
    }
}
