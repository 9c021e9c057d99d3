#!/bin/bash
# Side by side: CPU per collection of outpost's process integration and of
# Debian's process-exporter 0.7.10 over the same /proc, with 200 processes
# started here (190 `sleep`, 10 perl with 4 threads each) besides the
# host's, the rules of Debian's examples/all.yaml ({{.Comm}} for every
# process with a command line), threads and smaps on (both defaults).
# Issue 20: outpost ≤ 1/10 of the exporter's CPU per scrape.
# The exporter is scraped over HTTP SCRAPES times (its utime+stime from
# /proc/<pid>/stat); outpost's figure is process_bench's
# BM_ProcessFullCollection cpu_ms, run against the same processes
# (PROCESS_BENCH_SPAWN=0).
#   tests/bench/process_side_by_side.sh [path/to/process_bench] [scrapes]
set -euo pipefail
BENCH=${1:-build/tests/bench/process_bench}
SCRAPES=${2:-50}
EXPORTER=${OUTPOST_PROCESS_EXPORTER:-/usr/bin/prometheus-process-exporter}

# free_port, cpu_seconds, bench_init (BENCH_TMP, cleanup trap), bench_spawn
. "$(dirname "$0")/lib.sh"
need_binary "$EXPORTER" prometheus-process-exporter
bench_init

for i in $(seq 190); do bench_spawn /dev/null sleep 3600; done
for i in $(seq 10); do
  bench_spawn /dev/null perl -Mthreads -e 'threads->create(sub{sleep 3600})->detach for 1..3; sleep 3600'
done
sleep 1

cat >"$BENCH_TMP/all.yaml" <<'YAML'
process_names:
  - name: "{{.Comm}}"
    cmdline:
    - '.+'
YAML
WEB=$(free_port)
bench_spawn "$BENCH_TMP/exporter.log" "$EXPORTER" -config.path "$BENCH_TMP/all.yaml" \
  -web.listen-address "127.0.0.1:$WEB"
EXP_PID=$BENCH_LAST_PID
wait_http "http://127.0.0.1:$WEB/metrics" 30 "$EXP_PID" || die "process-exporter did not start"
curl -sf "http://127.0.0.1:$WEB/metrics" >"$BENCH_TMP/exporter.txt"
# utime and stime apart: most of outpost's CPU is the kernel building the
# files both read (smaps_rollup's page-table walk above all).
split() { awk '{sub(/.*\) /, ""); print $12, $13}' "/proc/$1/stat"; }
read -r u0 s0 < <(split "$EXP_PID")
before=$(cpu_seconds "$EXP_PID")
for _ in $(seq "$SCRAPES"); do curl -sf "http://127.0.0.1:$WEB/metrics" >/dev/null; done
after=$(cpu_seconds "$EXP_PID")
read -r u1 s1 < <(split "$EXP_PID")
awk -v u="$((u1 - u0))" -v s="$((s1 - s0))" -v n="$SCRAPES" -v hz="$(getconf CLK_TCK)" \
  'BEGIN {printf "process-exporter 0.7.10: user %.2f ms + system %.2f ms per scrape\n", u * 1000 / hz / n, s * 1000 / hz / n}' 
series=$(grep -c '^namedprocess_' "$BENCH_TMP/exporter.txt")
procs=$(ls /proc | grep -c '^[0-9]')
awk -v a="$after" -v b="$before" -v n="$SCRAPES" -v s="$series" -v p="$procs" \
  'BEGIN {printf "process-exporter 0.7.10: %.2f ms CPU per scrape (%d scrapes, %d namedprocess_ series, %d processes)\n", (a - b) * 1000 / n, n, s, p}'
bench_stop_pid "$EXP_PID"

if [ -x "$BENCH" ]; then
  PROCESS_BENCH_SPAWN=0 "$BENCH" --benchmark_counters_tabular=true
else
  echo "outpost: $BENCH not built (target process_bench)" >&2
  exit 1
fi
