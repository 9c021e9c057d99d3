#!/bin/bash
# Side by side: CPU per walk of the fixture module if_test
# (tests/integrations/snmp/testdata/if_test.yml: interfaces and ifX tables)
# by outpost's snmp integration and by Debian's prometheus-snmp-exporter 0.21
# (the module converted to 0.21's format), against the same throwaway
# snmpd (v2c, community public; this machine's interfaces). The exporter is
# scraped over HTTP WALKS times (its utime+stime from /proc/<pid>/stat;
# snmpd's not counted); outpost's figure is snmp_bench's BM_IfWalk cpu_ms
# (process CPU per collection) against the same snmpd. Issue 22's target:
# outpost <= 1/3 of the exporter.
#   tests/bench/snmp_side_by_side.sh [path/to/snmp_bench] [walks]
# With INTERFACES=N (root) everything runs in a new network namespace that
# holds lo and N-1 bridge interfaces, so a walk has N rows of each table
# (issue 22 measures a 50-interface device).
set -euo pipefail
if [ -n "${INTERFACES:-}" ] && [ -z "${OUTPOST_IN_NETNS:-}" ]; then
  # shellcheck disable=SC2016  # expanded by the inner shell
  exec unshare -n env OUTPOST_IN_NETNS=1 bash -c '
    ip link set lo up || exit 1
    for ((i = 1; i < INTERFACES; i++)); do
      ip link add "br$i" type bridge && ip link set "br$i" up || exit 1
    done
    exec "$0" "$@"' "$0" "$@"
fi
BENCH=${1:-build/tests/bench/snmp_bench}
WALKS=${2:-300}
EXPORTER=${OUTPOST_SNMP_EXPORTER:-/usr/bin/prometheus-snmp-exporter}
SNMPD=${OUTPOST_SNMPD:-/usr/sbin/snmpd}
FIXTURE="$(cd "$(dirname "$0")/.." && pwd)/integrations/snmp/testdata/if_test.yml"

# free_port, cpu_seconds, bench_init (BENCH_TMP, cleanup trap), bench_spawn
. "$(dirname "$0")/lib.sh"
need_binary "$SNMPD" snmpd
need_binary "$EXPORTER" prometheus-snmp-exporter
need_binary snmpget snmp
bench_init
mkdir "$BENCH_TMP/persist"
PORT=$(python3 -c 'import socket; s=socket.socket(type=socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "rocommunity public 127.0.0.1" >"$BENCH_TMP/snmpd.conf"
SNMP_PERSISTENT_DIR="$BENCH_TMP/persist" MIBS='' bench_spawn "$BENCH_TMP/snmpd.log" "$SNMPD" -f -Lo -C \
  -c "$BENCH_TMP/snmpd.conf" -p "$BENCH_TMP/snmpd.pid" "udp:127.0.0.1:$PORT"
for ((i = 0; i < 50; i++)); do
  MIBS='' snmpget -v2c -c public -r0 -t0.5 "127.0.0.1:$PORT" .1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break
  sleep 0.1
done
MIBS='' snmpget -v2c -c public -r0 -t1 "127.0.0.1:$PORT" .1.3.6.1.2.1.1.3.0 >/dev/null ||
  die "snmpd did not answer; see $BENCH_TMP/snmpd.log"

# 0.21's format: the module at the top level with its version and auth
# (the fixture's auth test_v2 is community public, version 2).
awk '/^modules:/ {m = 1; next}
     m && /^  [a-z_]+:$/ {print substr($0, 3); print "  version: 2"; print "  auth:"; print "    community: public"; next}
     m {print substr($0, 3)}' "$FIXTURE" >"$BENCH_TMP/snmp.yml"

WEB=$(free_port)
bench_spawn "$BENCH_TMP/exporter.log" "$EXPORTER" --config.file="$BENCH_TMP/snmp.yml" \
  --web.listen-address="127.0.0.1:$WEB"
EXP_PID=$BENCH_LAST_PID
wait_http "http://127.0.0.1:$WEB/metrics" 10 "$EXP_PID" || die "the exporter did not start"
URL="http://127.0.0.1:$WEB/snmp?target=127.0.0.1:$PORT&module=if_test"
curl -sf "$URL" >"$BENCH_TMP/exporter.txt" || die "the exporter's walk failed; see $BENCH_TMP/exporter.log"
ms=$(scrape_cpu_ms "$EXP_PID" "$URL" "$WALKS")
series=$(grep -vc '^#' "$BENCH_TMP/exporter.txt")
ifaces=$(grep -c '^ifMtu{' "$BENCH_TMP/exporter.txt" || true)
echo "prometheus-snmp-exporter 0.21: $ms ms CPU per walk ($WALKS walks, $series series, $ifaces interfaces)"
bench_stop_pid "$EXP_PID"

[ -x "$BENCH" ] || die "$BENCH not built (target snmp_bench)"
SNMP_BENCH_TARGET="127.0.0.1:$PORT" SNMP_BENCH_CONFIG="$FIXTURE" "$BENCH" --benchmark_counters_tabular=true
