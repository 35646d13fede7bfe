# Sourced by scripts/bench/run.sh and ui.sh: how they build what they run, what they read of the registry and nginx
# while it runs (CPU, memory, GC, JIT, activations) and where results go. Uses their registry_pid, WORK, OUT and
# METRICS_PORT.

# Random text of the characters given, as long as asked (API keys' shapes).
rand() { local s; s=$(head -c 4096 /dev/urandom | LC_ALL=C tr -dc "$1"); printf '%s' "${s:0:$2}"; }

# Stops the registry the script started (registry_pid): TERM, up to 30 s to drain, then KILL.
stop_registry() {
  if [ -n "$registry_pid" ] && kill -0 "$registry_pid" 2>/dev/null; then
    kill -TERM "$registry_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$registry_pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
  fi
  registry_pid=""
}

# Builds the registry and the bench client (Release); sets SILO (the registry's entry) and BENCH (the client, on CPU 1).
bench_build() {
  log "building (Release)"
  dotnet build "$ROOT/Silo/Silo.csproj" -c Release -nologo -v q -clp:ErrorsOnly >&2 || die "build failed"
  dotnet build "$ROOT/scripts/bench/Bench/Bench.csproj" -c Release -nologo -v q -clp:ErrorsOnly >&2 || die "build of the bench client failed"
  SILO="$ROOT/Silo/bin/Release/net10.0/Silo.dll"
  BENCH=(taskset -c 1 dotnet "$ROOT/scripts/bench/Bench/bin/Release/net10.0/Bench.dll")
}
# utime + stime (clock ticks) of the registry process, or of nginx's worker.
server_cpu_ticks() {
  local pid=$registry_pid
  [ "$1" = nginx ] && pid=$(pgrep -P "$(cat "$WORK/nginx.pid")" | head -1)
  awk '{ print $14 + $15 }' "/proc/$pid/stat"
}

# The runtime's own memory figures (GC heap, committed, per generation) from /metrics, to tell managed growth from
# committed-but-free and native memory; and the kernel's split of RSS into anonymous memory (GC heap, JIT code,
# native allocations) and mapped files (the assemblies' pages touched so far, which the kernel can drop).
runtime_memory() { # file
  curl -fsS --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" 2>/dev/null \
    | grep -E '^(system_runtime_dotnet_gc_last|system_runtime_dotnet_jit_compiled_methods|dotnet_total_memory|process_working_set|process_private|microsoft_orleans_orleans_catalog_activations)' > "$1" || true
  awk '/^(Rss|Anonymous|Shared_Clean|Private_Clean):/ { print "smaps_rollup_" tolower($1) "_kb", $2 }' "/proc/$registry_pid/smaps_rollup" | tr -d ':' >> "$1" 2>/dev/null || true
}
# Grain activations in the silo, all types.
activations() {
  curl -fsS --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" 2>/dev/null \
    | awk '/^microsoft_orleans_orleans_catalog_activations/ { s += $NF } END { print s + 0 }'
}
# Garbage collections (each counted in its own generation) and milliseconds paused in GC so far, from the runtime's
# meters (read at every scrape): what a run's p99 pays for allocation.
gc_stats() {
  curl -fsS --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" 2>/dev/null \
    | awk '/^system_runtime_dotnet_gc_collections\{/ { n += $2 } /^system_runtime_dotnet_gc_pause_time / { p = $2 * 1000 } END { print n + 0, p + 0 }'
}
# Seconds the JIT has spent compiling so far.
jit_seconds() {
  curl -fsS --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" 2>/dev/null \
    | awk '/^system_runtime_dotnet_jit_compilation_time / { s = $2 } END { print s + 0 }'
}
# Live objects by type, largest last (dotnet-dump's dumpheap -stat): what the managed heap holds, to find the
# per-version costs. The dump is deleted once read. It inflates the process's RSS, so it comes after the RSS figures.
heap_stat() { # file
  local dump="$WORK/heap.dmp"
  command -v dotnet-dump >/dev/null || dotnet tool install -g dotnet-dump >/dev/null 2>&1 || return 0
  taskset -c 1 dotnet-dump collect -p "$registry_pid" --type Heap -o "$dump" >/dev/null 2>&1 || { log "dotnet-dump failed"; return 0; }
  taskset -c 1 dotnet-dump analyze "$dump" -c "dumpheap -stat -live" -c exit 2>/dev/null | grep -v '^Total\|^Statistics' | tail -n 60 > "$1" || true
  rm -f "$dump"
}
rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$registry_pid/status"; }
result() { printf '%s\n' "$1" >> "$OUT/results.jsonl"; }
# A full blocking GC (dotnet-gcdump induces one to walk the heap), then RSS again: the figure the memory target means.
rss_after_full_gc() { # gcdump file, runtime memory file (both in $OUT): prints RSS once the GC has settled
  taskset -c 1 dotnet-gcdump collect -p "$registry_pid" -o "$OUT/$1" >/dev/null 2>&1 || log "dotnet-gcdump failed"
  # Writing the dump lifts RSS until the tool lets go: wait until RSS stops falling, at most 30 s
  # (see docs/performance.md#reading-the-results).
  local before now
  now=$(rss_mb)
  for _ in $(seq 1 15); do
    sleep 2
    before=$now now=$(rss_mb)
    awk -v b="$before" -v n="$now" 'BEGIN { exit !(b - n < 0.5) }' && break
  done
  log "RSS after a full GC: $now MB"
  runtime_memory "$OUT/$2"
  rss_mb
}
