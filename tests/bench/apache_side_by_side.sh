#!/bin/bash
# Side by side: CPU per collection of outpost's apache_http integration and
# of Debian's prometheus-apache-exporter 0.12 against the same throwaway
# apache2 (event MPM, mod_status with ExtendedStatus and ProxyStatus, a
# proxy balancer of two members; issue 20: outpost <= 0.1 ms). The exporter
# is scraped over HTTP SCRAPES times (its process CPU from /proc/<pid>/stat,
# apache's not counted); outpost's figure is apache_bench's
# BM_FullCollection cpu_ms (process CPU per collection, libcurl included)
# against the same server.
#   tests/bench/apache_side_by_side.sh [path/to/apache_bench] [scrapes]
set -euo pipefail
BENCH=${1:-build/tests/bench/apache_bench}
SCRAPES=${2:-500}
EXPORTER=${OUTPOST_APACHE_EXPORTER:-/usr/bin/prometheus-apache-exporter}
APACHE2=${OUTPOST_APACHE2:-/usr/sbin/apache2}

# free_port, cpu_seconds, bench_init (BENCH_TMP, cleanup trap), bench_spawn
. "$(dirname "$0")/lib.sh"
need_binary "$APACHE2" apache2
need_binary "$EXPORTER" prometheus-apache-exporter
bench_init
chmod 755 "$BENCH_TMP"
PORT=$(free_port)
mkdir "$BENCH_TMP/htdocs"
echo page >"$BENCH_TMP/htdocs/index.html"
{
  apache_base_conf "$BENCH_TMP" "$PORT" mpm_event authz_core status proxy proxy_http \
    proxy_balancer slotmem_shm lbmethod_byrequests
  printf 'ExtendedStatus On\nProxyStatus On\n'
  printf '<Location /server-status>\nSetHandler server-status\nRequire all granted\n</Location>\n'
  printf '<Proxy balancer://backends>\nBalancerMember http://127.0.0.1:%s\n' "$(free_port)"
  printf 'BalancerMember http://127.0.0.2:%s\n</Proxy>\nProxyPass /app/ balancer://backends/\n' \
    "$(free_port)"
} >"$BENCH_TMP/apache2.conf"
bench_spawn "$BENCH_TMP/apache2.out" "$APACHE2" -f "$BENCH_TMP/apache2.conf" -DFOREGROUND
URI="http://127.0.0.1:$PORT/server-status?auto"
wait_http "$URI" 15 "$BENCH_LAST_PID" || die "apache2 did not start; see $BENCH_TMP/error.log"
for _ in 1 2 3; do curl -s -o /dev/null "http://127.0.0.1:$PORT/app/x"; done

WEB=$(free_port)
bench_spawn "$BENCH_TMP/exporter.log" "$EXPORTER" --scrape_uri="$URI" \
  --telemetry.address="127.0.0.1:$WEB"
EXP_PID=$BENCH_LAST_PID
wait_http "http://127.0.0.1:$WEB/metrics" 10 "$EXP_PID" || die "the exporter did not start"
curl -sf "http://127.0.0.1:$WEB/metrics" >"$BENCH_TMP/exporter.txt"
ms=$(scrape_cpu_ms "$EXP_PID" "http://127.0.0.1:$WEB/metrics" "$SCRAPES")
series=$(grep -c '^apache_' "$BENCH_TMP/exporter.txt")
echo "prometheus-apache-exporter 0.12: $ms ms CPU per scrape ($SCRAPES scrapes, $series apache_ series, go_/process_ besides)"
bench_stop_pid "$EXP_PID"

[ -x "$BENCH" ] || die "$BENCH not built (target apache_bench)"
APACHE_BENCH_URI="$URI" "$BENCH" --benchmark_filter=BM_FullCollection \
  --benchmark_counters_tabular=true
