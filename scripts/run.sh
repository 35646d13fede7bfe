#!/usr/bin/env bash
# Runs the registry on this machine: a private PostgreSQL in the data directory, a local CA and server
# certificate, migrations, then the single-node registry (silo + web frontend) in the foreground.
# Ctrl-C / SIGTERM stops the registry, then PostgreSQL.
set -euo pipefail
started=$(date +%s)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/common.sh
source "$ROOT/scripts/lib/common.sh"

DATA=${REGISTRY_DATA_DIR:-$ROOT/.data}
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)
export REGISTRY_DATA_DIR=$DATA
export REGISTRY_HTTP_PORT=${REGISTRY_HTTP_PORT:-8080}
export REGISTRY_HTTPS_PORT=${REGISTRY_HTTPS_PORT:-8443}
export REGISTRY_METRICS_PORT=${REGISTRY_METRICS_PORT:-9090}
export REGISTRY_SILO_PORT=${REGISTRY_SILO_PORT:-11111}
export REGISTRY_GATEWAY_PORT=${REGISTRY_GATEWAY_PORT:-30000}
export REGISTRY_CLUSTER_ID=${REGISTRY_CLUSTER_ID:-local}
export REGISTRY_SERVICE_ID=${REGISTRY_SERVICE_ID:-local}
export REGISTRY_DASHBOARD=${REGISTRY_DASHBOARD:-true}   # handy on a single node; it costs throughput (see README)
PG_PORT=${REGISTRY_PG_PORT:-55432}

command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is required: https://dot.net"
command -v openssl >/dev/null || apt_install openssl
command -v psql >/dev/null || apt_install postgresql-client
command -v git >/dev/null || apt_install git   # Git package sources run the git CLI

registry_pid=""
stop_all() {
  trap - INT TERM EXIT
  if [ -n "$registry_pid" ] && kill -0 "$registry_pid" 2>/dev/null; then
    log "stopping the registry"
    kill -TERM "$registry_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$registry_pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
  fi
  pg_stop "$DATA"
}
trap 'stop_all; exit 0' INT TERM
trap 'stop_all' EXIT

pg_start "$DATA" "$PG_PORT"
tls_ensure "$DATA"
secret_ensure "$DATA/secrets/url-signing.key"
secret_ensure "$DATA/secrets/encryption.key"
export REGISTRY_TLS_CERT=$DATA/tls/server.crt
export REGISTRY_TLS_KEY=$DATA/tls/server.key
export REGISTRY_URL_SIGNING_KEY_FILE=$DATA/secrets/url-signing.key
export REGISTRY_ENCRYPTION_KEY_FILE=$DATA/secrets/encryption.key

log "building (Release)"
dotnet build "$ROOT/Silo/Silo.csproj" -c Release -nologo -v q -clp:ErrorsOnly >&2 || die "build failed"
SILO="$ROOT/Silo/bin/Release/net10.0/Silo.dll"

log "migrating the database"
dotnet "$SILO" migrate >&2 || die "migration failed"

# Tiered JIT: start counting calls for tier-1 promotion at once. By default the runtime waits 100 ms after the last
# tier-0 compilation (1 s when the process has one CPU) and a busy server keeps restarting that wait, so hot paths run
# unoptimized for minutes after a start (see docs/performance.md#tiered-jit-at-start-up).
export DOTNET_TC_CallCountingDelayMs=${DOTNET_TC_CallCountingDelayMs:-0}
log "starting the registry"
dotnet "$SILO" &
registry_pid=$!

ready() { curl -fsS -o /dev/null --max-time 2 "$@"; }
deadline=$((SECONDS + 120))
until ready --cacert "$DATA/tls/ca.crt" "https://127.0.0.1:$REGISTRY_HTTPS_PORT/health/ready" \
   && ready "http://127.0.0.1:$REGISTRY_HTTP_PORT/health/ready"; do
  kill -0 "$registry_pid" 2>/dev/null || die "the registry exited during start-up (see its log above)"
  [ $SECONDS -lt $deadline ] || die "the registry was not ready within 120 s"
  sleep 0.5
done

admin_key_file="$DATA/bootstrap-admin.key"
if [ -n "${REGISTRY_BOOTSTRAP_ADMIN_KEY:-}" ]; then key_hint="the value of REGISTRY_BOOTSTRAP_ADMIN_KEY"; else key_hint="$admin_key_file"; fi
cat <<BANNER

OrleansRegistry is ready in $(( $(date +%s) - started )) s
  HTTPS      https://127.0.0.1:$REGISTRY_HTTPS_PORT    (CA: $DATA/tls/ca.crt)
  HTTP       http://127.0.0.1:$REGISTRY_HTTP_PORT
  metrics    http://127.0.0.1:$REGISTRY_METRICS_PORT/metrics
  dashboard  https://127.0.0.1:$REGISTRY_HTTPS_PORT/dashboard/   (any user, admin key as password)
  admin key  $key_hint

Terraform:
  cat > terraformrc <<TF
  credentials "127.0.0.1:$REGISTRY_HTTPS_PORT" {
    token = "\$(cat $admin_key_file)"
  }
  TF
  TF_CLI_CONFIG_FILE=\$PWD/terraformrc SSL_CERT_FILE=$DATA/tls/ca.crt terraform init

Ctrl-C stops the registry and PostgreSQL.
BANNER

set +e
wait "$registry_pid"
status=$?
registry_pid=""
exit $status
