using Orleans.Serialization;

namespace OrleansRegistry.WebFrontend.Errors;

public static class DatabaseExceptionTransport
{
    /// <summary>
    /// Lets the database driver's exceptions cross between silos and frontends as themselves. Orleans sends only
    /// exceptions of known namespaces; a grain whose state cannot be read fails its activation with the driver's
    /// exception, which the frontend must recognize to answer 503 (grain calls are translated on the silo already).
    /// </summary>
    public static IServiceCollection AddDatabaseExceptionTransport(this IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));
}
