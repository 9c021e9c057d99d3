#!/bin/bash
# Side by side: Prometheus 2.42 in agent mode and outpost scrape the same
# 100k-series target (a static body served by python's http.server, whose
# CPU is not counted) every 5 s for a minute, writing their WAL and shipping
# nowhere. Prints each process's CPU seconds (utime + stime from
# /proc/<pid>/stat) and the per-scrape figure. Issue 11 asks outpost for
# at most 1/4 of Prometheus'.
#   tests/bench/scrape_side_by_side.sh [path/to/outpost] [seconds]
set -euo pipefail
OUTPOST=${1:-build-rel/outpost}
SECONDS_TO_RUN=${2:-60}
INTERVAL=5
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$TMP"' EXIT

# free_port, cpu_seconds (utime + stime of a pid, in seconds), gen_target
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/www"
gen_target "$TMP/www/metrics"  # tests/bench/gen_target.py
WWW_PORT=$(free_port)
(cd "$TMP/www" && exec python3 -m http.server "$WWW_PORT" --bind 127.0.0.1 >/dev/null 2>&1) &
sleep 1
TARGET="127.0.0.1:$WWW_PORT"

cat > "$TMP/prom.yml" <<YML
global: {scrape_interval: ${INTERVAL}s}
scrape_configs:
  - job_name: big
    static_configs: [{targets: ['$TARGET']}]
YML
PROM_PORT=$(free_port)
prometheus --enable-feature=agent --config.file="$TMP/prom.yml" --storage.agent.path="$TMP/prom" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$TMP/prom.log" 2>&1 &
PROM_PID=$!

cat > "$TMP/outpost.yaml" <<YML
metrics:
  wal_directory: $TMP/outpost-data
  global: {scrape_interval: ${INTERVAL}s}
  configs:
    - name: default
      scrape_configs:
        - job_name: big
          static_configs: [{targets: ['$TARGET']}]
YML
OUTPOST_PORT=$(free_port)
"$OUTPOST" -config.file="$TMP/outpost.yaml" -server.http.address="127.0.0.1:$OUTPOST_PORT" \
  >"$TMP/outpost.log" 2>&1 &
OUTPOST_PID=$!

sleep 3  # start-up is not what we measure
P0=$(cpu_seconds $PROM_PID); O0=$(cpu_seconds $OUTPOST_PID)
sleep "$SECONDS_TO_RUN"
P1=$(cpu_seconds $PROM_PID); O1=$(cpu_seconds $OUTPOST_PID)
PRSS=$(awk '/VmRSS/ {print $2}' /proc/$PROM_PID/status)
ORSS=$(awk '/VmRSS/ {print $2}' /proc/$OUTPOST_PID/status)
SCRAPES=$((SECONDS_TO_RUN / INTERVAL))
awk -v p0="$P0" -v p1="$P1" -v o0="$O0" -v o1="$O1" -v n="$SCRAPES" -v pr="$PRSS" -v orss="$ORSS" 'BEGIN {
  p = p1 - p0; o = o1 - o0;
  printf "prometheus agent: %.2f s CPU over %d scrapes = %.1f ms/scrape, RSS %.0f MiB\n", p, n, 1000*p/n, pr/1024;
  printf "outpost:          %.2f s CPU over %d scrapes = %.1f ms/scrape, RSS %.0f MiB\n", o, n, 1000*o/n, orss/1024;
  if (o > 0) printf "ratio: outpost uses %.2f of Prometheus CPU\n", o / p;
}'
