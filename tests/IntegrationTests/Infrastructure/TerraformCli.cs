using System.Diagnostics;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

public sealed record TerraformResult(int ExitCode, string Output);

/// <summary>Runs the real <c>terraform</c> CLI against a registry: its own CLI config (credentials) and the test CA.</summary>
public static class TerraformCli
{
    public static Task<TerraformResult> RunAsync(string workDir, RegistryInstance registry, string? token, params string[] args) =>
        RunWithConfigAsync(workDir, registry, token, extraConfig: "", args);

    /// <param name="extraConfig">More CLI configuration, e.g. a provider_installation block.</param>
    public static Task<TerraformResult> RunWithConfigAsync(string workDir, RegistryInstance registry, string? token, string extraConfig, params string[] args) =>
        RunWithConfigAsync(workDir, registry.Host, registry.Certificates.CaPath, token, extraConfig, args);

    /// <param name="host">The registry's host:port, which the token is for.</param>
    /// <param name="caPath">The CA terraform trusts (SSL_CERT_FILE).</param>
    public static Task<TerraformResult> RunWithConfigAsync(string workDir, string host, string caPath, string? token, string extraConfig, params string[] args) =>
        RunInHomeAsync(workDir, host, caPath, token, extraConfig, home: null, args);

    /// <param name="home">HOME for terraform: where it keeps the credentials <c>terraform login</c> stored (.terraform.d).</param>
    public static async Task<TerraformResult> RunInHomeAsync(string workDir, string host, string caPath, string? token, string extraConfig, string? home, params string[] args)
    {
        // In a home of its own, the CLI config sits where a person's does (terraform then reads .terraform.d's credentials).
        var cliConfig = Path.Combine(home ?? workDir, ".terraformrc");
        var credentials = token is null ? "" : $"credentials \"{host}\" {{\n  token = \"{token}\"\n}}\n";
        await File.WriteAllTextAsync(cliConfig, credentials + extraConfig);
        var start = new ProcessStartInfo("terraform", args)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (home is null)
        {
            start.Environment["TF_CLI_CONFIG_FILE"] = cliConfig;
        }
        else
        {
            start.Environment.Remove("TF_CLI_CONFIG_FILE");
        }
        start.Environment["SSL_CERT_FILE"] = caPath;
        start.Environment["TF_IN_AUTOMATION"] = "1";
        start.Environment["CHECKPOINT_DISABLE"] = "1";
        start.Environment["TF_INPUT"] = "0";
        start.Environment.Remove("SSL_CERT_DIR");
        if (home is not null)
        {
            start.Environment["HOME"] = home;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("terraform is not on the PATH");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new TerraformResult(process.ExitCode, await stdout + await stderr);
    }

    public static string NewWorkDir(string mainTf)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"registry-tf-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "main.tf"), mainTf);
        return dir;
    }
}
