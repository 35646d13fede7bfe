#!/usr/bin/env bash
# A registry cluster on this machine, each process configured as the Helm chart configures its pod: PostgreSQL, the
# S3 server of the storage tests (s3rver), silos (REGISTRY_ROLE=silo), stateless frontends, and nginx balancing the
# frontends (HTTP for Composer, HTTPS for Terraform), all on loopback. Processes outlive this script; `down` stops them.
#   scripts/cluster.sh up | down | status | kill-silo N | restart-silo N | kill-frontend N | restart-frontend N
#   CLUSTER_DIR (default .cluster): database, objects, secrets, each process's environment, logs and pid.
#   CLUSTER_PORT_BASE (19000): the ports, from it. CLUSTER_SILOS (3), CLUSTER_FRONTENDS (2).
#   CLUSTER_SKIP_BUILD=1: use the binaries already built (tests). $CLUSTER_DIR/env/extra.env, if present, is added to
#   every silo's and frontend's environment (e.g. SSL_CERT_FILE for an upstream's private CA).
#   CLUSTER_ENV_PROVIDED=1: `up` starts each process with the env file already in $CLUSTER_DIR/env/ instead of writing
#   it (the chart test writes them from the rendered Helm chart; they must use the ports below).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/common.sh
source "$ROOT/scripts/lib/common.sh"

DIR=${CLUSTER_DIR:-$ROOT/.cluster}
mkdir -p "$DIR"/{env,logs,pids}
DIR=$(cd "$DIR" && pwd)
BASE=${CLUSTER_PORT_BASE:-19000}
SILOS=${CLUSTER_SILOS:-3} FRONTENDS=${CLUSTER_FRONTENDS:-2}
PG_PORT=$BASE S3_PORT=$((BASE + 1)) LB_HTTP=$((BASE + 2)) LB_HTTPS=$((BASE + 3))
SILO_DLL=$ROOT/Silo/bin/Release/net10.0/Silo.dll
FRONTEND_DLL=$ROOT/WebFrontend/bin/Release/net10.0/OrleansRegistry.WebFrontend.dll
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# Ports of silo or frontend N (1-based): the silo-to-silo, gateway, metrics, HTTP and HTTPS ports.
silo_port() { echo $((BASE + 10 + $1)); }
gateway_port() { echo $((BASE + 20 + $1)); }
metrics_port() { [ "$1" = silo ] && echo $((BASE + 30 + $2)) || echo $((BASE + 40 + $2)); }
http_port() { [ "$1" = silo ] && echo $((BASE + 50 + $2)) || echo $((BASE + 60 + $2)); }
https_port() { echo $((BASE + 70 + $1)); }

pid_of() { cat "$DIR/pids/$1.pid" 2>/dev/null || true; }
alive() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }
ready() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$(metrics_port "$1" "$2")/health/ready"; }

# What every process shares, as the chart's ConfigMap and Secret give it.
write_shared_env() {
  cat > "$DIR/env/shared.env" <<ENV
REGISTRY_DB=$REGISTRY_DB
REGISTRY_CLUSTER_ID=cluster
REGISTRY_SERVICE_ID=cluster
REGISTRY_LISTEN_ADDRESS=127.0.0.1
REGISTRY_ADVERTISED_IP=127.0.0.1
REGISTRY_DATA_DIR=$DIR/data
REGISTRY_URL_SIGNING_KEY_FILE=$DIR/secrets/url-signing.key
REGISTRY_ENCRYPTION_KEY_FILE=$DIR/secrets/encryption.key
REGISTRY_BOOTSTRAP_ADMIN_KEY=$(cat "$DIR/secrets/admin.key")
REGISTRY_HOSTNAMES=registry.cluster.test
REGISTRY_DESIRED_SILOS=$SILOS
REGISTRY_STORAGE_KIND=s3
REGISTRY_STORAGE_S3_BUCKET=registry
REGISTRY_STORAGE_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
REGISTRY_STORAGE_S3_FORCE_PATH_STYLE=true
REGISTRY_STORAGE_S3_AUTH_METHOD=static
REGISTRY_STORAGE_S3_ACCESS_KEY_ID=S3RVER
REGISTRY_STORAGE_S3_SECRET_ACCESS_KEY=S3RVER
DOTNET_TC_CallCountingDelayMs=0
ENV
  chmod 600 "$DIR/env/shared.env"
}

write_node_env() { # silo|frontend N
  local role=$1 n=$2
  {
    cat "$DIR/env/shared.env"
    [ -f "$DIR/env/extra.env" ] && cat "$DIR/env/extra.env"
    echo "REGISTRY_METRICS_PORT=$(metrics_port "$role" "$n")"
    echo "REGISTRY_HTTP_PORT=$(http_port "$role" "$n")"
    if [ "$role" = silo ]; then
      echo "REGISTRY_ROLE=silo"
      echo "REGISTRY_SILO_PORT=$(silo_port "$n")"
      echo "REGISTRY_GATEWAY_PORT=$(gateway_port "$n")"
    else
      echo "REGISTRY_HTTPS_PORT=$(https_port "$n")"
      echo "REGISTRY_TLS_CERT=$DIR/tls/server.crt"
      echo "REGISTRY_TLS_KEY=$DIR/tls/server.key"
      echo "REGISTRY_TRUSTED_PROXIES=127.0.0.1"
    fi
  } > "$DIR/env/$role-$n.env"
  chmod 600 "$DIR/env/$role-$n.env"
}

start_node() { # silo|frontend N: in its own session, with exactly its environment file (and PATH, HOME)
  local role=$1 n=$2 dll=$SILO_DLL
  [ "$role" = frontend ] && dll=$FRONTEND_DLL
  alive "$role-$n" && { log "$role $n is already running"; return 0; }
  local -a vars
  mapfile -t vars < "$DIR/env/$role-$n.env"
  setsid env -i PATH="$PATH" HOME="$HOME" "${vars[@]}" dotnet "$dll" >> "$DIR/logs/$role-$n.log" 2>&1 < /dev/null &
  echo $! > "$DIR/pids/$role-$n.pid"
  local deadline=$((SECONDS + 120))
  until ready "$role" "$n"; do
    alive "$role-$n" || die "$role $n exited during start-up (see $DIR/logs/$role-$n.log)"
    [ $SECONDS -lt $deadline ] || die "$role $n was not ready within 120 s (see $DIR/logs/$role-$n.log)"
    sleep 0.5
  done
  log "$role $n ready (metrics and health on port $(metrics_port "$role" "$n"))"
}

stop_process() { # name signal: SIGTERM waits up to 45 s (the graceful hand-over), then SIGKILL
  local name=$1 signal=${2:-TERM} pid
  pid=$(pid_of "$name")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "-$signal" "$pid" 2>/dev/null || true
    for _ in $(seq 1 45); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$DIR/pids/$name.pid"
}

start_frontend_behind_balancer() { # N: out of nginx's upstream until ready, then back in
  touch "$DIR/pids/frontend-$1.starting"
  alive nginx && start_balancer
  start_node frontend "$1"
  rm -f "$DIR/pids/frontend-$1.starting"
  alive nginx && start_balancer
}

start_store() {
  alive s3 && return 0
  mkdir -p "$DIR/s3"
  setsid node "$(npm_tool s3rver@3.7.1 s3rver/bin/s3rver.js)" -d "$DIR/s3" -a 127.0.0.1 -p "$S3_PORT" -s --configure-bucket registry \
    >> "$DIR/logs/s3.log" 2>&1 < /dev/null &
  echo $! > "$DIR/pids/s3.pid"
  until (exec 3<>"/dev/tcp/127.0.0.1/$S3_PORT") 2>/dev/null; do alive s3 || die "s3rver exited (see $DIR/logs/s3.log)"; sleep 0.3; done
}

start_balancer() {
  local user="" upstream_http="" upstream_https="" n
  is_root && user="user $(id -un) $(id -gn);"
  for n in $(seq 1 "$FRONTENDS"); do
    # A frontend starting up is left out until it is ready, as Kubernetes' readiness probe keeps a pod out of its Service.
    local state="max_fails=1 fail_timeout=5s"
    [ -f "$DIR/pids/frontend-$n.starting" ] && state="down"
    upstream_http+="    server 127.0.0.1:$(http_port frontend "$n") $state;"$'\n'
    upstream_https+="    server 127.0.0.1:$(https_port "$n") $state;"$'\n'
  done
  mkdir -p "$DIR/nginx"
  cat > "$DIR/nginx/nginx.conf" <<NGINX
$user
worker_processes 1;
pid $DIR/pids/nginx.pid;
error_log $DIR/logs/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log $DIR/logs/nginx-access.log;
  client_body_temp_path $DIR/nginx/body; proxy_temp_path $DIR/nginx/proxy; fastcgi_temp_path $DIR/nginx/fastcgi;
  uwsgi_temp_path $DIR/nginx/uwsgi; scgi_temp_path $DIR/nginx/scgi;
  # Uploads and downloads stream through; only idempotent requests move to another frontend on a failure.
  client_max_body_size 0;
  proxy_request_buffering off;
  proxy_buffering off;
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_set_header Host \$http_host;
  proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
  proxy_set_header X-Forwarded-Proto \$scheme;
  proxy_set_header X-Forwarded-Host \$http_host;
  # Not on a 503: that is the registry's own answer (a dependency down), and nginx would count it against the
  # frontend (max_fails), so one 503 from each took every frontend out for fail_timeout: 5 s of 502s for everyone.
  proxy_next_upstream error timeout http_502;
  upstream frontends_http {
$upstream_http    keepalive 32;
  }
  upstream frontends_https {
$upstream_https    keepalive 32;
  }
  server {
    listen 127.0.0.1:$LB_HTTP;
    location / { proxy_pass http://frontends_http; }
  }
  server {
    listen 127.0.0.1:$LB_HTTPS ssl;
    ssl_certificate $DIR/tls/server.crt;
    ssl_certificate_key $DIR/tls/server.key;
    location / {
      proxy_pass https://frontends_https;
      proxy_ssl_trusted_certificate $DIR/tls/ca.crt;
      proxy_ssl_verify on;
      proxy_ssl_name localhost;
      proxy_ssl_session_reuse on;
    }
  }
}
NGINX
  if alive nginx; then "$NGINX" -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx" -s reload; else "$NGINX" -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx"; fi
}

up() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is required"
  command -v curl >/dev/null || apt_install curl
  command -v psql >/dev/null || apt_install postgresql-client
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || apt_install nginx
  if [ "${CLUSTER_SKIP_BUILD:-0}" != 1 ]; then
    log "building (Release)"
    dotnet build "$ROOT/Silo/Silo.csproj" -c Release -nologo -v q -clp:ErrorsOnly >&2 || die "build failed"
    dotnet build "$ROOT/WebFrontend/WebFrontend.csproj" -c Release -nologo -v q -clp:ErrorsOnly >&2 || die "build failed"
  fi
  pg_start "$DIR" "$PG_PORT"
  tls_ensure "$DIR"
  secret_ensure "$DIR/secrets/url-signing.key"
  secret_ensure "$DIR/secrets/encryption.key"
  [ -s "$DIR/secrets/admin.key" ] || (umask 077; printf 'reg_%s_%s\n' "$(head -c 64 /dev/urandom | LC_ALL=C tr -dc 'a-z0-9' | head -c 12)" \
    "$(head -c 256 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9' | head -c 32)" > "$DIR/secrets/admin.key")
  start_store
  [ "${CLUSTER_ENV_PROVIDED:-0}" = 1 ] || write_shared_env
  log "migrating the database"
  env -i PATH="$PATH" HOME="$HOME" REGISTRY_DB="$REGISTRY_DB" dotnet "$SILO_DLL" migrate >&2 || die "migration failed"
  local n
  for n in $(seq 1 "$SILOS"); do [ "${CLUSTER_ENV_PROVIDED:-0}" = 1 ] || write_node_env silo "$n"; start_node silo "$n"; done
  for n in $(seq 1 "$FRONTENDS"); do [ "${CLUSTER_ENV_PROVIDED:-0}" = 1 ] || write_node_env frontend "$n"; start_node frontend "$n"; done
  start_balancer
  cat <<BANNER

cluster up: $SILOS silos, $FRONTENDS frontends behind nginx
  Terraform (HTTPS):  https://127.0.0.1:$LB_HTTPS   (CA: $DIR/tls/ca.crt)
  Composer (HTTP):    http://127.0.0.1:$LB_HTTP
  admin key file:     $DIR/secrets/admin.key
  logs:               $DIR/logs/
BANNER
}

down() {
  alive nginx && "$NGINX" -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx" -s quit 2>/dev/null || true
  local n
  for n in $(seq 1 "$FRONTENDS"); do stop_process "frontend-$n"; done
  for n in $(seq 1 "$SILOS"); do stop_process "silo-$n"; done
  stop_process s3
  pg_stop "$DIR"
  log "cluster down (its data stays in $DIR)"
}

status() {
  local n role
  for role in silo frontend; do
    local count=$SILOS; [ "$role" = frontend ] && count=$FRONTENDS
    for n in $(seq 1 "$count"); do
      if ! alive "$role-$n"; then echo "$role $n: stopped"; elif ready "$role" "$n"; then echo "$role $n: ready (pid $(pid_of "$role-$n"))"; else echo "$role $n: running, not ready (pid $(pid_of "$role-$n"))"; fi
    done
  done
  alive s3 && echo "s3rver: running" || echo "s3rver: stopped"
  alive nginx && echo "nginx: running" || echo "nginx: stopped"
  PGPASSWORD=$(cat "$DIR/secrets/pg-password" 2>/dev/null || true) psql -h 127.0.0.1 -p "$PG_PORT" -U registry -d registry -tA \
    -c "SELECT 'membership: ' || address || ':' || port || ' ' || CASE status WHEN 3 THEN 'active' WHEN 6 THEN 'dead' ELSE status::text END FROM orleansmembershiptable WHERE deploymentid = 'cluster' ORDER BY port" 2>/dev/null \
    || echo "membership: the database is not reachable"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  kill-silo) stop_process "silo-${2:?which silo}" KILL ;;
  restart-silo) stop_process "silo-${2:?which silo}"; start_node silo "$2" ;;
  kill-frontend) stop_process "frontend-${2:?which frontend}" KILL ;;
  restart-frontend) stop_process "frontend-${2:?which frontend}"; start_frontend_behind_balancer "$2" ;;
  *) die "usage: scripts/cluster.sh up|down|status|kill-silo N|restart-silo N|kill-frontend N|restart-frontend N" ;;
esac
