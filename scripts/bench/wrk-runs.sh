# Sourced by scripts/bench/run.sh: one endpoint measured with wrk, registry and nginx alternating for BENCH_ROUNDS
# rounds (the registry warmed up first), with the server's CPU, GC, and an optional trace or CPU profile. Uses
# run.sh's settings (ROUNDS, DURATION, CONNECTIONS, ports, OUT, ROOT, TRACE) and measures.sh.
bench() { # endpoint auth [if-modified-since]; VARIANT set: the registry only, recorded as "endpoint [VARIANT]"
  local endpoint=$1 auth=$2 ims=${3:-} target port out targets="registry nginx" name=$1
  if [ -n "${VARIANT:-}" ]; then targets=registry; name="$endpoint [$VARIANT]"; fi
  for round in $(seq 1 "$ROUNDS"); do for target in $targets; do
    port=$HTTP_PORT; [ "$target" = nginx ] && port=$NGINX_PORT
    if [ "$target" = registry ] && [ "$round" = 1 ]; then # warm-up: activations, connection pools, tiered JIT
      local warm jit_before
      for warm in 1 2 3 4 5 6 7; do # 5 s at a time until the JIT is quiet (under 2% of the time), at most 35 s
        jit_before=$(jit_seconds)
        BENCH_URLS="$OUT/urls/$endpoint.txt" BENCH_AUTH="$auth" BENCH_IMS="$ims" \
          taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d5s -s "$ROOT/scripts/bench/bench.lua" "http://127.0.0.1:$port" >/dev/null
        awk -v a="$jit_before" -v b="$(jit_seconds)" 'BEGIN { exit !(b - a < 0.1) }' && break
      done
      log "$name warmed up for $((warm * 5)) s"
    fi
    local tracer="" profiler=""
    if [ "$target" = registry ] && [ "$round" = "$ROUNDS" ] && [ "$endpoint" = "${BENCH_TRACE:-}" ]; then
      taskset -c 1 "$TRACE" collect -p "$registry_pid" --profile dotnet-sampled-thread-time --duration "00:00:00:$(printf '%02d' $((DURATION - 2)))" \
        -o "$OUT/trace-$endpoint.nettrace" >/dev/null 2>&1 &
      tracer=$!
      sleep 1
    fi
    if [ "$target" = registry ] && [ "$round" = "$ROUNDS" ] && [ "$endpoint" = "${BENCH_PERF:-}" ]; then
      taskset -c 1 perf record -q -F 999 -g -p "$registry_pid" -o "$OUT/perf-$endpoint.data" -- sleep $((DURATION - 2)) >/dev/null 2>&1 &
      profiler=$!
    fi
    local cpu_before gc_before="0 0"; cpu_before=$(server_cpu_ticks "$target")
    [ "$target" = registry ] && gc_before=$(gc_stats)
    out=$(BENCH_URLS="$OUT/urls/$endpoint.txt" BENCH_AUTH="$auth" BENCH_IMS="$ims" \
      taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$ROOT/scripts/bench/bench.lua" "http://127.0.0.1:$port")
    # The server's share of its core during the run: below 1.0, it was waiting (latency-bound), not out of CPU.
    local cpu; cpu=$(awk -v a="$cpu_before" -v b="$(server_cpu_ticks "$target")" -v hz="$(getconf CLK_TCK)" -v d="$DURATION" 'BEGIN { printf "%.2f", (b - a) / hz / d }')
    if [ -n "$profiler" ]; then
      wait "$profiler" || true
      perf report -i "$OUT/perf-$endpoint.data" --no-children --sort sym --stdio -g none --percent-limit 0.3 > "$OUT/perf-$endpoint.self.txt" 2>/dev/null || true
      perf report -i "$OUT/perf-$endpoint.data" --children --sort sym --stdio -g none --percent-limit 2 > "$OUT/perf-$endpoint.children.txt" 2>/dev/null || true
    fi
    if [ -n "$tracer" ]; then
      wait "$tracer" || true
      "$TRACE" report "$OUT/trace-$endpoint.nettrace" topN -n 40 > "$OUT/trace-$endpoint.exclusive.txt" 2>&1 || true
      "$TRACE" report "$OUT/trace-$endpoint.nettrace" topN -n 60 --inclusive > "$OUT/trace-$endpoint.inclusive.txt" 2>&1 || true
    fi
    local gc=""
    if [ "$target" = registry ]; then
      gc=$(printf '%s %s' "$gc_before" "$(gc_stats)" | awk '{ printf "\"gcs\":%d,\"gc_pause_ms\":%.1f,", $3 - $1, $4 - $2 }')
    fi
    json=$(printf '%s\n' "$out" | sed -n 's/^BENCHJSON {//p')
    [ -n "$json" ] || die "wrk printed no result for $endpoint on $target: $out"
    result "{\"name\":\"wrk\",\"endpoint\":\"$name\",\"target\":\"$target\",\"round\":$round,\"cpu\":$cpu,$gc$json"
    log "$name on $target (round $round): $(printf '%s' "$json" | sed 's/,"bytes_per_s.*//'), cpu $cpu${gc:+, $(printf '%s' "$gc" | tr -d '"' | sed 's/,$//')}"
  done; done
}
