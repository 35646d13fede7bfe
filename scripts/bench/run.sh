#!/usr/bin/env bash
# The performance harness: a single-node registry (pinned to CPU 0) seeded with a realistic catalog, and nginx
# serving the very same bytes (one worker, also on CPU 0) as the ceiling; wrk (on CPU 1, 32 connections) measures
# both in the same run. Also RSS, 500 MB transfers and the cold path after a restart. A lazy composer-repository
# mirror of a generated upstream (static files, served by the same nginx on another port) is warmed from empty, timed,
# and its p2 files and dists measured like the private ones. Results go to
# bench-results/<timestamp>/summary.{json,md}; the table is printed at the end. Every process it starts is stopped.
#   BENCH_DURATION (s per wrk run, default 10), BENCH_ROUNDS (3: registry and nginx alternate this many times per
#   endpoint and the median run of each counts, since the machine's speed drifts), BENCH_CONNECTIONS (32), BENCH_TRANSFER_MB (500), BENCH_PORT_BASE (18000)
#   BENCH_ENDPOINTS (space-separated subset, default all), BENCH_EXTRAS=0 (skip transfers and the cold path)
#   BENCH_STORES (default "s3 azure gcs"): the object stores the transfers also go through (their servers from npm)
#   BENCH_SCALE (0-1, default 1): a smaller catalog for quick profiling runs (the targets are judged at 1)
#   BENCH_VARIANTS="A=1 B=2;C=3": after the main runs, the registry is restarted with each variant's extra environment
#   and the selected endpoints measured again against the same nginx figures (rows "endpoint [variant]")
#   BENCH_TRACE=<endpoint>: a sampled-stacks trace of the registry during that endpoint's run (dotnet-trace, installed as
#   a .NET tool), with its top methods by exclusive and inclusive time written next to the results
#   BENCH_PERF=<endpoint>: a CPU profile of the registry during that endpoint's run (perf, with the runtime's perf map),
#   its hottest symbols (self and with children) written next to the results
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../lib/common.sh
source "$ROOT/scripts/lib/common.sh"
# shellcheck source=measures.sh
source "$ROOT/scripts/bench/measures.sh"
# shellcheck source=object-stores.sh
source "$ROOT/scripts/bench/object-stores.sh"

DURATION=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
TRANSFER_MB=${BENCH_TRANSFER_MB:-500}
BASE=${BENCH_PORT_BASE:-18000}
HTTP_PORT=$BASE NGINX_PORT=$((BASE + 1)) METRICS_PORT=$((BASE + 2)) PG_PORT=$((BASE + 3)) SILO_PORT=$((BASE + 4)) GATEWAY_PORT=$((BASE + 5))
UPSTREAM_PORT=$((BASE + 7)) # nginx again, as the mirror's upstream Composer repository
OUT=$ROOT/bench-results/$(date -u +%Y%m%dT%H%M%SZ)
WORK=$(mktemp -d /tmp/orleansregistry-bench.XXXXXX)
mkdir -p "$OUT"

command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is required"
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || apt_install nginx
command -v wrk >/dev/null || apt_install wrk
command -v taskset >/dev/null || apt_install util-linux
command -v curl >/dev/null || apt_install curl
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
TRACE=""
if [ -n "${BENCH_TRACE:-}" ]; then
  export PATH="$PATH:$HOME/.dotnet/tools"
  command -v dotnet-trace >/dev/null || dotnet tool install -g dotnet-trace >&2 || die "could not install dotnet-trace"
  TRACE=$(command -v dotnet-trace)
fi

if [ -n "${BENCH_PERF:-}" ]; then command -v perf >/dev/null || die "BENCH_PERF needs perf (apt-get install linux-perf)"; fi

registry_pid="" nginx_started=""
cleanup() {
  trap - INT TERM EXIT
  stop_registry
  object_store_stop
  if [ -n "$nginx_started" ]; then "$NGINX" -c "$WORK/nginx.conf" -p "$WORK" -s stop 2>/dev/null || true; fi
  pg_stop "$WORK" || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ADMIN="reg_$(rand 'a-z0-9' 12)_$(rand 'A-Za-z0-9' 32)"
echo "$ADMIN" > "$OUT/admin.key"

bench_build

pg_start "$WORK" "$PG_PORT"
secret_ensure "$WORK/secrets/url-signing.key"
secret_ensure "$WORK/secrets/encryption.key"
export REGISTRY_DATA_DIR=$WORK REGISTRY_HTTP_PORT=$HTTP_PORT REGISTRY_HTTPS_PORT=$((BASE + 6)) REGISTRY_METRICS_PORT=$METRICS_PORT
export REGISTRY_SILO_PORT=$SILO_PORT REGISTRY_GATEWAY_PORT=$GATEWAY_PORT REGISTRY_LISTEN_ADDRESS=127.0.0.1
export REGISTRY_URL_SIGNING_KEY_FILE=$WORK/secrets/url-signing.key REGISTRY_ENCRYPTION_KEY_FILE=$WORK/secrets/encryption.key
export REGISTRY_BOOTSTRAP_ADMIN_KEY=$ADMIN REGISTRY_HOSTNAMES=registry.bench.test REGISTRY_CLUSTER_ID=bench REGISTRY_SERVICE_ID=bench
# Rate limiting stays on (every request is counted in the key's grain); the limit is just out of reach.
export REGISTRY_RATE_LIMIT_PER_HOUR=2000000000
export Logging__LogLevel__Default=Warning
unset REGISTRY_TLS_CERT REGISTRY_TLS_KEY
dotnet "$SILO" migrate >&2 || die "migration failed"
# Tiered JIT: start counting calls for tier-1 promotion at once. By default the runtime waits 100 ms after the last
# tier-0 compilation (1 s when the process has one CPU) and a busy server keeps restarting that wait, so hot paths run
# unoptimized for minutes after a start (see docs/performance.md#tiered-jit-at-start-up).
export DOTNET_TC_CallCountingDelayMs=${DOTNET_TC_CallCountingDelayMs:-0}

start_registry() { # [VAR=value ...]: extra environment for this start
  # With BENCH_PERF the runtime writes /tmp/perf-<pid>.map so perf can name JIT-compiled methods (W^X off: its
  # double mapping hides JIT code from perf).
  DOTNET_PerfMapEnabled=$([ -n "${BENCH_PERF:-}" ] && echo 1 || echo 0) DOTNET_EnableWriteXorExecute=$([ -n "${BENCH_PERF:-}" ] && echo 0 || echo 1) env "$@" taskset -c 0 dotnet "$SILO" >>"$OUT/registry.log" 2>&1 &
  registry_pid=$!
  local deadline=$((SECONDS + 120))
  until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$HTTP_PORT/health/ready"; do
    kill -0 "$registry_pid" 2>/dev/null || die "the registry exited during start-up (see $OUT/registry.log)"
    [ $SECONDS -lt $deadline ] || die "the registry was not ready within 120 s"
    sleep 0.5
  done
}


log "starting the registry (CPU 0)"
start_registry
result "{\"name\":\"rss\",\"phase\":\"after start\",\"mb\":$(rss_mb)}"
start_rss=$(rss_mb)
runtime_memory "$OUT/memory-after-start.txt"

log "seeding"
"${BENCH[@]}" seed "http://127.0.0.1:$HTTP_PORT" "$ADMIN" "$OUT"
result "{\"name\":\"rss\",\"phase\":\"after seeding\",\"mb\":$(rss_mb)}"
KEY=$(cat "$OUT/bench.key")
BEARER="Bearer $KEY"
BASIC="Basic $(printf 'token:%s' "$KEY" | base64 -w0)"

log "starting nginx (one worker, CPU 0) on the same bytes"
mkdir -p "$WORK/nginx-logs" "$WORK/upstream"
nginx_user=""; is_root && nginx_user="user $(id -un) $(id -gn);"
cat > "$WORK/nginx.conf" <<NGINX
$nginx_user
worker_processes 1;
worker_cpu_affinity 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  open_file_cache max=20000 inactive=300s;
  open_file_cache_valid 300s;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type application/json;
  if_modified_since before;
  client_body_temp_path $WORK/nginx-body;
  proxy_temp_path $WORK/nginx-proxy;
  fastcgi_temp_path $WORK/nginx-fastcgi;
  uwsgi_temp_path $WORK/nginx-uwsgi;
  scgi_temp_path $WORK/nginx-scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $OUT/ceiling;
  }
  server {
    listen 127.0.0.1:$UPSTREAM_PORT;
    root $WORK/upstream;
  }
}
NGINX
taskset -c 0 "$NGINX" -c "$WORK/nginx.conf" -p "$WORK" >&2
nginx_started=1

# shellcheck source=wrk-runs.sh
source "$ROOT/scripts/bench/wrk-runs.sh"

selected() { [ -z "${BENCH_ENDPOINTS:-}" ] || [[ " $BENCH_ENDPOINTS " == *" $1 "* ]]; }
bench_selected() {
  selected p2 && bench p2 "$BASIC"
  selected packages && bench packages "$BASIC"
  selected module-versions && bench module-versions "$BEARER"
  selected provider-download && bench provider-download "$BEARER"
  selected mirror-version && bench mirror-version "$BEARER"
  selected revalidate && bench revalidate "$BASIC" "$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT')"
  selected dist-1mb && bench dist-1mb "$BASIC"
  [ -z "$mirror_ready" ] || bench_mirrored
  return 0
}
# The mirror is created and warmed after the memory figures (whose per-version costs count the private catalog only),
# so the mirrored endpoints are measured from then on.
mirror_ready=""
mirrored_selected() { selected p2-mirrored || selected dist-mirrored; }
bench_mirrored() {
  selected p2-mirrored && bench p2-mirrored "$BASIC"
  selected dist-mirrored && bench dist-mirrored "$BASIC"
  return 0
}
warm_mirror() {
  log "a lazy composer-repository mirror of a generated upstream (nginx, port $UPSTREAM_PORT): every package served once"
  "${BENCH[@]}" upstream "$WORK/upstream" "http://127.0.0.1:$UPSTREAM_PORT"
  "${BENCH[@]}" mirror "http://127.0.0.1:$HTTP_PORT" "$ADMIN" "http://127.0.0.1:$UPSTREAM_PORT" "$OUT"
  mirror_ready=1
  log "measuring the mirrored endpoints"
  bench_mirrored
}
log "measuring ($DURATION s per run, $CONNECTIONS connections, wrk on CPU 1)"
bench_selected

versions=$(sed -n 's/.*"versions":\([0-9]*\).*/\1/p' "$OUT/results.jsonl" | head -1)
after=$(rss_mb)
per_version=$(awk -v a="$after" -v s="$start_rss" -v v="$versions" 'BEGIN { printf "%.2f", (a - s) * 1024 / v }')
result "{\"name\":\"rss\",\"phase\":\"after the runs (every package read)\",\"mb\":$after,\"per_version_kb\":$per_version}"
export PATH="$PATH:$HOME/.dotnet/tools"
if command -v dotnet-gcdump >/dev/null || dotnet tool install -g dotnet-gcdump >/dev/null 2>&1; then
  gc_after=$(rss_after_full_gc heap.gcdump memory-after-gc.txt)
  per_version=$(awk -v a="$gc_after" -v s="$start_rss" -v v="$versions" 'BEGIN { printf "%.2f", (a - s) * 1024 / v }')
  result "{\"name\":\"rss\",\"phase\":\"after a full GC\",\"mb\":$gc_after,\"per_version_kb\":$per_version}"
  if [ "${BENCH_EXTRAS:-1}" != 0 ]; then
    # What one more version costs, without what the first catalog paid once (JIT-compiled code, pools): a second
    # catalog of the same size, seeded and read once, then a full GC again.
    log "seeding a second catalog (not benchmarked) for the marginal memory per version"
    "${BENCH[@]}" seed-second "http://127.0.0.1:$HTTP_PORT" "$ADMIN" "$OUT"
    second_rss=$(rss_after_full_gc heap-second.gcdump memory-after-second-catalog.txt)
    marginal=$(awk -v a="$second_rss" -v s="$gc_after" -v v="$versions" 'BEGIN { printf "%.2f", (a - s) * 1024 / v }')
    result "{\"name\":\"rss\",\"phase\":\"after a second catalog and a full GC\",\"mb\":$second_rss,\"marginal_per_version_kb\":$marginal}"
  fi
  # Last, as writing a dump faults in every page the process had committed but not touched
  # (see docs/performance.md#reading-the-results).
  heap_stat "$OUT/heap-by-type.txt"
  # The same catalog in a registry that served it but did not publish it, as after a deploy: restarted, every
  # document read once (every package activated from PostgreSQL), then a full GC. Free of the publishing paths' JIT
  # code and buffers, which the figure over the seeding process's start includes.
  log "restarting the registry: every package activated by reads alone"
  stop_registry
  start_registry
  restart_rss=$(rss_mb)
  "${BENCH[@]}" read-all "http://127.0.0.1:$HTTP_PORT" "$OUT"
  restarted_rss=$(rss_after_full_gc heap-restarted.gcdump memory-restarted.txt)
  all_versions=$((versions + $(sed -n 's/.*"name":"seed-second".*"versions":\([0-9]*\).*/\1/p' "$OUT/results.jsonl" | head -1 | grep . || echo 0)))
  per_version=$(awk -v a="$restarted_rss" -v s="$restart_rss" -v v="$all_versions" 'BEGIN { printf "%.2f", (a - s) * 1024 / v }')
  result "{\"name\":\"rss\",\"phase\":\"restarted, all $all_versions versions read once, after a full GC\",\"mb\":$restarted_rss,\"start_mb\":$restart_rss,\"restarted_per_version_kb\":$per_version}"
else
  log "dotnet-gcdump is not installable: no RSS after a full GC"
fi

if mirrored_selected; then warm_mirror; fi

if [ -n "${BENCH_VARIANTS:-}" ]; then
  IFS=';' read -ra variants <<<"$BENCH_VARIANTS"
  for VARIANT in "${variants[@]}"; do
    log "variant: $VARIANT"
    stop_registry
    # shellcheck disable=SC2086 # a variant is a list of VAR=value words
    start_registry $VARIANT
    bench_selected
  done
  VARIANT=""
  stop_registry
  start_registry
fi

if [ "${BENCH_EXTRAS:-1}" != 0 ]; then
  log "transfers of $TRANSFER_MB MB"
  "${BENCH[@]}" transfer "http://127.0.0.1:$HTTP_PORT" "$OUT" "$registry_pid" "$TRANSFER_MB" local
  for kind in ${BENCH_STORES-s3 azure gcs}; do
    log "transfers of $TRANSFER_MB MB through the $kind store"
    object_store_start "$kind" "$WORK/store-$kind" $((BASE + 8))
    stop_registry
    start_registry "${STORE_ENV[@]}"
    "${BENCH[@]}" transfer "http://127.0.0.1:$HTTP_PORT" "$OUT" "$registry_pid" "$TRANSFER_MB" "$kind"
    stop_registry
    object_store_stop
  done

  log "restarting the registry for the cold path (idle grains deactivated after 30 s)"
  stop_registry
  start_registry Registry__IdleDeactivationAfter=00:00:30
  baseline_activations=$(activations) # the silo's own grains
  "${BENCH[@]}" cold "http://127.0.0.1:$HTTP_PORT" "$OUT"

  # Memory follows the working set: the packages the cold path activated go idle and are deactivated.
  taskset -c 1 dotnet-gcdump collect -p "$registry_pid" -o "$WORK/busy.gcdump" >/dev/null 2>&1 || true
  sleep 2
  busy_rss=$(rss_mb) busy_activations=$(activations) idle_since=$SECONDS
  log "waiting for $busy_activations activations to go idle"
  while [ $((SECONDS - idle_since)) -lt 150 ] && [ "$(activations)" -gt $((baseline_activations + (busy_activations - baseline_activations) / 10)) ]; do
    sleep 5
  done
  idle_seconds=$((SECONDS - idle_since)) idle_activations=$(activations)
  taskset -c 1 dotnet-gcdump collect -p "$registry_pid" -o "$WORK/idle.gcdump" >/dev/null 2>&1 || true
  sleep 2
  result "{\"name\":\"idle\",\"activations_before\":$busy_activations,\"activations_after\":$idle_activations,\"seconds\":$idle_seconds,\"rss_before_mb\":$busy_rss,\"rss_after_mb\":$(rss_mb)}"
fi

"${BENCH[@]}" report "$OUT"
rm -f "$OUT/admin.key" "$OUT/bench.key"
log "results: $OUT/summary.md and summary.json"
