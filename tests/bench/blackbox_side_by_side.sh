#!/bin/bash
# Side by side: CPU per http probe of a local apache2 page by Debian's
# prometheus-blackbox-exporter 0.23 (its /probe endpoint, PROBES times; its
# process CPU from /proc/<pid>/stat, apache's not counted) and by outpost's
# blackbox integration (blackbox_bench's BM_HttpProbe cpu_ms: process CPU
# per probe, libcurl included). Issue 21: outpost <= 1/3 of the exporter.
#   tests/bench/blackbox_side_by_side.sh [path/to/blackbox_bench] [probes]
set -euo pipefail
BENCH=${1:-build/tests/bench/blackbox_bench}
PROBES=${2:-500}
EXPORTER=${OUTPOST_BLACKBOX_EXPORTER:-/usr/bin/prometheus-blackbox-exporter}

# free_port, cpu_seconds, bench_init (BENCH_TMP, cleanup trap), start_apache2
. "$(dirname "$0")/lib.sh"
need_binary "$EXPORTER" prometheus-blackbox-exporter
bench_init
PORT=$(free_port)
start_apache2 "$BENCH_TMP" "$PORT" ""
URL="http://127.0.0.1:$PORT/index.html"

printf 'modules:\n  http_2xx:\n    prober: http\n' >"$BENCH_TMP/blackbox.yml"
WEB=$(free_port)
bench_spawn "$BENCH_TMP/exporter.log" "$EXPORTER" --config.file="$BENCH_TMP/blackbox.yml" \
  --web.listen-address="127.0.0.1:$WEB"
EXP_PID=$BENCH_LAST_PID
wait_http "http://127.0.0.1:$WEB/metrics" 10 "$EXP_PID" || die "the exporter did not start"
PROBE="http://127.0.0.1:$WEB/probe?module=http_2xx&target=127.0.0.1%3A$PORT%2Findex.html"
curl -sf "$PROBE" | grep -q '^probe_success 1' || die "the exporter's probe failed"
ms=$(scrape_cpu_ms "$EXP_PID" "$PROBE" "$PROBES")
echo "prometheus-blackbox-exporter 0.23: $ms ms CPU per http probe ($PROBES probes)"
bench_stop_pid "$EXP_PID"

[ -x "$BENCH" ] || die "$BENCH not built (target blackbox_bench)"
BLACKBOX_BENCH_URL="$URL" "$BENCH" --benchmark_filter=BM_HttpProbe \
  --benchmark_counters_tabular=true
