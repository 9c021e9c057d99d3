#!/bin/bash
# Memory of outpost's handler integrations with many targets (issue 21: 500
# blackbox http targets at 15 s; issue 22: 200 snmp targets at 60 s; each
# <= 30 MiB RSS above idle). Three runs of the same binary, one after the
# other, remote write to nowhere (samples stay in the WAL):
#   idle      the agent integration only
#   blackbox  + N http_2xx targets, all probing one throwaway apache2
#   snmp      + M if_mib targets, all walking one throwaway snmpd
# Each run lasts ROUNDS intervals after its first full round; VmRSS is
# sampled every second over the last ROUNDS-1 intervals (average and max)
# and the run's CPU seconds are reported.
#   tests/bench/targets_footprint.sh [path/to/outpost] [blackbox N (500)] [snmp M (200)] [rounds (4)]
set -euo pipefail
OUTPOST=${1:-build-release/outpost}
NBB=${2:-500}
NSNMP=${3:-200}
ROUNDS=${4:-4}
SNMPD=${OUTPOST_SNMPD:-/usr/sbin/snmpd}

# free_port, proc_status_kb, cpu_seconds, bench_init, bench_spawn, start_apache2
. "$(dirname "$0")/lib.sh"
[ -x "$OUTPOST" ] || die "outpost binary $OUTPOST missing (cmake --build build-release --target outpost)"
need_binary "$SNMPD" snmpd
bench_init
chmod 755 "$BENCH_TMP"  # apache2's worker user walks into it

WEB=$(free_port)
start_apache2 "$BENCH_TMP/apache" "$WEB" ""
SNMP_PORT=$(free_port)
# The endpoint only on the command line (an agentaddress line too would
# open it twice and snmpd would exit); no MIB files, its own state dir.
echo "rocommunity public 127.0.0.1" >"$BENCH_TMP/snmpd.conf"
mkdir "$BENCH_TMP/snmp-persist"
SNMP_PERSISTENT_DIR="$BENCH_TMP/snmp-persist" MIBS='' bench_spawn "$BENCH_TMP/snmpd.log" "$SNMPD" \
  -f -Lo -C -c "$BENCH_TMP/snmpd.conf" -p "$BENCH_TMP/snmpd.pid" "udp:127.0.0.1:$SNMP_PORT"
sleep 1

# run NAME INTERVAL_SECONDS INTEGRATION_YAML: starts outpost, waits one
# interval, samples RSS over ROUNDS-1 more; prints one line.
run() {
  local name=$1 every=$2 yaml=$3 d="$BENCH_TMP/$1" port sum=0 n=0 max=0 kb cpu0 cpu1
  mkdir -p "$d"
  port=$(free_port)
  cat >"$d/outpost.yaml" <<YML
server:
  log_level: warn
metrics:
  wal_directory: $d/wal
  global:
    scrape_interval: ${every}s
integrations:
  agent:
    enabled: true
$yaml
YML
  bench_spawn "$d/outpost.log" "$OUTPOST" -config.file="$d/outpost.yaml" \
    -server.http.address="127.0.0.1:$port"
  local pid=$BENCH_LAST_PID
  wait_http "http://127.0.0.1:$port/-/ready" 60 "$pid" || { tail "$d/outpost.log" >&2; die "outpost did not start"; }
  sleep "$every"
  cpu0=$(cpu_seconds "$pid")
  for ((i = 0; i < every * (ROUNDS - 1); i++)); do
    kb=$(proc_status_kb "$pid" VmRSS)
    sum=$((sum + kb)); n=$((n + 1))
    [ "$kb" -gt "$max" ] && max=$kb
    sleep 1
  done
  cpu1=$(cpu_seconds "$pid")
  # What the targets reported: successful probes, walks that returned PDUs.
  local ok
  ok=$(curl -sf "http://127.0.0.1:$port/integrations/$name/metrics" |
    grep -cE '^probe_success\{.*\} 1$|^snmp_scrape_pdus_returned\{.*\} [1-9]' || true)
  bench_stop_pid "$pid"
  awk -v name="$name" -v s="$sum" -v n="$n" -v m="$max" -v c0="$cpu0" -v c1="$cpu1" \
      -v r="$((ROUNDS - 1))" -v ok="$ok" 'BEGIN {
    printf "%-9s RSS avg %6.1f MiB  max %6.1f MiB  CPU %.2f s per round  %d targets answering\n",
      name, s / n / 1024, m / 1024, (c1 - c0) / r, ok }'
  RSS_AVG[$name]=$((sum / n))
}
declare -A RSS_AVG=()

run idle 15 ""
BB="  blackbox:
    enabled: true
    scrape_interval: 15s
    blackbox_config:
      modules:
        http_2xx: {prober: http, timeout: 5s}
    blackbox_targets:"
for ((i = 0; i < NBB; i++)); do
  BB+="
      - {name: web$i, address: 'http://127.0.0.1:$WEB/index.html?n=$i', module: http_2xx}"
done
run blackbox 15 "$BB"
SN="  snmp:
    enabled: true
    scrape_interval: 60s
    snmp_targets:"
for ((i = 0; i < NSNMP; i++)); do
  SN+="
      - {name: dev$i, address: '127.0.0.1:$SNMP_PORT'}"
done
run snmp 60 "$SN"
awk -v i="${RSS_AVG[idle]}" -v b="${RSS_AVG[blackbox]}" -v s="${RSS_AVG[snmp]}" \
    -v nb="$NBB" -v ns="$NSNMP" 'BEGIN {
  printf "above idle: %d blackbox targets %+.1f MiB, %d snmp targets %+.1f MiB (goal <= 30 MiB each)\n",
    nb, (b - i) / 1024, ns, (s - i) / 1024 }'
