using Prometheus;

namespace OrleansRegistry.WebFrontend.Metrics;

/// <summary>
/// <c>registry_silos_desired</c>: how many silos this deployment should run (<c>REGISTRY_DESIRED_SILOS</c>, set by the
/// deployment from its replica count), exported by every process, frontends included, so the alert "fewer silos than
/// desired" still fires when no silo is left to report the cluster's size (Orleans'
/// <c>microsoft_orleans_orleans_consistent_ring_size</c>). Unset or 0: not exported, and that alert stays silent.
/// </summary>
public static class DesiredSilosMetric
{
    public const string Setting = "Registry:DesiredSilos";

    public static void Export(IConfiguration configuration)
    {
        var desired = configuration.GetValue(Setting, 0);
        if (desired < 0)
        {
            throw new InvalidOperationException($"REGISTRY_DESIRED_SILOS ({Setting}) must be 0 or more, not {desired}");
        }

        if (desired > 0)
        {
            Prometheus.Metrics.CreateGauge("registry_silos_desired", "Silos this deployment should run (REGISTRY_DESIRED_SILOS).").Set(desired);
        }
    }
}
