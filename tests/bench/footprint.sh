#!/bin/bash
# Footprint side by side (issues 9 and 23): the Go stacks that outpost
# replaces against outpost, shipping the same data to the same receiver.
#
#   Run A: Prometheus 2.42 in agent mode scraping node_exporter 1.5,
#          mysqld_exporter 0.14 and redis_exporter 1.45 (one process each);
#   Run B: outpost with the node, mysqld and redis integrations;
#   Run C: vmagent 1.79 scraping the same three exporters.
#
# All point at one throwaway MariaDB and one Redis, use the same interval
# (1 s and 15 s), and remote-write to one Prometheus receiver
# (--web.enable-remote-write-receiver). Each run carries an external label
# run="<side>-<interval>-<rep>" (vmagent: -remoteWrite.label=run=...), so
# the receiver tells them apart. For every process: CPU seconds (utime +
# stime from /proc/PID/stat) per minute of the measured window, RSS
# averaged over one sample a second, and VmHWM (peak). Runs A's and C's
# cost is the agent + the three exporters; the databases and the receiver
# are shown for context only. Issue 9's targets are B/A; issue 23's goals
# are outpost RSS <= 20 MiB and outpost CPU <= 0.8 x vmagent's own CPU
# (exporters excluded; the ratio to the whole C stack is printed too). Series and samples delivered are
# counted per job by querying the receiver over each window. The report also
# gives the RSS floor of outpost's shared libraries (tests/bench/rss_floor.c:
# the same libraries loaded and initialized by a program that does nothing
# else) and outpost's RSS above it.
#
# Usage: tests/bench/footprint.sh [options] [path/to/outpost]
#   --outpost PATH   outpost binary (also $OUTPOST; default build-release/outpost,
#                    built there when absent)
#   --warmup S       warm-up before each window (default 20)
#   --window1 S      measured window at 1 s interval (default 60)
#   --window15 S     measured window at 15 s interval (default 120)
#   --reps N         repetitions of the whole A/B/C sequence (default 2)
#   --intervals "1 15"  intervals to run (seconds)
#   --sides "A B C"  runs to do (B and at least one of A, C)
#   --quick          warm-up 5, windows 15/30, 1 repetition (< 3 min)
#   --no-startup     skip the startup-to-first-sample measurement
#   --enforce-target also fail when CPU B/A > 0.10 or RSS B/A > 1/6
#   --keep           keep the temp dir (logs, WALs) and print its path
#
# Exits non-zero when a process died, either side delivered no series, or
# outpost delivered fewer comparable series than the stack for some job
# (comparable: without the Go exporters' own go_*, process_*, promhttp_*
# and *_exporter_build_info series, which describe processes outpost does
# not have). Needs root or apt for missing packages, python3 and curl.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"

OUTPOST=${OUTPOST:-}
WARMUP=20
WINDOW1=60
WINDOW15=120
REPS=2
INTERVALS="1 15"
SIDES="A B C"
STARTUP=1
ENFORCE=0
while [ $# -gt 0 ]; do
  case $1 in
    --outpost) OUTPOST=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --window1) WINDOW1=$2; shift ;;
    --window15) WINDOW15=$2; shift ;;
    --reps) REPS=$2; shift ;;
    --intervals) INTERVALS=$2; shift ;;
    --sides) SIDES=$2; shift ;;
    --quick) WARMUP=5; WINDOW1=15; WINDOW15=30; REPS=1 ;;
    --no-startup) STARTUP=0 ;;
    --enforce-target) ENFORCE=1 ;;
    --keep) BENCH_KEEP_TMP=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) OUTPOST=$1 ;;
  esac
  shift
done
[ "$REPS" -ge 1 ] || die "--reps must be >= 1"
for side in $SIDES; do
  case $side in A|B|C) ;; *) die "--sides: unknown side $side" ;; esac
done
case " $SIDES " in *" B "*) ;; *) die "--sides must include B (outpost)" ;; esac
case " $SIDES " in *" A "*|*" C "*) ;; *) die "--sides must include A or C (a stack to compare with)" ;; esac

# --- binaries -------------------------------------------------------------
need_binary prometheus prometheus
case " $SIDES " in *" C "*) need_binary vmagent victoria-metrics ;; esac
need_binary prometheus-node-exporter prometheus-node-exporter
need_binary prometheus-mysqld-exporter prometheus-mysqld-exporter
need_binary prometheus-redis-exporter prometheus-redis-exporter
need_binary mariadb-install-db mariadb-server
need_binary /usr/sbin/mariadbd mariadb-server
need_binary redis-server redis-server
need_binary curl curl
need_binary python3 python3
need_binary cc gcc
need_binary readelf binutils
if [ -z "$OUTPOST" ]; then
  OUTPOST=$REPO/build-release/outpost
  if [ ! -x "$OUTPOST" ]; then
    echo "building $OUTPOST" >&2
    cmake -S "$REPO" -B "$REPO/build-release" -G Ninja -DCMAKE_BUILD_TYPE=Release >&2
    cmake --build "$REPO/build-release" --target outpost -j2 >&2
  fi
fi
bench_setup_outpost
RESULTS=$T/results.tsv
: >"$RESULTS"

# --- shared services: MariaDB, Redis, receiver ----------------------------
DB_USER=exporter
DB_PASS=fp-bench-pw
start_mariadb() {
  mkdir -p "$T/mariadb/tmp"
  local user=root
  [ "$(id -u)" = 0 ] || user=$(id -un)
  mariadb-install-db --no-defaults --datadir="$T/mariadb/data" --user="$user" \
    --auth-root-authentication-method=normal --skip-test-db --tmpdir="$T/mariadb/tmp" \
    >"$T/mariadb/install.log" 2>&1 || { cat "$T/mariadb/install.log" >&2; die "mariadb-install-db failed"; }
  DB_PORT=$(free_port)
  DB_SOCK=$T/mariadb/mysqld.sock
  bench_spawn "$T/mariadb/server.log" /usr/sbin/mariadbd --no-defaults --datadir="$T/mariadb/data" \
    --tmpdir="$T/mariadb/tmp" --port="$DB_PORT" --socket="$DB_SOCK" --bind-address=127.0.0.1 \
    --pid-file="$T/mariadb/mariadbd.pid" --performance_schema=ON --log-bin=mysql-bin --server-id=1 \
    --innodb-buffer-pool-size=16M --log-error="$T/mariadb/error.log" --user="$user"
  DB_PID=$BENCH_LAST_PID
  local i
  for ((i = 0; i < 300; i++)); do
    mariadb --no-defaults --socket="$DB_SOCK" -uroot -e 'SELECT 1' >/dev/null 2>&1 && break
    pid_alive "$DB_PID" || { cat "$T/mariadb/error.log" >&2; die "mariadbd exited"; }
    sleep 0.1
  done
  mariadb --no-defaults --socket="$DB_SOCK" -uroot -e "
    CREATE USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
    GRANT PROCESS, REPLICATION CLIENT, SELECT, SLAVE MONITOR ON *.* TO '$DB_USER'@'127.0.0.1';" \
    || die "creating the exporter user failed"
  DSN="$DB_USER:$DB_PASS@tcp(127.0.0.1:$DB_PORT)/"
}

start_redis() {
  mkdir -p "$T/redis"
  REDIS_PORT=$(free_port)
  bench_spawn "$T/redis/server.log" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 \
    --dir "$T/redis" --save '' --appendonly no --daemonize no
  REDIS_PID=$BENCH_LAST_PID
  local i
  for ((i = 0; i < 100; i++)); do
    [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && break
    pid_alive "$REDIS_PID" || die "redis-server exited"
    sleep 0.1
  done
  redis-cli -p "$REDIS_PORT" set footprint:key 1 >/dev/null
}

start_receiver() {
  mkdir -p "$T/receiver"
  echo 'global: {}' >"$T/receiver/prom.yml"
  RECV_PORT=$(free_port)
  bench_spawn "$T/receiver/log" prometheus --config.file="$T/receiver/prom.yml" \
    --storage.tsdb.path="$T/receiver/data" --web.listen-address="127.0.0.1:$RECV_PORT" \
    --web.enable-remote-write-receiver --storage.tsdb.retention.time=1d
  RECV_PID=$BENCH_LAST_PID
  wait_http "http://127.0.0.1:$RECV_PORT/-/ready" 60 "$RECV_PID" || { cat "$T/receiver/log" >&2; die "receiver did not start"; }
  RECV_URL="http://127.0.0.1:$RECV_PORT/api/v1/write"
}

# --- one measured run ------------------------------------------------------
# Globals a run fills: RUN_NAMES[i], RUN_PIDS[i] (the counted processes).
RUN_NAMES=()
RUN_PIDS=()
run_add() { RUN_NAMES+=("$1"); RUN_PIDS+=("$2"); }

timeout_for() { if [ "$1" -lt 10 ]; then echo "${1}s"; else echo 10s; fi; }

# The three Go exporters of runs A and C; sets EXPORTER_PORTS (node,
# mysqld, redis) and SCRAPE_CONFIGS (their scrape_configs, for either agent).
start_exporters() {  # dir
  local d=$1 np mp rp
  mkdir -p "$d"
  np=$(free_port); mp=$(free_port); rp=$(free_port)
  bench_spawn "$d/node.log" prometheus-node-exporter --web.listen-address="127.0.0.1:$np"
  run_add node_exporter "$BENCH_LAST_PID"
  DATA_SOURCE_NAME=$DSN bench_spawn "$d/mysqld.log" prometheus-mysqld-exporter \
    --web.listen-address="127.0.0.1:$mp" --config.my-cnf=/dev/null
  run_add mysqld_exporter "$BENCH_LAST_PID"
  bench_spawn "$d/redis.log" prometheus-redis-exporter --redis.addr="redis://127.0.0.1:$REDIS_PORT" \
    --web.listen-address="127.0.0.1:$rp"
  run_add redis_exporter "$BENCH_LAST_PID"
  local e
  for e in "$np:node_exporter" "$mp:mysqld_exporter" "$rp:redis_exporter"; do
    wait_http "http://127.0.0.1:${e%%:*}/metrics" 30 || { tail "$d"/*.log >&2; die "${e#*:} did not start"; }
  done
  SCRAPE_CONFIGS="scrape_configs:
  - {job_name: integrations/node_exporter, static_configs: [{targets: ['127.0.0.1:$np']}]}
  - {job_name: integrations/mysqld_exporter, static_configs: [{targets: ['127.0.0.1:$mp']}]}
  - {job_name: integrations/redis_exporter, static_configs: [{targets: ['127.0.0.1:$rp']}]}"
}

start_stack() {  # interval run_id dir
  local iv=$1 id=$2 d=$3 pp
  start_exporters "$d"
  pp=$(free_port)
  cat >"$d/prom.yml" <<YML
global:
  scrape_interval: ${iv}s
  scrape_timeout: $(timeout_for "$iv")
  external_labels: {run: "$id"}
$SCRAPE_CONFIGS
remote_write:
  - url: $RECV_URL
YML
  bench_spawn "$d/prometheus.log" prometheus --enable-feature=agent --config.file="$d/prom.yml" \
    --storage.agent.path="$d/wal" --web.listen-address="127.0.0.1:$pp"
  run_add prometheus_agent "$BENCH_LAST_PID"
  wait_http "http://127.0.0.1:$pp/-/ready" 60 "$BENCH_LAST_PID" || { tail "$d/prometheus.log" >&2; die "prometheus agent did not start"; }
}

start_vm_stack() {  # interval run_id dir
  local iv=$1 id=$2 d=$3 vp
  start_exporters "$d"
  vp=$(free_port)
  cat >"$d/scrape.yml" <<YML
global:
  scrape_interval: ${iv}s
  scrape_timeout: $(timeout_for "$iv")
$SCRAPE_CONFIGS
YML
  bench_spawn "$d/vmagent.log" vmagent -promscrape.config="$d/scrape.yml" -remoteWrite.url="$RECV_URL" \
    -remoteWrite.label="run=$id" -remoteWrite.tmpDataPath="$d/vmagent-data" -httpListenAddr="127.0.0.1:$vp"
  run_add vmagent "$BENCH_LAST_PID"
  wait_http "http://127.0.0.1:$vp/health" 60 "$BENCH_LAST_PID" || { tail "$d/vmagent.log" >&2; die "vmagent did not start"; }
}

write_outpost_config() {  # interval run_id dir
  cat >"$3/outpost.yaml" <<YML
server: {log_level: warn}
metrics:
  wal_directory: $3/wal
  global:
    scrape_interval: ${1}s
    scrape_timeout: $(timeout_for "$1")
    external_labels: {run: "$2"}
    remote_write:
      - url: $RECV_URL
integrations:
  node_exporter: {enabled: true}
  mysqld_exporter: {enabled: true, data_source_name: "$DSN"}
  redis_exporter: {enabled: true, redis_addr: "127.0.0.1:$REDIS_PORT"}
YML
}

start_outpost() {  # interval run_id dir
  local d=$3 port
  mkdir -p "$d"
  write_outpost_config "$1" "$2" "$d"
  port=$(free_port)
  bench_spawn "$d/outpost.log" "$OUTPOST" -config.file="$d/outpost.yaml" -server.http.address="127.0.0.1:$port"
  run_add outpost "$BENCH_LAST_PID"
  wait_http "http://127.0.0.1:$port/-/ready" 60 "$BENCH_LAST_PID" || { tail "$d/outpost.log" >&2; die "outpost did not start"; }
}

check_alive() {  # dir
  local i
  for i in "${!RUN_PIDS[@]}"; do
    pid_alive "${RUN_PIDS[$i]}" || { tail -n 30 "$1"/*.log >&2; die "${RUN_NAMES[$i]} (pid ${RUN_PIDS[$i]}) died"; }
  done
  pid_alive "$DB_PID" || die "mariadbd died"
  pid_alive "$REDIS_PID" || die "redis-server died"
  pid_alive "$RECV_PID" || die "the receiver died"
}

# Runs the processes already in RUN_* through warm-up and window, writes
# result lines, then counts what the receiver got for run_id.
measure() {  # side interval rep run_id window dir
  local side=$1 iv=$2 rep=$3 id=$4 win=$5 d=$6
  local names=("${RUN_NAMES[@]}" mariadbd redis-server receiver)
  local pids=("${RUN_PIDS[@]}" "$DB_PID" "$REDIS_PID" "$RECV_PID")
  local n=${#pids[@]} i s
  sleep "$WARMUP"
  check_alive "$d"
  local cpu0=() rss=() t0 t1
  for ((i = 0; i < n; i++)); do cpu0[i]=$(cpu_seconds "${pids[$i]}"); rss[i]=0; done
  t0=$(date +%s.%N)
  for ((s = 0; s < win; s++)); do
    sleep 1
    for ((i = 0; i < n; i++)); do
      local r
      r=$(rss_kb "${pids[$i]}")
      [ "$r" -gt 0 ] || check_alive "$d"  # a process is gone: fail now
      rss[i]=$((rss[i] + r))
    done
  done
  t1=$(date +%s.%N)
  check_alive "$d"
  for ((i = 0; i < n; i++)); do
    local counted=1 c1 hwm
    [ "$i" -ge "${#RUN_PIDS[@]}" ] && counted=0
    c1=$(cpu_seconds "${pids[$i]}")
    hwm=$(proc_status_kb "${pids[$i]}" VmHWM)
    printf 'proc\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$iv" "$rep" "$side" "${names[$i]}" "$counted" \
      "$(awk -v a="${cpu0[$i]}" -v b="$c1" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.4f", (b - a) * 60 / (t1 - t0)}')" \
      "$((rss[i] / win))" "$hwm" "${pids[$i]}" >>"$RESULTS"
  done
  # Let the last scrapes reach the receiver (batch_send_deadline is 5 s).
  sleep 8
  check_alive "$d"
  count_delivered "$side" "$iv" "$rep" "$id" "$t1" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%d", b - a}')"
}

# Queries the receiver: per job, series with a sample in (t1 - W, t1], the
# comparable subset, and samples.
count_delivered() {  # side interval rep run_id t1 W
  python3 - "$RECV_PORT" "$@" >>"$RESULTS" <<'PY'
import json, re, sys, urllib.parse, urllib.request
port, side, iv, rep, rid, t1, w = sys.argv[1:8]
own = re.compile('go_.*|process_.*|promhttp_.*|.*_exporter_build_info')
# The raw samples of the run in (t1 - w, t1] (a range-vector query returns
# them as they are stored).
url = 'http://127.0.0.1:%s/api/v1/query?%s' % (
    port, urllib.parse.urlencode({'query': '{run="%s"}[%ss]' % (rid, w), 'time': t1}))
with urllib.request.urlopen(url, timeout=60) as r:
    body = json.load(r)
series, cmp, samples = {}, {}, {}
for s in body['data']['result']:
    job = s['metric'].get('job', '')
    if not s['values']:
        continue
    series[job] = series.get(job, 0) + 1
    samples[job] = samples.get(job, 0) + len(s['values'])
    if not own.fullmatch(s['metric'].get('__name__', '')):
        cmp[job] = cmp.get(job, 0) + 1
for job in sorted(series) or ['(none)']:
    print('series\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s' % (iv, rep, side, job, series.get(job, 0), cmp.get(job, 0), samples.get(job, 0), w))
PY
}

stop_run() {
  local i
  for ((i = ${#RUN_PIDS[@]} - 1; i >= 0; i--)); do bench_stop_pid "${RUN_PIDS[$i]}"; done
  RUN_NAMES=()
  RUN_PIDS=()
}

# Startup: exec outpost with an empty WAL dir, poll the receiver until the
# run's first sample is there.
measure_startup() {  # rep
  local d=$T/startup-$1 id="startup-$1" port t0 t_ready="" t_first="" now i
  mkdir -p "$d"
  write_outpost_config 1 "$id" "$d"
  port=$(free_port)
  t0=$(date +%s.%N)
  bench_spawn "$d/outpost.log" "$OUTPOST" -config.file="$d/outpost.yaml" -server.http.address="127.0.0.1:$port"
  local pid=$BENCH_LAST_PID
  for ((i = 0; i < 600; i++)); do
    now=$(date +%s.%N)
    if [ -z "$t_ready" ] && curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/-/ready" 2>/dev/null; then t_ready=$now; fi
    if curl -fsS --max-time 2 "http://127.0.0.1:$RECV_PORT/api/v1/query" \
        --data-urlencode "query=count({run=\"$id\"})" 2>/dev/null | grep -q '"value"'; then
      t_first=$(date +%s.%N)
      break
    fi
    pid_alive "$pid" || die "outpost died at startup: $(tail "$d/outpost.log")"
    sleep 0.05
  done
  bench_stop_pid "$pid"
  [ -n "$t_first" ] || die "startup: no sample reached the receiver in 30 s"
  printf 'startup\t%s\t%s\t%s\n' "$1" \
    "$(awk -v a="$t0" -v b="${t_ready:-$t_first}" 'BEGIN {printf "%.3f", b - a}')" \
    "$(awk -v a="$t0" -v b="$t_first" 'BEGIN {printf "%.3f", b - a}')" >>"$RESULTS"
}

# The RSS floor under outpost: tests/bench/rss_floor.c linked with the
# outpost binary's own DT_NEEDED libraries, run with the libraries only
# loaded and then with libcurl and MariaDB Connector/C initialized.
measure_floor() {
  local needed
  needed=$(readelf -d "$OUTPOST" | sed -n 's/.*Shared library: \[\(.*\)\]/-l:\1/p')
  [ -n "$needed" ] || die "readelf found no shared libraries in $OUTPOST"
  # shellcheck disable=SC2086  # one -l: flag per word
  cc -O2 -o "$T/rss_floor" "$HERE/rss_floor.c" -Wl,--no-as-needed $needed \
    || die "building tests/bench/rss_floor.c failed"
  printf 'floor\t%s\t%s\n' "$("$T/rss_floor")" "$("$T/rss_floor" --init)" >>"$RESULTS"
}

# --- main ------------------------------------------------------------------
log "outpost: $OUTPOST; warm-up ${WARMUP}s, windows ${WINDOW1}s (1 s) / ${WINDOW15}s (15 s), $REPS repetition(s)"
start_mariadb
start_redis
start_receiver
log "MariaDB :$DB_PORT, Redis :$REDIS_PORT, receiver :$RECV_PORT"
measure_floor
for ((rep = 1; rep <= REPS; rep++)); do
  for iv in $INTERVALS; do
    win=$WINDOW15
    [ "$iv" -lt 15 ] && win=$WINDOW1
    [ "$win" -ge "$((2 * iv))" ] || die "window ${win}s is shorter than two ${iv}s intervals"
    for side in $SIDES; do
      case $side in
        A) log "rep $rep, interval ${iv}s: A (Prometheus agent + 3 exporters)"
           start_stack "$iv" "A-$iv-$rep" "$T/A-$iv-$rep" ;;
        B) log "rep $rep, interval ${iv}s: B (outpost)"
           start_outpost "$iv" "B-$iv-$rep" "$T/B-$iv-$rep" ;;
        C) log "rep $rep, interval ${iv}s: C (vmagent + 3 exporters)"
           start_vm_stack "$iv" "C-$iv-$rep" "$T/C-$iv-$rep" ;;
      esac
      measure "$side" "$iv" "$rep" "$side-$iv-$rep" "$win" "$T/$side-$iv-$rep"
      stop_run
    done
  done
  if [ "$STARTUP" = 1 ]; then measure_startup "$rep"; fi
done

# --- report ------------------------------------------------------------
python3 - "$RESULTS" "$ENFORCE" "$SIDES" <<'PY'
import collections, statistics, sys
path, enforce = sys.argv[1], sys.argv[2] == '1'
SIDES = [s for s in ('A', 'B', 'C') if s in sys.argv[3].split()]
procs = collections.defaultdict(list)      # (iv, side, name) -> [(cpu, rss, hwm)]
counted = {}
totals = collections.defaultdict(lambda: collections.defaultdict(lambda: [0.0, 0, 0]))  # (iv, side) -> rep -> [cpu, rss, hwm]
series = collections.defaultdict(dict)      # (iv, rep, side) -> job -> (series, cmp, samples, w)
startup = []
floor = None                                 # (loaded, initialized) KiB
for line in open(path):
    f = line.rstrip('\n').split('\t')
    if f[0] == 'proc':
        _, iv, rep, side, name, cnt, cpu, rss, hwm, _pid = f
        iv = int(iv); cpu = float(cpu); rss = int(rss); hwm = int(hwm)
        procs[(iv, side, name)].append((cpu, rss, hwm))
        counted[(side, name)] = cnt == '1'
        if cnt == '1':
            t = totals[(iv, side)][rep]
            t[0] += cpu; t[1] += rss; t[2] += hwm
    elif f[0] == 'series':
        _, iv, rep, side, job, n, c, smp, w = f
        series[(int(iv), rep, side)][job] = (int(n), int(c), int(smp), int(w))
    elif f[0] == 'floor':
        floor = (int(f[1]), int(f[2]))
    elif f[0] == 'startup':
        startup.append((float(f[2]), float(f[3])))

def spread(v, fmt):
    if len(v) == 1 or min(v) == max(v):
        return fmt % v[0]
    return (fmt + ' [' + fmt + '-' + fmt + ']') % (statistics.mean(v), min(v), max(v))
mib = lambda kb: kb / 1024.0
failures, summary = [], []
for iv in sorted({k[0] for k in procs}):
    print('\n=== interval %d s (CPU-s/min; RSS avg and VmHWM in MiB; mean [min-max] over repetitions) ===' % iv)
    print('%-4s %-18s %-26s %-24s %s' % ('side', 'process', 'CPU-s/min', 'RSS avg', 'VmHWM'))
    for side in SIDES:
        for (i, s, name), v in sorted(procs.items()):
            if i != iv or s != side:
                continue
            tag = '' if counted[(s, name)] else ' (context)'
            print('%-4s %-18s %-26s %-24s %s' % (side, name + tag, spread([x[0] for x in v], '%.3f'),
                  spread([mib(x[1]) for x in v], '%.1f'), spread([mib(x[2]) for x in v], '%.1f')))
    agg = {}
    for side in SIDES:
        reps = totals.get((iv, side), {})
        if not reps:
            failures.append('interval %d: side %s has no measurement' % (iv, side))
            continue
        cpu = [t[0] for t in reps.values()]; rss = [mib(t[1]) for t in reps.values()]; hwm = [mib(t[2]) for t in reps.values()]
        agg[side] = (statistics.mean(cpu), statistics.mean(rss), statistics.mean(hwm))
        print('%-4s %-18s %-26s %-24s %s' % (side, 'TOTAL', spread(cpu, '%.3f'), spread(rss, '%.1f'), spread(hwm, '%.1f')))
    # Delivered, per job.
    hdr = ' / '.join(SIDES)
    print('\n%-30s %-22s %-22s %s' % ('job', 'series ' + hdr, 'comparable ' + hdr, 'samples/min ' + hdr))
    jobs = sorted({j for (i, r, s), d in series.items() if i == iv for j in d})
    per_min = collections.defaultdict(list)
    for job in jobs:
        cells = collections.defaultdict(list)
        for (i, rep, side), d in sorted(series.items()):
            if i != iv:
                continue
            n, c, smp, w = d.get(job, (0, 0, 0, 1))
            cells[side].append((n, c, smp * 60.0 / w))
        def col(side, k, fmt='%.0f'):
            v = [x[k] for x in cells.get(side, [])] or [0]
            return spread(v, fmt)
        print('%-30s %-22s %-22s %s' % (job, ' / '.join(col(s, 0) for s in SIDES),
                                         ' / '.join(col(s, 1) for s in SIDES), ' / '.join(col(s, 2) for s in SIDES)))
    for (i, rep, side), d in series.items():
        if i != iv:
            continue
        if sum(x[0] for x in d.values()) == 0:
            failures.append('interval %d rep %s: side %s delivered no series' % (iv, rep, side))
        per_min[side].append(sum(x[2] * 60.0 / x[3] for x in d.values()))
        if side == 'A':
            b = series.get((iv, rep, 'B'), {})
            for job, (n, c, smp, w) in d.items():
                if b.get(job, (0, 0))[1] < c:
                    failures.append('interval %d rep %s: job %s: outpost delivered %d comparable series, the stack %d'
                                    % (iv, rep, job, b.get(job, (0, 0))[1], c))
        if side == 'C' and sum(x[1] for x in d.values()) == 0:
            failures.append('interval %d rep %s: side C delivered no comparable series' % (iv, rep))
    if 'A' in agg and 'B' in agg and agg['A'][0] > 0 and agg['A'][1] > 0:
        rc, rr, rh = agg['B'][0] / agg['A'][0], agg['B'][1] / agg['A'][1], agg['B'][2] / agg['A'][2]
        us = {s: 1e6 * agg[s][0] / statistics.mean(per_min[s]) for s in agg if per_min.get(s) and statistics.mean(per_min[s]) > 0}
        print('\nratios B/A: CPU %.3f (target <= 0.10), RSS avg %.3f (target <= 0.167), VmHWM %.3f' % (rc, rr, rh))
        print('CPU per sample shipped: ' + ', '.join('%s %.2f us' % (s, us[s]) for s in sorted(us)))
        if floor:
            print('outpost RSS above the shared-library floor (%.1f MiB): %.1f MiB = %.3f of the stack'
                  % (mib(floor[1]), agg['B'][1] - mib(floor[1]), (agg['B'][1] - mib(floor[1])) / agg['A'][1]))
        ok = rc <= 0.10 and rr <= 1 / 6.0
        summary.append('%ds: CPU %.3f/%.3f s/min = %.3f, RSS %.1f/%.1f MiB = %.3f%s' % (
            iv, agg['B'][0], agg['A'][0], rc, agg['B'][1], agg['A'][1], rr, '' if ok else ' (target missed)'))
        if enforce and not ok:
            failures.append('interval %d: target missed (CPU %.3f, RSS %.3f)' % (iv, rc, rr))
    if 'B' in agg and 'C' in agg and agg['C'][0] > 0 and agg['C'][1] > 0:
        vm = [x[0] for x in procs.get((iv, 'C', 'vmagent'), [])]
        vm_cpu = statistics.mean(vm) if vm else 0.0
        cc, cr, ch = agg['B'][0] / agg['C'][0], agg['B'][1] / agg['C'][1], agg['B'][2] / agg['C'][2]
        print('ratios B/C (vmagent + 3 exporters): CPU %.3f, RSS avg %.3f, VmHWM %.3f' % (cc, cr, ch))
        cpu_ok = vm_cpu > 0 and agg['B'][0] <= 0.8 * vm_cpu
        rss_ok = agg['B'][1] <= 20.0
        print('issue 23: outpost CPU / vmagent alone %s (goal <= 0.8)%s; outpost RSS avg %.1f MiB (goal <= 20 MiB)%s'
              % ('%.3f' % (agg['B'][0] / vm_cpu) if vm_cpu > 0 else 'n/a', '' if cpu_ok else ' -- missed',
                 agg['B'][1], '' if rss_ok else ' -- missed'))
        summary.append('%ds vs vmagent: CPU %.3f s/min = %.3f of vmagent alone (%.3f s/min), %.3f of its stack; RSS %.1f MiB = %.3f of the stack%s' % (
            iv, agg['B'][0], agg['B'][0] / vm_cpu if vm_cpu > 0 else 0, vm_cpu, cc, agg['B'][1], cr,
            '' if cpu_ok and rss_ok else ' (issue 23 goal missed)'))
if startup:
    print('\noutpost startup (exec -> /-/ready, exec -> first sample at the receiver): ' +
          ', '.join('%.2f s / %.2f s' % s for s in startup))
if floor:
    print('\nshared-library floor (tests/bench/rss_floor.c linked with outpost\'s DT_NEEDED libraries): '
          '%.1f MiB loaded, %.1f MiB with libcurl and MariaDB Connector/C initialized' % (mib(floor[0]), mib(floor[1])))
print('\nSUMMARY footprint (B/A, B/C): ' + '; '.join(summary) + ('; FAILED' if failures else '; ok'))
for f in failures:
    print('FAIL: ' + f, file=sys.stderr)
sys.exit(1 if failures else 0)
PY
