using Orleans.Configuration;
using OrleansRegistry.ApiKeys;

namespace OrleansRegistry.Silo.Commands;

/// <summary><c>apikey create --name N --scopes a,b [--namespaces x,y] [--expires-at ISO-8601]</c>: prints a new key.</summary>
public static class ApiKeyCommands
{
    public static async Task<int> CreateAsync(string[] args, IConfiguration configuration, string connectionString)
    {
        var options = ParseOptions(args);
        if (!options.TryGetValue("name", out var name) || !options.TryGetValue("scopes", out var scopeList))
        {
            Console.Error.WriteLine("usage: Silo apikey create --name NAME --scopes s1,s2 [--namespaces n1,n2] [--expires-at 2027-01-01T00:00:00Z]");
            return 2;
        }

        var scopes = scopeList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (scopes.FirstOrDefault(s => !Scopes.IsKnown(s)) is { } unknown)
        {
            Console.Error.WriteLine($"error: unknown scope '{unknown}'; known scopes: {string.Join(", ", Scopes.All)}");
            return 2;
        }

        var namespaces = options.TryGetValue("namespaces", out var nsList)
            ? nsList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => n.ToLowerInvariant()).ToArray()
            : null;
        if (namespaces?.FirstOrDefault(n => !Names.IsValidSegment(n)) is { } badNamespace)
        {
            Console.Error.WriteLine($"error: '{badNamespace}' is not a valid namespace name");
            return 2;
        }

        DateTimeOffset? expires = null;
        if (options.TryGetValue("expires-at", out var expiresText))
        {
            if (!DateTimeOffset.TryParse(expiresText, System.Globalization.CultureInfo.InvariantCulture, out var parsed) || parsed <= DateTimeOffset.UtcNow)
            {
                Console.Error.WriteLine("error: --expires-at must be a future ISO-8601 time");
                return 2;
            }

            expires = parsed;
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = configuration["Orleans:ClusterId"] ?? "local";
                o.ServiceId = configuration["Orleans:ServiceId"] ?? "local";
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
        });
        using var host = builder.Build();
        await host.StartAsync();
        var token = ApiKeyToken.Generate();
        var grains = host.Services.GetRequiredService<IClusterClient>();
        var view = await grains.GetGrain<IApiKeyGrain>(token.KeyId)
            .Create(new ApiKeyCreate(name, token.SecretHash(), scopes, namespaces, expires, new Actor("cli", "Silo apikey create")));
        await host.StopAsync();
        if (view is null)
        {
            Console.Error.WriteLine("error: key id collision; run the command again");
            return 1;
        }

        Console.WriteLine(token.Format(configuration["Registry:TokenPrefix"] ?? ApiKeyToken.DefaultPrefix));
        return 0;
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                options[args[i][2..]] = args[i + 1];
            }
        }

        return options;
    }
}
