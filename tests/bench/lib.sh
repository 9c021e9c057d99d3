# Shell helpers shared by the side-by-side benchmark scripts
# (scrape_side_by_side.sh, agents_side_by_side.sh, footprint.sh, churn.sh,
# replay.sh, ...). Source it; it defines functions and BENCH_* variables
# only and changes no shell option.
#
# Process tracking: bench_spawn starts a command in the background and
# records its PID in BENCH_PIDS; bench_stop_pid stops one of them (SIGTERM,
# bounded wait, SIGKILL) and bench_stop_all stops every one still alive, in
# reverse start order. Scripts install `trap bench_cleanup EXIT INT TERM`
# so what they started is stopped by PID on success, error and Ctrl-C.

BENCH_PIDS=()
BENCH_TMP=""

# A free TCP port on 127.0.0.1 (the kernel picks it).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# utime + stime of a pid in seconds (fields 14 and 15 of /proc/PID/stat,
# counted after the parenthesised command name, which may hold spaces).
cpu_seconds() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return 1; }
  stat=${stat##*) }  # drop "pid (comm) "; field 3 (state) is now $1
  # shellcheck disable=SC2086
  set -- $stat
  awk -v u="${12}" -v s="${13}" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.3f\n", (u + s) / hz}'
}

# scrape_cpu_ms PID URL N: the process's CPU milliseconds per GET of URL,
# over N GETs (its utime+stime before and after).
scrape_cpu_ms() {
  local before after
  before=$(cpu_seconds "$1")
  for _ in $(seq "$3"); do curl -sf "$2" >/dev/null; done
  after=$(cpu_seconds "$1")
  awk -v a="$after" -v b="$before" -v n="$3" 'BEGIN {printf "%.3f", (a - b) * 1000 / n}'
}

# A field of /proc/PID/status in KiB (VmRSS, VmHWM, ...); 0 when gone.
proc_status_kb() {
  awk -v k="$2:" '$1 == k {print $2; found=1} END {if (!found) print 0}' "/proc/$1/status" 2>/dev/null || echo 0
}

# VmRSS of a pid in KiB, read without starting a program; 0 when gone.
rss_kb() {
  local k v _
  while read -r k v _; do
    if [ "$k" = VmRSS: ]; then echo "$v"; return; fi
  done 2>/dev/null <"/proc/$1/status"
  echo 0
}

# rss_window PID SECONDS: samples VmRSS once a second for SECONDS seconds;
# prints "<average KiB> <max KiB>"; fails (prints nothing) when PID is gone.
rss_window() {
  local pid=$1 n=$2 s r sum=0 max=0
  for ((s = 0; s < n; s++)); do
    sleep 1
    r=$(rss_kb "$pid")
    [ "$r" -gt 0 ] || return 1
    sum=$((sum + r))
    [ "$r" -gt "$max" ] && max=$r
  done
  echo "$((sum / n)) $max"
}

# The directory of this file, where gen_target.py and null_receiver.py are.
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# gen_target OUT [--series N] [--generation G]: writes the 100k-series
# scrape target body (tests/bench/gen_target.py; atomically).
gen_target() {
  python3 "$BENCH_DIR/gen_target.py" "$@"
}

# start_target DIR LOG: serves DIR with python's http.server on a free
# port (its request log to LOG); sets TARGET_PORT and TARGET_PID and waits
# until DIR/metrics answers.
start_target() {
  TARGET_PORT=$(free_port)
  bench_spawn "$2" python3 -m http.server "$TARGET_PORT" --bind 127.0.0.1 --directory "$1"
  TARGET_PID=$BENCH_LAST_PID
  wait_http "http://127.0.0.1:$TARGET_PORT/metrics" 15 "$TARGET_PID" || die "the target server did not start: $(tail -n 5 "$2")"
}

# target_gets LOG: GET /metrics requests start_target's server has logged
# (the scrapes so far; python >= 3.9 writes its log line by line).
target_gets() {
  grep -c '"GET /metrics' "$1" 2>/dev/null || true
}

# start_null_receiver LOG [PORT]: tests/bench/null_receiver.py (answers 204
# to POST, counts requests and bytes per path) on PORT, a free port when
# not given; sets RECV_PORT and RECV_PID and waits until it answers.
start_null_receiver() {
  RECV_PORT=${2:-$(free_port)}
  bench_spawn "$1" python3 "$BENCH_DIR/null_receiver.py" "$RECV_PORT"
  RECV_PID=$BENCH_LAST_PID
  wait_http "http://127.0.0.1:$RECV_PORT/counts" 15 "$RECV_PID" || die "the null receiver did not start: $(tail -n 5 "$1")"
}

# metric_sum URL NAME: the sum of NAME's samples (any labels) on the
# /metrics page at URL; 0 when absent.
metric_sum() {
  curl -fsS --max-time 5 "$1" 2>/dev/null |
    awk -v n="$2" '$1 == n || index($0, n "{") == 1 {s += $NF} END {printf "%.15g\n", s + 0}'
}

# receiver_count PATH requests|bytes: what the null receiver got on PATH.
receiver_count() {
  local f=2
  [ "$2" = bytes ] && f=3
  curl -fsS --max-time 5 "http://127.0.0.1:$RECV_PORT/counts" 2>/dev/null |
    awk -v p="$1" -v f="$f" '$1 == p {print $f; found=1} END {if (!found) print 0}'
}

# True while the pid is alive and not a zombie.
pid_alive() {
  [ -r "/proc/$1/stat" ] || return 1
  local st
  st=$(awk '{sub(/.*\) /, ""); print $1}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ "$st" != "Z" ] && [ "$st" != "X" ]
}

# bench_spawn LOGFILE CMD ARGS...: runs CMD in the background with stdout
# and stderr to LOGFILE; prints nothing, sets BENCH_LAST_PID.
bench_spawn() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 </dev/null &
  BENCH_LAST_PID=$!
  BENCH_PIDS+=("$BENCH_LAST_PID")
}

# Stops one pid: SIGTERM, up to 20 s, then SIGKILL; reaps it.
bench_stop_pid() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
      pid_alive "$pid" || break
      sleep 0.1
    done
    pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null || true
  local kept=() p
  for p in "${BENCH_PIDS[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  BENCH_PIDS=("${kept[@]}")
}

bench_stop_all() {
  local i
  for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do bench_stop_pid "${BENCH_PIDS[$i]}"; done
  BENCH_PIDS=()
}

# The EXIT/INT/TERM trap: stop everything, remove BENCH_TMP unless
# BENCH_KEEP_TMP is set. On a signal, exit non-zero.
bench_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  bench_stop_all
  if [ -n "$BENCH_TMP" ] && [ -z "${BENCH_KEEP_TMP:-}" ]; then rm -rf "$BENCH_TMP"; fi
  exit "$rc"
}

# Makes BENCH_TMP and installs the cleanup trap.
bench_init() {
  BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/outpost-bench-XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# bench_setup_outpost: the start of a script that runs outpost: $OUTPOST
# must be an executable (made absolute), then bench_init; T is the temp
# dir (printed with --keep, i.e. BENCH_KEEP_TMP).
bench_setup_outpost() {
  [ -x "$OUTPOST" ] || die "outpost binary $OUTPOST missing"
  OUTPOST=$(cd "$(dirname "$OUTPOST")" && pwd)/$(basename "$OUTPOST")
  bench_init
  if [ -n "${BENCH_KEEP_TMP:-}" ]; then echo "temp dir: $BENCH_TMP" >&2; fi
  T=$BENCH_TMP
}

# log MSG...: one timestamped line on stderr.
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# wait_http URL SECONDS [PID]: polls until URL answers 2xx; fails when the
# time is up or PID died.
wait_http() {
  local url=$1 secs=$2 pid=${3:-} i
  for ((i = 0; i < secs * 10; i++)); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
    if [ -n "$pid" ] && ! pid_alive "$pid"; then return 1; fi
    sleep 0.1
  done
  return 1
}

# need_binary BIN PACKAGE: installs the Debian package when BIN is not on
# PATH (apt-get install -y), fails when it is still missing.
need_binary() {
  if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then
    echo "installing $2 (for $1)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y "$2" >&2 || true
  fi
  command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || { echo "error: $1 missing (Debian package $2)" >&2; return 1; }
}

die() {
  echo "error: $*" >&2
  exit 1
}

# start_apache2 DIR PORT MODULES [EXTRA_CONF_LINES]: a throwaway apache2 in
# the foreground on 127.0.0.1:PORT, its files under DIR (DIR/htdocs holds an
# index.html), with the modules named in MODULES (mpm_event and
# authz_core always) and the extra config lines; waits until it answers
# and sets BENCH_LAST_PID.
start_apache2() {
  local dir=$1 port=$2 mods=$3 extra=${4:-} m
  local apache2=${OUTPOST_APACHE2:-/usr/sbin/apache2}
  need_binary "$apache2" apache2
  mkdir -p "$dir/htdocs"
  chmod 755 "$dir" "$dir/htdocs"
  echo page >"$dir/htdocs/index.html"
  {
    echo "ServerRoot $dir"
    echo "ServerName 127.0.0.1"
    echo "Listen 127.0.0.1:$port"
    echo "PidFile $dir/apache2.pid"
    echo "ErrorLog $dir/error.log"
    echo "Mutex file:$dir default"
    echo "DefaultRuntimeDir $dir"
    [ "$(id -u)" -eq 0 ] && printf 'User www-data\nGroup www-data\n'
    for m in mpm_event authz_core $mods; do
      echo "LoadModule ${m}_module /usr/lib/apache2/modules/mod_$m.so"
    done
    echo "DocumentRoot $dir/htdocs"
    printf '<Directory %s/htdocs>\nRequire all granted\n</Directory>\n' "$dir"
    [ -z "$extra" ] || printf '%s\n' "$extra"
  } >"$dir/apache2.conf"
  bench_spawn "$dir/apache2.out" "$apache2" -f "$dir/apache2.conf" -DFOREGROUND
  wait_http "http://127.0.0.1:$port/index.html" 15 "$BENCH_LAST_PID" || die "apache2 did not start; see $dir/error.log"
}
