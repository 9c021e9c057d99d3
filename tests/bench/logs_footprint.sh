#!/usr/bin/env bash
# logs_footprint.sh: the memory figures of the logs side (issue 17), with
# the outpost binary and the test tree's loki_receiver (a separate process):
#
#  1. idle: outpost with an empty logs instance (one target whose glob
#     matches nothing): RSS after 10 s;
#  2. 1000 files: the same with 1000 files of 100 lines each, tailed and
#     shipped: RSS once every line was sent (promtail_sent_entries_total),
#     and after 10 s more;
#  3. outage: a writer appends 500 lines/s to one file, the receiver is
#     stopped for OUTAGE_S seconds (default 600): RSS sampled every 30 s
#     must stay flat (the files are the buffer); then the receiver comes
#     back and the lines arrive.
#
#   tests/bench/logs_footprint.sh BUILD_DIR   (e.g. build-release)
#   OUTAGE_S=120 tests/bench/logs_footprint.sh build-release
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
BUILD=${1:?usage: logs_footprint.sh BUILD_DIR}
OUTPOST=$BUILD/outpost
RECEIVER=$BUILD/tests/logs/loki_receiver
OUTAGE_S=${OUTAGE_S:-600}
need_binary "$OUTPOST"
need_binary "$RECEIVER"
trap bench_cleanup EXIT INT TERM
bench_init
T=$BENCH_TMP

RECV_PORT=$(free_port)
start_receiver() {
  bench_spawn "$T/receiver.log" "$RECEIVER" --port "$RECV_PORT" --counts "$T/counts.json"
  RECV_PID=$BENCH_LAST_PID
  sleep 0.5
}

# config NAME GLOB
config() {
  cat >"$T/$1.yaml" <<EOF
metrics:
  wal_directory: $T/$1-wal
logs:
  positions_directory: $T/$1-positions
  configs:
  - name: bench
    clients:
    - url: http://127.0.0.1:$RECV_PORT/loki/api/v1/push
    scrape_configs:
    - job_name: bench
      static_configs:
      - targets: [localhost]
        labels:
          job: bench
          __path__: $2
EOF
}

sent() {
  curl -fsS "http://127.0.0.1:$1/metrics" 2>/dev/null |
    awk '/^promtail_sent_entries_total\{/ {s += $NF} END {printf "%d\n", s}'
}

run_agent() {  # NAME -> AGENT_PID, AGENT_PORT
  AGENT_PORT=$(free_port)
  bench_spawn "$T/$1.log" "$OUTPOST" -config.file="$T/$1.yaml" \
    -server.http.address="127.0.0.1:$AGENT_PORT"
  AGENT_PID=$BENCH_LAST_PID
  wait_http "http://127.0.0.1:$AGENT_PORT/-/ready" 30 "$AGENT_PID" || die "outpost did not start"
}

start_receiver

# 1. idle
mkdir -p "$T/none"
config idle "$T/none/*.log"
run_agent idle
sleep 10
IDLE=$(proc_status_kb "$AGENT_PID" VmRSS)
bench_stop_pid "$AGENT_PID"
echo "idle (empty logs instance): RSS ${IDLE} KiB"

# 2. 1000 files
mkdir -p "$T/files"
for i in $(seq 1 1000); do
  seq -f "file $i line %g ......................................................" 1 100 >"$T/files/f$i.log"
done
config files "$T/files/*.log"
run_agent files
for _ in $(seq 1 600); do
  [ "$(sent "$AGENT_PORT")" -ge 100000 ] && break
  sleep 0.5
done
[ "$(sent "$AGENT_PORT")" -ge 100000 ] || die "the 100000 lines were not sent"
R1=$(proc_status_kb "$AGENT_PID" VmRSS)
sleep 10
R2=$(proc_status_kb "$AGENT_PID" VmRSS)
FDS=$(ls "/proc/$AGENT_PID/fd" | wc -l)
bench_stop_pid "$AGENT_PID"
echo "1000 files tailed: RSS ${R1} KiB when sent, ${R2} KiB 10 s later; above idle: $(((R2 - IDLE) / 1024)) MiB; open fds ${FDS}"

# 3. outage
mkdir -p "$T/out"
config outage "$T/out/app.log"
run_agent outage
( i=0; while true; do
    for _ in $(seq 1 50); do echo "outage line $i ......................................................"; i=$((i + 1)); done >>"$T/out/app.log"
    sleep 0.1
  done ) &
WRITER=$!
BENCH_PIDS+=("$WRITER")
sleep 5
bench_stop_pid "$RECV_PID"
echo "receiver down for ${OUTAGE_S} s; RSS of outpost every 30 s (KiB):"
SAMPLES=()
for _ in $(seq 1 $((OUTAGE_S / 30))); do
  sleep 30
  SAMPLES+=("$(proc_status_kb "$AGENT_PID" VmRSS)")
  echo "  ${SAMPLES[-1]}"
done
start_receiver
kill "$WRITER" 2>/dev/null || true
WRITTEN=$(wc -l <"$T/out/app.log")
for _ in $(seq 1 240); do
  [ "$(sent "$AGENT_PORT")" -ge "$WRITTEN" ] && break
  sleep 0.5
done
echo "after the outage: ${WRITTEN} lines written, $(sent "$AGENT_PORT") sent by outpost since its start"
echo "outage RSS: first ${SAMPLES[0]} KiB, last ${SAMPLES[-1]} KiB"
