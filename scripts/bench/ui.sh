#!/usr/bin/env bash
# The web UI benchmark: the issue's bar "every page renders server-side in under 50 ms p99 with a 10,000-package
# catalog", measured. A single-node registry (pinned to CPU 0, HTTPS with a certificate of a throwaway CA, as
# scripts/run.sh serves it: the session cookie is Secure) is seeded through the admin API with BENCH_UI_PACKAGES
# packages (Bench/UiSeeder.cs: half modules with a README, 40% Composer packages, 10% providers; 30 keys, 5 mirrors),
# signed in to with the admin key (the sign-in form, as a browser), every page checked to answer 200 with its content,
# then each page kind measured with wrk (CPU 1, the session's Cookie header, ui.lua) at each of BENCH_UI_CONNECTIONS,
# for BENCH_ROUNDS rounds (pages interleaved, so host drift spreads over all). Results go to
# bench-results/<timestamp>/ui-summary.{json,md}; the table is printed at the end. Every process it starts is stopped.
#   BENCH_UI_PACKAGES (10000): catalog size        BENCH_UI_CONNECTIONS ("1 8 32"): wrk connections, one run each
#   BENCH_DURATION (5 s per run)  BENCH_ROUNDS (3)  BENCH_PORT_BASE (18100; six ports from there)
#   BENCH_UI_PAGES: a space-separated subset (search search-query search-deep namespace module provider composer
#     getting-started keys mirrors mirror audit admin-namespaces admin-namespace system)
#   BENCH_UI_DATA=<dir>: keep the registry's data (PostgreSQL, artifacts, admin key) there and seed only once, so a
#     change can be measured before and after on the same catalog (migrations run at every start)
#   BENCH_UI_LABEL: a title for the summary (e.g. "before 0012")
#   BENCH_PERF=<page>: a perf CPU profile of the registry during that page's last run at the highest concurrency
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../lib/common.sh
source "$ROOT/scripts/lib/common.sh"
# shellcheck source=measures.sh
source "$ROOT/scripts/bench/measures.sh"

DURATION=${BENCH_DURATION:-5}
ROUNDS=${BENCH_ROUNDS:-3}
LEVELS=${BENCH_UI_CONNECTIONS:-1 8 32}
BASE=${BENCH_PORT_BASE:-18100}
HTTP_PORT=$BASE HTTPS_PORT=$((BASE + 1)) METRICS_PORT=$((BASE + 2)) PG_PORT=$((BASE + 3)) SILO_PORT=$((BASE + 4)) GATEWAY_PORT=$((BASE + 5))
OUT=$ROOT/bench-results/$(date -u +%Y%m%dT%H%M%SZ)
if [ -n "${BENCH_UI_DATA:-}" ]; then mkdir -p "$BENCH_UI_DATA"; WORK=$(cd "$BENCH_UI_DATA" && pwd); else WORK=$(mktemp -d /tmp/orleansregistry-uibench.XXXXXX); fi
mkdir -p "$OUT/urls"

command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is required"
command -v wrk >/dev/null || apt_install wrk
command -v taskset >/dev/null || apt_install util-linux
command -v curl >/dev/null || apt_install curl
command -v openssl >/dev/null || apt_install openssl
if [ -n "${BENCH_PERF:-}" ]; then command -v perf >/dev/null || die "BENCH_PERF needs perf (apt-get install linux-perf)"; fi

registry_pid=""
cleanup() {
  trap - INT TERM EXIT
  stop_registry
  pg_stop "$WORK" || true
  [ -n "${BENCH_UI_DATA:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -s "$WORK/admin.key" ] || (umask 077; echo "reg_$(rand 'a-z0-9' 12)_$(rand 'A-Za-z0-9' 32)" > "$WORK/admin.key")
ADMIN=$(cat "$WORK/admin.key")

bench_build

pg_start "$WORK" "$PG_PORT"
tls_ensure "$WORK"
secret_ensure "$WORK/secrets/url-signing.key"
secret_ensure "$WORK/secrets/encryption.key"
export REGISTRY_DATA_DIR=$WORK REGISTRY_HTTP_PORT=$HTTP_PORT REGISTRY_HTTPS_PORT=$HTTPS_PORT REGISTRY_METRICS_PORT=$METRICS_PORT
export REGISTRY_SILO_PORT=$SILO_PORT REGISTRY_GATEWAY_PORT=$GATEWAY_PORT REGISTRY_LISTEN_ADDRESS=127.0.0.1
export REGISTRY_TLS_CERT=$WORK/tls/server.crt REGISTRY_TLS_KEY=$WORK/tls/server.key BENCH_UI_CA=$WORK/tls/ca.crt
export REGISTRY_URL_SIGNING_KEY_FILE=$WORK/secrets/url-signing.key REGISTRY_ENCRYPTION_KEY_FILE=$WORK/secrets/encryption.key
export REGISTRY_BOOTSTRAP_ADMIN_KEY=$ADMIN REGISTRY_CLUSTER_ID=uibench REGISTRY_SERVICE_ID=uibench
# Every page checks the session's key in its grain, counted against its hourly limit: out of reach, as in run.sh.
export REGISTRY_RATE_LIMIT_PER_HOUR=2000000000
# The seeded mirrors point at nothing: their first and hourly syncs (failing, audited) must not land in a measured run.
export Mirrors__FirstSyncDelay=10.00:00:00
export Logging__LogLevel__Default=Warning
# See run.sh and docs/performance.md#tiered-jit-at-start-up.
export DOTNET_TC_CallCountingDelayMs=${DOTNET_TC_CallCountingDelayMs:-0}
dotnet "$SILO" migrate >&2 || die "migration failed"

DOTNET_PerfMapEnabled=$([ -n "${BENCH_PERF:-}" ] && echo 1 || echo 0) DOTNET_EnableWriteXorExecute=$([ -n "${BENCH_PERF:-}" ] && echo 0 || echo 1) \
  taskset -c 0 dotnet "$SILO" >>"$OUT/registry.log" 2>&1 &
registry_pid=$!
deadline=$((SECONDS + 120))
until curl -fsS -o /dev/null --max-time 2 --cacert "$WORK/tls/ca.crt" "https://127.0.0.1:$HTTPS_PORT/health/ready" 2>/dev/null; do
  kill -0 "$registry_pid" 2>/dev/null || die "the registry exited during start-up (see $OUT/registry.log)"
  [ $SECONDS -lt $deadline ] || die "the registry was not ready within 120 s"
  sleep 0.5
done


if [ -s "$WORK/ui-seed/ui-checks.tsv" ]; then
  log "reusing the catalog seeded in $WORK"
  cp -r "$WORK/ui-seed/." "$OUT/"
else
  log "seeding ${BENCH_UI_PACKAGES:-10000} packages (CPU 1, 16 requests at a time)"
  "${BENCH[@]}" ui-seed "http://127.0.0.1:$HTTP_PORT" "$ADMIN" "$OUT" || die "seeding failed"
  mkdir -p "$WORK/ui-seed/urls"
  cp "$OUT/ui-checks.tsv" "$WORK/ui-seed/"; cp "$OUT"/urls/ui-*.txt "$WORK/ui-seed/urls/"; cp "$OUT/results.jsonl" "$WORK/ui-seed/"
fi

HTTPS="https://127.0.0.1:$HTTPS_PORT"
log "signing in with the admin key"
"${BENCH[@]}" ui-signin "$HTTPS" "$ADMIN" "$OUT" || die "signing in failed (see $OUT/registry.log)"
COOKIE=$(cat "$OUT/ui-session.cookie")
log "checking every page answers 200 with its content"
"${BENCH[@]}" ui-check "$HTTPS" "$OUT" || die "a page did not answer as expected (its HTML is in $OUT/ui-failed-<page>.html)"

# PostgreSQL's CPU in clock ticks: its backends' (live children of the postmaster) plus what exited children used
# (the postmaster's cutime + cstime; the connection pool closes idle backends), so it only grows.
pg_cpu_ticks() {
  local postmaster pids; postmaster=$(head -1 "$WORK/pg/postmaster.pid")
  pids=$(pgrep -P "$postmaster" | sed 's|.*|/proc/&/stat|')
  # A backend that exits between pgrep and cat fails cat: under pipefail that ended the whole run, silently.
  # shellcheck disable=SC2086 # one stat file per backend
  { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$postmaster/stat"; { cat $pids 2>/dev/null || true; } | awk '{ print $14 + $15 }'; } | awk '{ s += $1 } END { print s + 0 }'
}
PAGES=$(cut -f1 "$OUT/ui-checks.tsv" | uniq)
selected() { [ -z "${BENCH_UI_PAGES:-}" ] || [[ " $BENCH_UI_PAGES " == *" $1 "* ]]; }
wrk_ui() { # page connections seconds: prints wrk's JSON line
  local out
  out=$(BENCH_URLS="$OUT/urls/ui-$1.txt" BENCH_COOKIE="$COOKIE" \
    taskset -c 1 wrk -t1 -c"$2" -d"$3s" --timeout 10s --latency -s "$ROOT/scripts/bench/ui.lua" "$HTTPS")
  printf '%s\n' "$out" | sed -n 's/^BENCHJSON {//p' | grep . || die "wrk printed no result for $1: $out"
}

log "warming up each page (8 connections, 5 s at a time until the JIT is quiet, at most 35 s)"
for page in $PAGES; do
  selected "$page" || continue
  for warm in 1 2 3 4 5 6 7; do
    jit_before=$(jit_seconds)
    wrk_ui "$page" 8 5 >/dev/null
    awk -v a="$jit_before" -v b="$(jit_seconds)" 'BEGIN { exit !(b - a < 0.1) }' && break
  done
  log "$page warmed up for $((warm * 5)) s"
done

top=$(printf '%s\n' $LEVELS | sort -n | tail -1)
log "measuring ($ROUNDS rounds of $DURATION s per page and connection count: $LEVELS; wrk on CPU 1, the registry on CPU 0)"
for round in $(seq 1 "$ROUNDS"); do
  for page in $PAGES; do
    selected "$page" || continue
    for connections in $LEVELS; do
      profiler=""
      if [ "$page" = "${BENCH_PERF:-}" ] && [ "$round" = "$ROUNDS" ] && [ "$connections" = "$top" ]; then
        taskset -c 1 perf record -q -F 999 -g -p "$registry_pid" -o "$OUT/perf-$page.data" -- sleep $((DURATION > 2 ? DURATION - 1 : 1)) >/dev/null 2>&1 &
        profiler=$!
      fi
      # gc_stats asks the registry's /metrics: before the CPU counters start, as after they stop.
      gc_before=$(gc_stats) cpu_before=$(server_cpu_ticks registry) pg_before=$(pg_cpu_ticks)
      json=$(wrk_ui "$page" "$connections" "$DURATION")
      cpu=$(awk -v a="$cpu_before" -v b="$(server_cpu_ticks registry)" -v hz="$(getconf CLK_TCK)" -v d="$DURATION" 'BEGIN { printf "%.2f", (b - a) / hz / d }')
      pg=$(awk -v a="$pg_before" -v b="$(pg_cpu_ticks)" -v hz="$(getconf CLK_TCK)" -v d="$DURATION" 'BEGIN { printf "%.2f", (b - a) / hz / d }')
      gc=$(printf '%s %s' "$gc_before" "$(gc_stats)" | awk '{ printf "\"gcs\":%d,\"gc_pause_ms\":%.1f,", $3 - $1, $4 - $2 }')
      if [ -n "$profiler" ]; then
        wait "$profiler" || true
        perf report -i "$OUT/perf-$page.data" --no-children --sort sym --stdio -g none --percent-limit 0.3 > "$OUT/perf-$page.self.txt" 2>/dev/null || true
        perf report -i "$OUT/perf-$page.data" --children --sort sym --stdio -g none --percent-limit 2 > "$OUT/perf-$page.children.txt" 2>/dev/null || true
      fi
      result "{\"name\":\"ui-wrk\",\"page\":\"$page\",\"connections\":$connections,\"round\":$round,\"cpu\":$cpu,\"pg_cpu\":$pg,$gc$json"
      log "$page, $connections conn (round $round): $(printf '%s' "$json" | sed 's/"bytes_per_s[^,]*,//'), cpu $cpu, postgres cpu $pg"
    done
  done
done

"${BENCH[@]}" ui-report "$OUT"
rm -f "$OUT/ui-session.cookie"
log "results: $OUT/ui-summary.md and ui-summary.json"
