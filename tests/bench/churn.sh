#!/bin/bash
# Series churn (issue 23's churn goal: outpost's RSS stays flat, within
# 10 %, while series come and go). outpost scrapes a 100k-series target
# (tests/bench/gen_target.py --generation G, served by python's
# http.server) every 5 s and remote-writes to a null receiver
# (tests/bench/null_receiver.py). Every minute the body is regenerated
# (written to a temp file and renamed) with the next generation: 10 % of
# the series get a new gen="<G>" label value, i.e. 10k series end and 10k
# new ones start each minute.
#
# outpost's WAL is truncated every minute (wal_truncate_frequency: 1m,
# min_wal_time: 10s, max_wal_time: 5m on the instance), so the series that
# ended (their staleness markers included) are garbage-collected by the
# next truncation instead of after the defaults' hour. The script's minutes
# start 30 s after outpost's exec, so each truncation (every minute from
# the WAL's opening) falls in the middle of a minute: a minute's end is
# after the GC of the series the previous generation ended and before the
# next generation is written. VmRSS is sampled every 10 s; the report
# gives, for minute 1..N, the RSS at the end of the minute, its range in
# the minute, the WAL's active series, series removed and truncations so
# far, and the ratio last / first minute (goal: <= 1.10). Also the ratio of
# the last minute to the lowest minute-end RSS after minute 1, and to the
# first minute that ended after a GC removed series (the issue's wording:
# "RSS after the last GC within 10 % of the first").
#
# Usage: tests/bench/churn.sh [options] [path/to/outpost] [minutes]
#   minutes          run length (default 30; also $MINUTES)
#   --interval S     scrape interval (default 5; also $INTERVAL)
#   --series N       target size (default 100000; also $SERIES)
#   --keep           keep the temp dir (config, logs, WAL) and print its path
# The outpost binary defaults to $OUTPOST, else build-rel/outpost.
#
# Exits non-zero when outpost or a helper died or nothing was shipped; the
# goal is reported, not enforced.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"

OUTPOST=${OUTPOST:-build-rel/outpost}
MINUTES=${MINUTES:-30}
INTERVAL=${INTERVAL:-5}
SERIES=${SERIES:-100000}
pos=()
while [ $# -gt 0 ]; do
  case $1 in
    --interval) INTERVAL=$2; shift ;;
    --series) SERIES=$2; shift ;;
    --keep) BENCH_KEEP_TMP=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) pos+=("$1") ;;
  esac
  shift
done
[ "${#pos[@]}" -ge 1 ] && OUTPOST=${pos[0]}
[ "${#pos[@]}" -ge 2 ] && MINUTES=${pos[1]}
[ "$MINUTES" -ge 2 ] || die "run at least 2 minutes"
[ "$INTERVAL" -le 60 ] || die "the interval must not exceed wal_truncate_frequency (1m)"

need_binary curl curl
need_binary python3 python3
bench_setup_outpost

mkdir -p "$T/www" "$T/outpost"
gen_target "$T/www/metrics" --series "$SERIES" --generation 0
start_target "$T/www" "$T/target.log"
start_null_receiver "$T/receiver.log"

cat >"$T/outpost/outpost.yaml" <<YML
server: {log_level: warn}
metrics:
  wal_directory: $T/outpost/wal
  global:
    scrape_interval: ${INTERVAL}s
    scrape_timeout: ${INTERVAL}s
    remote_write:
      - url: http://127.0.0.1:$RECV_PORT/outpost
  configs:
    - name: churn
      wal_truncate_frequency: 1m
      min_wal_time: 10s
      max_wal_time: 5m
      scrape_configs:
        - job_name: churn
          static_configs: [{targets: ['127.0.0.1:$TARGET_PORT']}]
YML
HTTP_PORT=$(free_port)
START=$(($(date +%s) + 30))  # minute boundaries 30 s off the truncations
bench_spawn "$T/outpost/log" "$OUTPOST" -config.file="$T/outpost/outpost.yaml" \
  -server.http.address="127.0.0.1:$HTTP_PORT"
PID=$BENCH_LAST_PID
METRICS=http://127.0.0.1:$HTTP_PORT/metrics
wait_http "http://127.0.0.1:$HTTP_PORT/-/ready" 60 "$PID" || { tail -n 20 "$T/outpost/log" >&2; die "outpost did not start"; }
log "outpost pid $PID; target :$TARGET_PORT ($SERIES series, 10 % replaced a minute), every ${INTERVAL}s, $MINUTES minutes"

alive() {
  pid_alive "$PID" || { tail -n 20 "$T/outpost/log" >&2; die "outpost died"; }
  pid_alive "$TARGET_PID" || die "the target server died"
  pid_alive "$RECV_PID" || die "the null receiver died"
}

RESULTS=$T/minutes.txt
: >"$RESULTS"
for ((m = 1; m <= MINUTES; m++)); do
  lo=0 hi=0
  for ((tick = 1; tick <= 6; tick++)); do
    wake=$((START + (m - 1) * 60 + tick * 10))
    now=$(date +%s)
    [ "$wake" -le "$now" ] || sleep "$((wake - now))"
    alive
    rss=$(rss_kb "$PID")
    echo "$m $tick $rss" >>"$T/samples.txt"
    if [ "$lo" -eq 0 ] || [ "$rss" -lt "$lo" ]; then lo=$rss; fi
    [ "$rss" -gt "$hi" ] && hi=$rss
  done
  active=$(metric_sum "$METRICS" agent_wal_storage_active_series)
  removed=$(metric_sum "$METRICS" agent_wal_storage_removed_series_total)
  truncs=$(metric_sum "$METRICS" prometheus_tsdb_wal_truncations_total)
  bytes=$(receiver_count /outpost bytes)
  echo "$m $rss $lo $hi $active $removed $truncs $bytes" >>"$RESULTS"
  log "minute $m: RSS $((rss / 1024)) MiB (in the minute $((lo / 1024))-$((hi / 1024))), active series $active, removed $removed, truncations $truncs, shipped $((bytes / 1048576)) MiB"
  if [ "$m" -lt "$MINUTES" ]; then gen_target "$T/www/metrics" --series "$SERIES" --generation "$m"; fi
done
alive
HWM=$(proc_status_kb "$PID" VmHWM)

awk -v hwm="$HWM" '
  { m[NR] = $1; rss[NR] = $2; lo[NR] = $3; hi[NR] = $4; act[NR] = $5; rem[NR] = $6; tr[NR] = $7; byt[NR] = $8 }
  END {
    printf "\n%6s %13s %17s %14s %15s %11s %12s\n", "minute", "RSS end MiB", "min-max in minute", "active series", "series removed", "truncations", "shipped MiB"
    for (i = 1; i <= NR; i++)
      printf "%6d %13.1f %8.1f-%-8.1f %14d %15d %11d %12.1f\n", m[i], rss[i] / 1024, lo[i] / 1024, hi[i] / 1024, act[i], rem[i], tr[i], byt[i] / 1048576
    best = 0
    for (i = 2; i <= NR; i++) if (best == 0 || rss[i] < best) best = rss[i]
    printf "\nRSS last / first minute: %.1f / %.1f MiB = %.3f (goal <= 1.10)%s\n", rss[NR] / 1024, rss[1] / 1024, rss[NR] / rss[1], rss[NR] <= 1.10 * rss[1] ? "" : " -- goal missed"
    if (best > 0) printf "RSS last / lowest minute-end after minute 1: %.3f; VmHWM %.1f MiB\n", rss[NR] / best, hwm / 1024
    # The issue words the goal as "RSS after the last GC within 10 % of the
    # first": the first minute that ended after series were removed.
    gc = 0
    for (i = 1; i <= NR; i++) if (gc == 0 && rem[i] > 0) gc = i
    if (gc > 0) printf "RSS last / first minute after a GC (minute %d): %.1f / %.1f MiB = %.3f (goal <= 1.10)%s\n", m[gc], rss[NR] / 1024, rss[gc] / 1024, rss[NR] / rss[gc], rss[NR] <= 1.10 * rss[gc] ? "" : " -- goal missed"
    if (byt[NR] == 0) { print "FAIL: outpost shipped nothing" > "/dev/stderr"; exit 1 }
    if (tr[NR] == 0) print "note: no WAL truncation happened in the run" > "/dev/stderr"
  }' "$RESULTS"
