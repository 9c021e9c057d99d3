#!/bin/bash
# Replay after an outage (issue 23's replay goal: a restart with a WAL
# backlog costs at most 1.25 x the steady RSS and is ready in < 5 s).
#
# outpost scrapes a 100k-series target (tests/bench/gen_target.py, served
# by python's http.server) every second and remote-writes to a port nothing
# listens on, for OUTAGE seconds (default 180): the WAL holds the backlog.
# Its steady RSS is the average of one sample a second over the last 10 s
# before it is killed with SIGKILL. Then a null receiver
# (tests/bench/null_receiver.py) starts on that port and outpost is started
# again on the same WAL; the script measures exec -> /-/ready answering 200
# (polled every 10 ms), and VmRSS (every 0.5 s) and VmHWM of the restarted
# process until its queue has drained: the highest timestamp it has sent
# (prometheus_remote_storage_queue_highest_sent_timestamp_seconds) is past
# the restart and within 2 intervals + 1 s of the highest in its WAL
# (prometheus_remote_storage_highest_timestamp_in_seconds) for 5 s in a
# row. Prints VmHWM / steady RSS (goal <= 1.25) and the ready time (goal
# < 5 s), with the drain time and what was shipped.
#
# Usage: tests/bench/replay.sh [options] [path/to/outpost]
#   --outage S         receiver down for S seconds (default 180; also $OUTAGE)
#   --interval S       scrape interval (default 1; also $INTERVAL)
#   --series N         target size (default 100000; also $SERIES)
#   --drain-timeout S  give up draining after S seconds (default 900)
#   --keep             keep the temp dir (config, logs, WAL) and print its path
# The outpost binary defaults to $OUTPOST, else build-rel/outpost.
#
# Exits non-zero when a process died, outpost was not ready within 60 s,
# the queue did not drain in time, or nothing was shipped; the goals are
# reported, not enforced.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"

OUTPOST=${OUTPOST:-build-rel/outpost}
OUTAGE=${OUTAGE:-180}
INTERVAL=${INTERVAL:-1}
SERIES=${SERIES:-100000}
DRAIN_TIMEOUT=900
while [ $# -gt 0 ]; do
  case $1 in
    --outage) OUTAGE=$2; shift ;;
    --interval) INTERVAL=$2; shift ;;
    --series) SERIES=$2; shift ;;
    --drain-timeout) DRAIN_TIMEOUT=$2; shift ;;
    --keep) BENCH_KEEP_TMP=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) OUTPOST=$1 ;;
  esac
  shift
done
[ "$OUTAGE" -ge 20 ] || die "the outage must last at least 20 s"

need_binary curl curl
need_binary python3 python3
bench_setup_outpost

mkdir -p "$T/www" "$T/outpost"
gen_target "$T/www/metrics" --series "$SERIES"
start_target "$T/www" "$T/target.log"
RW_PORT=$(free_port)  # nothing listens there until the restart

cat >"$T/outpost/outpost.yaml" <<YML
server: {log_level: warn}
metrics:
  wal_directory: $T/outpost/wal
  global:
    scrape_interval: ${INTERVAL}s
    scrape_timeout: ${INTERVAL}s
    remote_write:
      - url: http://127.0.0.1:$RW_PORT/outpost
  configs:
    - name: replay
      scrape_configs:
        - job_name: replay
          static_configs: [{targets: ['127.0.0.1:$TARGET_PORT']}]
YML
HTTP_PORT=$(free_port)
BASE=http://127.0.0.1:$HTTP_PORT
start_outpost() {  # log
  bench_spawn "$1" "$OUTPOST" -config.file="$T/outpost/outpost.yaml" -server.http.address="127.0.0.1:$HTTP_PORT"
  PID=$BENCH_LAST_PID
}

# --- phase 1: the receiver is down -----------------------------------------
start_outpost "$T/outpost/log.1"
wait_http "$BASE/-/ready" 60 "$PID" || { tail -n 20 "$T/outpost/log.1" >&2; die "outpost did not start"; }
log "outpost pid $PID scrapes $SERIES series every ${INTERVAL}s; remote write to :$RW_PORT (down) for ${OUTAGE}s"
rss_window "$PID" "$((OUTAGE - 10))" >/dev/null || { tail -n 20 "$T/outpost/log.1" >&2; die "outpost died during the outage"; }
read -r STEADY STEADY_MAX < <(rss_window "$PID" 10) || die "outpost died during the outage"
[ -n "${STEADY:-}" ] || { tail -n 20 "$T/outpost/log.1" >&2; die "outpost died during the outage"; }
HWM1=$(proc_status_kb "$PID" VmHWM)
APPENDED=$(metric_sum "$BASE/metrics" agent_wal_samples_appended_total)
WAL_BYTES=$(du -sb "$T/outpost/wal" | cut -f1)
log "steady RSS $((STEADY / 1024)) MiB (max $((STEADY_MAX / 1024))), VmHWM $((HWM1 / 1024)) MiB, $APPENDED samples appended, WAL $((WAL_BYTES / 1048576)) MiB; SIGKILL"
kill -KILL "$PID"
bench_stop_pid "$PID"  # reaps it

# --- phase 2: restart with the receiver up ---------------------------------
start_null_receiver "$T/receiver.log" "$RW_PORT"
T0=$(date +%s.%N)
start_outpost "$T/outpost/log.2"
READY=""
for ((i = 0; i < 6000; i++)); do
  if curl -fsS -o /dev/null --max-time 1 "$BASE/-/ready" 2>/dev/null; then READY=$(date +%s.%N); break; fi
  pid_alive "$PID" || { tail -n 20 "$T/outpost/log.2" >&2; die "outpost died at the restart"; }
  sleep 0.01
done
[ -n "$READY" ] || die "outpost was not ready within 60 s of the restart"
READY_S=$(awk -v a="$T0" -v b="$READY" 'BEGIN {printf "%.3f", b - a}')
log "restarted outpost pid $PID ready after ${READY_S}s; draining"

RSS_MAX=0 OK_SINCE="" DRAINED=""
LIMIT=$(awk -v i="$INTERVAL" 'BEGIN {print 2 * i + 1}')
while :; do
  pid_alive "$PID" || { tail -n 20 "$T/outpost/log.2" >&2; die "outpost died while draining"; }
  pid_alive "$RECV_PID" || die "the null receiver died"
  r=$(rss_kb "$PID")
  [ "$r" -gt "$RSS_MAX" ] && RSS_MAX=$r
  page=$(curl -fsS --max-time 5 "$BASE/metrics" 2>/dev/null || true)
  now=$(date +%s.%N)
  state=$(awk -v t0="$T0" -v lim="$LIMIT" '
    $1 ~ /^prometheus_remote_storage_highest_timestamp_in_seconds(\{|$)/ {h = $NF; seen++}
    $1 ~ /^prometheus_remote_storage_queue_highest_sent_timestamp_seconds(\{|$)/ {s = $NF; seen++}
    END {if (seen < 2) print "missing"; else if (s >= t0 && h - s <= lim) print "caught-up"; else printf "behind %.0fs\n", h - s}' <<<"$page")
  [ "$state" != missing ] || die "outpost's /metrics has no prometheus_remote_storage_*timestamp* gauges"
  if [ "$state" = caught-up ]; then
    [ -n "$OK_SINCE" ] || OK_SINCE=$now
    if awk -v a="$OK_SINCE" -v b="$now" 'BEGIN {exit !(b - a >= 5)}'; then DRAINED=$OK_SINCE; break; fi
  else
    OK_SINCE=""
  fi
  if awk -v a="$T0" -v b="$now" -v l="$DRAIN_TIMEOUT" 'BEGIN {exit !(b - a > l)}'; then
    die "the queue did not drain within ${DRAIN_TIMEOUT}s ($state)"
  fi
  sleep 0.5
done
HWM=$(proc_status_kb "$PID" VmHWM)
DRAIN_S=$(awk -v a="$T0" -v b="$DRAINED" 'BEGIN {printf "%.1f", b - a}')
REQ=$(receiver_count /outpost requests)
BYTES=$(receiver_count /outpost bytes)
SENT=$(metric_sum "$BASE/metrics" prometheus_remote_storage_samples_total)
[ "$BYTES" -gt 0 ] || die "the restarted outpost shipped nothing"

awk -v steady="$STEADY" -v hwm="$HWM" -v rmax="$RSS_MAX" -v hwm1="$HWM1" -v ready="$READY_S" -v drain="$DRAIN_S" \
    -v req="$REQ" -v bytes="$BYTES" -v sent="$SENT" -v app="$APPENDED" -v wal="$WAL_BYTES" -v outage="$OUTAGE" 'BEGIN {
  printf "\noutage %d s: %.0f samples appended, WAL %.1f MiB; steady RSS (last 10 s) %.1f MiB, VmHWM before the kill %.1f MiB\n", outage, app, wal / 1048576, steady / 1024, hwm1 / 1024
  printf "restart: exec -> /-/ready %.3f s (goal < 5 s)%s\n", ready, ready < 5 ? "" : " -- goal missed"
  printf "restart: drained %.1f s after exec; %d requests, %.1f MiB, %.0f samples sent\n", drain, req, bytes / 1048576, sent
  printf "restart: VmHWM %.1f MiB (max sampled RSS %.1f MiB) / steady %.1f MiB = %.3f (goal <= 1.25)%s\n", hwm / 1024, rmax / 1024, steady / 1024, hwm / steady, hwm <= 1.25 * steady ? "" : " -- goal missed"
}'
