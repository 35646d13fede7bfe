# The registry's two images, from one build stage:
#   docker build --target silo -t orleans-registry-silo .          # a silo (REGISTRY_ROLE=silo); also runs `migrate`
#   docker build --target frontend -t orleans-registry-frontend .  # a stateless web frontend (Orleans client)
# Both run as the runtime image's unprivileged `app` user from a read-only /app, and work with a read-only root file
# system: data on the /data volume, temporary files in /tmp (e.g. `docker run --read-only --tmpfs /tmp -v data:/data`).
# No secret is in an image: REGISTRY_DB, REGISTRY_URL_SIGNING_KEY(_FILE), REGISTRY_ENCRYPTION_KEY(_FILE) and the storage
# credentials come from the deployment (README: Container images).
#
# Tested without docker: base images cannot be pulled on the project's machines, so tests/IntegrationTests/Images reads
# this file, carries out the build stage's own COPY and `dotnet` instructions in a temp directory, then starts each
# target's ENTRYPOINT with exactly its ENV, as its USER, from a read-only copy of its /app, and runs its HEALTHCHECK
# command as declared. Keep the forms that test reads: in the build stage only WORKDIR, plain COPY and one `dotnet`
# command per RUN; `ENV NAME=value`; JSON arrays for ENTRYPOINT and HEALTHCHECK CMD.

# Pinned by tag, not by digest: `10.0` moves with .NET 10's patch releases, so every rebuild picks up the runtime's
# security fixes; a digest would freeze them until someone bumped it by hand.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore from the project files alone: this layer is reused until a package version or project reference changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY Grains.Interfaces/Grains.Interfaces.csproj Grains.Interfaces/
COPY Storage/Storage.csproj Storage/
COPY Grains/Grains.csproj Grains/
COPY WebFrontend/WebFrontend.csproj WebFrontend/
COPY Silo/Silo.csproj Silo/
# The silo's restore covers the frontend too (Silo references WebFrontend).
RUN dotnet restore Silo/Silo.csproj
COPY .editorconfig ./
COPY Grains.Interfaces/ Grains.Interfaces/
COPY Storage/ Storage/
COPY Grains/ Grains/
COPY WebFrontend/ WebFrontend/
COPY Silo/ Silo/
# Framework-dependent and portable (no apphost, no runtime identifier): `dotnet X.dll` on the ASP.NET runtime image,
# whatever its architecture.
RUN dotnet publish Silo/Silo.csproj --no-restore -c Release -p:UseAppHost=false -o /out/silo
RUN dotnet publish WebFrontend/WebFrontend.csproj --no-restore -c Release -p:UseAppHost=false -o /out/frontend

# What both images share: the runtime, the settings of a container and the data volume.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
# Every listener on every address of the container, on the ports below; data on the volume.
ENV REGISTRY_LISTEN_ADDRESS=0.0.0.0 \
    REGISTRY_HTTP_PORT=8080 \
    REGISTRY_METRICS_PORT=9090 \
    REGISTRY_DATA_DIR=/data
# Tier-1 JIT at once instead of after minutes of steady load (README: DOTNET_TC_CallCountingDelayMs).
ENV DOTNET_TC_CallCountingDelayMs=0
# The base image sets ASPNETCORE_HTTP_PORTS=8080; the registry binds its own listeners (REGISTRY_*_PORT), and with the
# variable set ASP.NET Core logs at every start that it overrides it.
ENV ASPNETCORE_HTTP_PORTS=
# Nothing else is needed for a read-only root (the image test checks that nothing writes to /app or HOME):
# - the runtime's diagnostics socket (dotnet-counters, dotnet-trace, dotnet-dump) goes to $TMPDIR, i.e. the writable
#   /tmp, so it stays on (DOTNET_EnableDiagnostics=0 would turn those tools off);
# - the apps are not single-file bundles, so nothing is extracted (DOTNET_BUNDLE_EXTRACT_BASE_DIR is not used);
# - nothing writes under HOME (/home/app, read-only): no data protection keys, no certificate stores, no tool state.
# The volume's mount point belongs to the app user, so a fresh named volume is writable; Kubernetes uses fsGroup.
RUN mkdir /data && chown "$APP_UID:$APP_UID" /data
VOLUME /data
EXPOSE 8080 9090

# A silo: grains, clustering through PostgreSQL (REGISTRY_DB, required: the image never starts a database of its own),
# the silo-to-silo and gateway ports, and the maintenance commands (`migrate`, `storage check`, `apikey create`).
FROM runtime AS silo
# Git sources (Composer and module mirrors from Git repositories) are fetched with the git CLI, over https or ssh
# (ssh reads the keys and known_hosts mounted at /home/app/.ssh).
RUN apt-get update \
    && apt-get install -y --no-install-recommends git openssh-client \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/silo /app
ENV REGISTRY_ROLE=silo \
    REGISTRY_SILO_PORT=11111 \
    REGISTRY_GATEWAY_PORT=30000
EXPOSE 11111 30000
# The files stay root's: the app user can read /app, not change it. APP_UID is the base image's `app` user (1654).
USER $APP_UID
# The runtime image has no curl or wget: the program asks its own /health/live (metrics port) and exits 0 or 1.
HEALTHCHECK --interval=15s --timeout=10s --start-period=60s --retries=3 CMD ["dotnet", "Silo.dll", "health"]
ENTRYPOINT ["dotnet", "Silo.dll"]

# A stateless frontend: the protocol endpoints and admin API, an Orleans client of the silos it finds in PostgreSQL.
FROM runtime AS frontend
COPY --from=build /out/frontend /app
USER $APP_UID
HEALTHCHECK --interval=15s --timeout=10s --start-period=60s --retries=3 CMD ["dotnet", "OrleansRegistry.WebFrontend.dll", "health"]
ENTRYPOINT ["dotnet", "OrleansRegistry.WebFrontend.dll"]
