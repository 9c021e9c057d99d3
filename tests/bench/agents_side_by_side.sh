#!/bin/bash
# Agents side by side (issue 23's first goal): Prometheus 2.42 in agent
# mode, vmagent 1.79 and outpost, one after the other (never at the same
# time), scrape the same 100k-series target (tests/bench/gen_target.py's
# static body served by python's http.server, whose CPU is not counted) at
# the same interval (5 s), write their WAL / buffer, and remote-write to
# one shared null receiver (tests/bench/null_receiver.py: 204 to every
# POST, bytes and requests counted per path: /prom, /vm, /outpost).
#
# Each run: start, wait for readiness, warm-up (not measured), then a
# measured window in which VmRSS is sampled once a second (average and
# max) and VmHWM is read at its end; CPU is utime + stime over the window
# divided by the scrapes the target served in it (its request log) = ms
# per scrape. Prints one line per agent and the issue's two ratios:
#   outpost RSS avg / vmagent RSS avg        (goal <= 1.0)
#   outpost CPU per scrape / vmagent's       (goal <= 0.3)
#
# Usage: tests/bench/agents_side_by_side.sh [options] [path/to/outpost] [seconds]
#   seconds          measured window (default 60; also $WINDOW)
#   --warmup S       warm-up before each window (default 15; also $WARMUP)
#   --window S       measured window (same as the positional seconds)
#   --interval S     scrape interval (default 5; also $INTERVAL)
#   --quick          warm-up 5 s, window 20 s
#   --agents "A B"   which agents to run (default "prometheus-agent vmagent
#                    outpost"; e.g. --agents outpost while tuning outpost)
#   --keep           keep the temp dir (configs, logs) and print its path
# The outpost binary defaults to $OUTPOST, else build-rel/outpost.
#
# Exits non-zero when a process died, an agent scraped nothing in its
# window or shipped nothing to the receiver. The goals are reported, not
# enforced.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"

OUTPOST=${OUTPOST:-build-rel/outpost}
WARMUP=${WARMUP:-15}
WINDOW=${WINDOW:-60}
INTERVAL=${INTERVAL:-5}
AGENTS=${AGENTS:-prometheus-agent vmagent outpost}
pos=()
while [ $# -gt 0 ]; do
  case $1 in
    --warmup) WARMUP=$2; shift ;;
    --window) WINDOW=$2; shift ;;
    --interval) INTERVAL=$2; shift ;;
    --quick) WARMUP=5; WINDOW=20 ;;
    --agents) AGENTS=$2; shift ;;
    --keep) BENCH_KEEP_TMP=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) pos+=("$1") ;;
  esac
  shift
done
[ "${#pos[@]}" -ge 1 ] && OUTPOST=${pos[0]}
[ "${#pos[@]}" -ge 2 ] && WINDOW=${pos[1]}
[ "$WINDOW" -ge "$((2 * INTERVAL))" ] || die "window ${WINDOW}s is shorter than two ${INTERVAL}s intervals"

need_binary prometheus prometheus
need_binary vmagent victoria-metrics
need_binary curl curl
need_binary python3 python3
bench_setup_outpost

mkdir -p "$T/www"
gen_target "$T/www/metrics"
start_target "$T/www" "$T/target.log"
TARGET=127.0.0.1:$TARGET_PORT
start_null_receiver "$T/receiver.log"
RECV=http://127.0.0.1:$RECV_PORT
log "target $TARGET (100k series), null receiver $RECV; interval ${INTERVAL}s, warm-up ${WARMUP}s, window ${WINDOW}s"

SCRAPE_YAML="    static_configs: [{targets: ['$TARGET']}]"

# Each start_* starts one agent with its own directory and sets AGENT_PID
# and READY_URL.
start_prom() {
  local d=$T/prom port
  mkdir -p "$d"
  port=$(free_port)
  cat >"$d/prom.yml" <<YML
global: {scrape_interval: ${INTERVAL}s, scrape_timeout: ${INTERVAL}s}
scrape_configs:
  - job_name: big
$SCRAPE_YAML
remote_write:
  - url: $RECV/prom
YML
  bench_spawn "$d/log" prometheus --enable-feature=agent --config.file="$d/prom.yml" \
    --storage.agent.path="$d/wal" --web.listen-address="127.0.0.1:$port"
  AGENT_PID=$BENCH_LAST_PID
  READY_URL=http://127.0.0.1:$port/-/ready
}

start_vm() {
  local d=$T/vm port
  mkdir -p "$d"
  port=$(free_port)
  cat >"$d/scrape.yml" <<YML
global: {scrape_interval: ${INTERVAL}s, scrape_timeout: ${INTERVAL}s}
scrape_configs:
  - job_name: big
$SCRAPE_YAML
YML
  bench_spawn "$d/log" vmagent -promscrape.config="$d/scrape.yml" -remoteWrite.url="$RECV/vm" \
    -remoteWrite.tmpDataPath="$d/data" -httpListenAddr="127.0.0.1:$port"
  AGENT_PID=$BENCH_LAST_PID
  READY_URL=http://127.0.0.1:$port/health
}

start_outpost() {
  local d=$T/outpost port
  mkdir -p "$d"
  port=$(free_port)
  cat >"$d/outpost.yaml" <<YML
server: {log_level: warn}
metrics:
  wal_directory: $d/wal
  global:
    scrape_interval: ${INTERVAL}s
    scrape_timeout: ${INTERVAL}s
    remote_write:
      - url: $RECV/outpost
  configs:
    - name: default
      scrape_configs:
        - job_name: big
      $SCRAPE_YAML
YML
  bench_spawn "$d/log" "$OUTPOST" -config.file="$d/outpost.yaml" -server.http.address="127.0.0.1:$port"
  AGENT_PID=$BENCH_LAST_PID
  READY_URL=http://127.0.0.1:$port/-/ready
}

RESULTS=$T/results.txt
: >"$RESULTS"
# run NAME START_FUNCTION PATH: one agent through warm-up and window; appends
# "name scrapes cpu_s rss_avg_kb rss_max_kb hwm_kb requests bytes window_bytes"
# to RESULTS.
run() {
  local name=$1 path=$3 c0 c1 g0 g1 b0 b1 rss hwm req bytes
  log "$name: starting"
  "$2"
  wait_http "$READY_URL" 60 "$AGENT_PID" || { tail -n 20 "$T/$path/log" >&2; die "$name did not become ready"; }
  sleep "$WARMUP"
  pid_alive "$AGENT_PID" || { tail -n 20 "$T/$path/log" >&2; die "$name died during the warm-up"; }
  log "$name: measuring ${WINDOW}s"
  c0=$(cpu_seconds "$AGENT_PID"); g0=$(target_gets "$T/target.log"); b0=$(receiver_count "/$path" bytes)
  rss=$(rss_window "$AGENT_PID" "$WINDOW") || { tail -n 20 "$T/$path/log" >&2; die "$name died during the window"; }
  c1=$(cpu_seconds "$AGENT_PID"); g1=$(target_gets "$T/target.log"); b1=$(receiver_count "/$path" bytes)
  hwm=$(proc_status_kb "$AGENT_PID" VmHWM)
  pid_alive "$AGENT_PID" || die "$name died"
  bench_stop_pid "$AGENT_PID"
  req=$(receiver_count "/$path" requests); bytes=$(receiver_count "/$path" bytes)
  echo "$name $((g1 - g0)) $(awk -v a="$c0" -v b="$c1" 'BEGIN {printf "%.3f", b - a}') $rss $hwm $req $bytes $((b1 - b0))" >>"$RESULTS"
}

for a in $AGENTS; do
  case $a in
    prometheus-agent) run "prometheus-agent" start_prom prom ;;
    vmagent) run "vmagent" start_vm vm ;;
    outpost) run "outpost" start_outpost outpost ;;
    *) die "unknown agent $a" ;;
  esac
done
pid_alive "$TARGET_PID" || die "the target server died"
pid_alive "$RECV_PID" || die "the null receiver died"

awk -v win="$WINDOW" '
  { name[NR] = $1; scr[NR] = $2; cpu[NR] = $3; avg[NR] = $4; max[NR] = $5; hwm[NR] = $6; req[NR] = $7; byt[NR] = $8; wb[NR] = $9; idx[$1] = NR }
  END {
    printf "\n%-17s %7s %8s %10s %11s %11s %10s %20s\n", "agent", "scrapes", "CPU s", "ms/scrape", "RSS avg MiB", "RSS max MiB", "VmHWM MiB", "shipped: req / MiB"
    bad = 0
    for (i = 1; i <= NR; i++) {
      ms[i] = scr[i] > 0 ? 1000 * cpu[i] / scr[i] : 0
      printf "%-17s %7d %8.2f %10.1f %11.1f %11.1f %10.1f %11d / %6.1f\n", name[i], scr[i], cpu[i], ms[i], avg[i] / 1024, max[i] / 1024, hwm[i] / 1024, req[i], byt[i] / 1048576
      if (scr[i] == 0) { printf "FAIL: %s: the target served no scrape in the window\n", name[i] > "/dev/stderr"; bad = 1 }
      if (byt[i] == 0 || wb[i] == 0) { w = byt[i] > 0 ? " in the window" : ""; printf "FAIL: %s shipped nothing%s\n", name[i], w > "/dev/stderr"; bad = 1 }
    }
    o = idx["outpost"]; v = idx["vmagent"]; p = idx["prometheus-agent"]
    if (o == "") exit bad
    if (avg[v] > 0) printf "\noutpost RSS avg / vmagent RSS avg: %.2f (goal <= 1.0)%s\n", avg[o] / avg[v], avg[o] <= avg[v] ? "" : " -- goal missed"
    if (v != "" && ms[v] > 0) printf "outpost CPU per scrape / vmagent: %.2f (goal <= 0.3)%s\n", ms[o] / ms[v], ms[o] <= 0.3 * ms[v] ? "" : " -- goal missed"
    if (avg[p] > 0 && ms[p] > 0) printf "(against the Prometheus agent: RSS %.2f, CPU per scrape %.2f)\n", avg[o] / avg[p], ms[o] / ms[p]
    exit bad
  }' "$RESULTS"
