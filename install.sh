#!/usr/bin/env bash
# Installs outpost on Debian 12 from this source tree, writes its config
# for the chosen stacks and starts it.
#
#   ./install.sh [--stack node,mysql,redis,lamp,auto] [--remote-write-url URL]
#                [--remote-write-user U --remote-write-password-file F]
#                [--mysql-dsn DSN | --mysql-dsn-file F] [--redis-addr ADDR]
#                [--prefix DIR] [--binary PATH] [--no-deps] [--no-start]
#                [--force-config] [--http-address HOST:PORT] [--hostname NAME]
#                [--scrape-interval DURATION (15s)]
#   ./install.sh --list-stacks       the stacks, one line each
#   ./install.sh --print-build-deps  the Debian packages the build needs
#
# Every option also comes from the environment (flags win): OUTPOST_STACK,
# OUTPOST_REMOTE_WRITE_URL, OUTPOST_REMOTE_WRITE_USER,
# OUTPOST_REMOTE_WRITE_PASSWORD_FILE, OUTPOST_REMOTE_WRITE_PASSWORD (the
# password itself, never a flag), OUTPOST_MYSQL_DSN, OUTPOST_MYSQL_DSN_FILE,
# OUTPOST_REDIS_ADDR, OUTPOST_PREFIX, OUTPOST_BINARY, OUTPOST_HTTP_ADDRESS,
# OUTPOST_HOSTNAME, OUTPOST_SCRAPE_INTERVAL, OUTPOST_NO_DEPS=1, OUTPOST_NO_START=1,
# OUTPOST_FORCE_CONFIG=1. --stack auto probes OUTPOST_AUTO_MYSQL_ADDR and
# OUTPOST_AUTO_REDIS_ADDR (host:port or /socket) when set.
#
# Where files go (no --prefix, as root | --prefix DIR, any user):
#   binary      /usr/local/bin/outpost                | DIR/bin/outpost
#   config      /etc/outpost/agent.yaml (0640 root:outpost) | DIR/etc/outpost/agent.yaml
#   password    /etc/outpost/remote-write-password (0600) | DIR/etc/outpost/...
#   env file    /etc/default/outpost                  | DIR/etc/default/outpost
#   unit        /etc/systemd/system/outpost.service   | DIR/etc/systemd/system/...
#   dashboards  /usr/local/share/outpost/{dashboards,provisioning,rules}
#                                                     | DIR/share/outpost/...
#   data (WAL)  /var/lib/outpost                      | DIR/var/lib/outpost
#   log, pid    /var/log/outpost/outpost.log, /var/lib/outpost/outpost.pid
#               (only when started without systemd)   | under DIR likewise
# Without --prefix: a system user `outpost` runs the agent, as a systemd
# service when systemd runs, else in the background. With --prefix: no user,
# no systemctl; the agent runs in the background as the caller.
# Bad input exits 2 with one line before anything is changed.
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true  # '&' stays literal in ${x//a/b}

BUILD_DEPS=(
  build-essential cmake ninja-build pkg-config git
  libabsl-dev libyaml-cpp-dev libre2-dev prometheus-cpp-dev libcivetweb-dev
  libsnappy-dev libssl-dev libcurl4-openssl-dev libprotobuf-dev protobuf-compiler
  libgtest-dev libgmock-dev libbenchmark-dev
  default-libmysqlclient-dev libhiredis-dev nlohmann-json3-dev
)

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STACK_DIR="$SRC/configs/stacks"

die() { echo "install.sh: $*" >&2; exit 2; }    # bad input: nothing changed
fail() { echo "install.sh: $*" >&2; exit 1; }   # failure while installing
say() { echo "==> $*"; }

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

# --- options: environment first, then flags ---------------------------------
STACKS="${OUTPOST_STACK:-}"
RW_URL="${OUTPOST_REMOTE_WRITE_URL:-}"
RW_USER="${OUTPOST_REMOTE_WRITE_USER:-}"
RW_PASSWORD_FILE="${OUTPOST_REMOTE_WRITE_PASSWORD_FILE:-}"
RW_PASSWORD="${OUTPOST_REMOTE_WRITE_PASSWORD:-}"
MYSQL_DSN="${OUTPOST_MYSQL_DSN:-}"
MYSQL_DSN_FILE="${OUTPOST_MYSQL_DSN_FILE:-}"
REDIS_ADDR="${OUTPOST_REDIS_ADDR:-}"
PREFIX="${OUTPOST_PREFIX:-}"
BINARY="${OUTPOST_BINARY:-}"
HTTP_ADDRESS="${OUTPOST_HTTP_ADDRESS:-127.0.0.1:12345}"
HOST_NAME="${OUTPOST_HOSTNAME:-}"
SCRAPE_INTERVAL="${OUTPOST_SCRAPE_INTERVAL:-15s}"
NO_DEPS="${OUTPOST_NO_DEPS:-0}"
NO_START="${OUTPOST_NO_START:-0}"
FORCE_CONFIG="${OUTPOST_FORCE_CONFIG:-0}"

list_stacks() {
  local f name about
  for f in "$STACK_DIR"/*.yaml; do
    name="$(basename "$f" .yaml)"
    [ "${name#_}" = "$name" ] || continue
    about="$(sed -n 's/^## about: //p' "$f")"
    printf '%-6s %s\n' "$name" "$about"
  done
  printf '%-6s %s\n' auto "node, plus mysql and redis when a local server answers (says what it found)"
}

while [ $# -gt 0 ]; do
  opt="$1"
  val=""
  case "$opt" in
    --*=*) val="${opt#*=}"; opt="${opt%%=*}" ;;
    --stack|--remote-write-url|--remote-write-user|--remote-write-password-file|\
    --mysql-dsn|--mysql-dsn-file|--redis-addr|--prefix|--binary|--http-address|--hostname|\
    --scrape-interval)
      [ $# -ge 2 ] || die "$opt needs a value (see --help)"
      val="$2"; shift ;;
  esac
  case "$opt" in
    --stack) STACKS="$val" ;;
    --remote-write-url) RW_URL="$val" ;;
    --remote-write-user) RW_USER="$val" ;;
    --remote-write-password-file) RW_PASSWORD_FILE="$val" ;;
    --mysql-dsn) MYSQL_DSN="$val" ;;
    --mysql-dsn-file) MYSQL_DSN_FILE="$val" ;;
    --redis-addr) REDIS_ADDR="$val" ;;
    --prefix) PREFIX="$val" ;;
    --binary) BINARY="$val" ;;
    --http-address) HTTP_ADDRESS="$val" ;;
    --hostname) HOST_NAME="$val" ;;
    --scrape-interval) SCRAPE_INTERVAL="$val" ;;
    --no-deps) NO_DEPS=1 ;;
    --no-start) NO_START=1 ;;
    --force-config) FORCE_CONFIG=1 ;;
    --list-stacks) list_stacks; exit 0 ;;
    --print-build-deps) echo "${BUILD_DEPS[@]}"; exit 0 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done

# --- validation: nothing is written before this section ends ----------------
has_ctl() { [[ "$1" == *[[:cntrl:]]* ]]; }
for pair in "stack:$STACKS" "remote-write-url:$RW_URL" "remote-write-user:$RW_USER" \
    "mysql-dsn:$MYSQL_DSN" "redis-addr:$REDIS_ADDR" "http-address:$HTTP_ADDRESS"; do
  has_ctl "${pair#*:}" && die "--${pair%%:*} must not contain control characters"
done

if [ -n "$RW_URL" ] && ! [[ "$RW_URL" =~ ^https?://[^[:space:]/]+ ]]; then
  die "--remote-write-url must be an http:// or https:// URL, got \"$RW_URL\""
fi
if [ -n "$RW_PASSWORD_FILE" ] && { [ ! -f "$RW_PASSWORD_FILE" ] || [ ! -r "$RW_PASSWORD_FILE" ]; }; then
  die "cannot read the remote-write password file \"$RW_PASSWORD_FILE\""
fi
if [ -n "$RW_PASSWORD_FILE" ] || [ -n "$RW_PASSWORD" ]; then
  [ -n "$RW_URL" ] || die "a remote-write password needs --remote-write-url"
  [ -n "$RW_USER" ] || die "a remote-write password needs --remote-write-user"
elif [ -n "$RW_USER" ]; then
  die "--remote-write-user needs --remote-write-password-file (or OUTPOST_REMOTE_WRITE_PASSWORD)"
fi
if [ -n "$MYSQL_DSN_FILE" ]; then
  if [ ! -f "$MYSQL_DSN_FILE" ] || [ ! -r "$MYSQL_DSN_FILE" ]; then
    die "cannot read the MySQL DSN file \"$MYSQL_DSN_FILE\""
  fi
  MYSQL_DSN="$(head -n 1 "$MYSQL_DSN_FILE")"
  MYSQL_DSN="${MYSQL_DSN%$'\r'}"
  has_ctl "$MYSQL_DSN" && die "the MySQL DSN file must hold one line"
fi
hp_re='^[][A-Za-z0-9._:-]*:[0-9]+$'
[[ "$HTTP_ADDRESS" =~ $hp_re ]] || die "--http-address must be HOST:PORT, got \"$HTTP_ADDRESS\""
[[ "$SCRAPE_INTERVAL" =~ ^([1-9][0-9]*)(ms|s|m|h)$ ]] ||
  die "--scrape-interval must be a duration such as 15s or 1m, got \"$SCRAPE_INTERVAL\""
# scrape_timeout: 10s, or the interval when shorter (it may not exceed it).
case "${BASH_REMATCH[2]}" in
  ms) interval_ms="${BASH_REMATCH[1]}" ;;
  s) interval_ms=$((BASH_REMATCH[1] * 1000)) ;;
  m) interval_ms=$((BASH_REMATCH[1] * 60000)) ;;
  h) interval_ms=$((BASH_REMATCH[1] * 3600000)) ;;
esac
SCRAPE_TIMEOUT=10s
[ "$interval_ms" -ge 10000 ] || SCRAPE_TIMEOUT="$SCRAPE_INTERVAL"
if [ -n "$BINARY" ]; then
  if [ ! -f "$BINARY" ] || [ ! -x "$BINARY" ]; then
    die "--binary \"$BINARY\" is not an executable file"
  fi
  "$BINARY" -version >/dev/null 2>&1 || die "--binary \"$BINARY\" does not run (outpost -version failed)"
  BINARY="$(cd "$(dirname "$BINARY")" && pwd)/$(basename "$BINARY")"
fi
if [ -n "$PREFIX" ]; then
  [[ "$PREFIX" =~ ^[A-Za-z0-9_./+-]+$ ]] ||
    die "--prefix \"$PREFIX\" may only hold letters, digits and _ . / + - (it goes into a systemd unit)"
  [ -e "$PREFIX" ] && [ ! -d "$PREFIX" ] && die "--prefix \"$PREFIX\" is not a directory"
  [[ "$PREFIX" == /* ]] || PREFIX="$(pwd)/$PREFIX"
  PREFIX="${PREFIX%/}"
  existing="$PREFIX"
  while [ ! -e "$existing" ]; do existing="$(dirname "$existing")"; done
  [ -w "$existing" ] || die "--prefix \"$PREFIX\": \"$existing\" is not writable"
elif [ "$(id -u)" -ne 0 ]; then
  die "run as root (it installs packages, a user and a service), or give --prefix DIR"
fi
if [ -z "$HOST_NAME" ]; then
  HOST_NAME="$(uname -n)"
fi
[[ "$HOST_NAME" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "hostname \"$HOST_NAME\" is not a DNS name (use --hostname)"

# Stacks: "auto" probes; lamp includes node and mysql; node comes first.
[ -n "$STACKS" ] || STACKS=node
AUTO=0
declare -a WANT=()
add_stack() {
  local s="$1" f inc
  for inc in "${WANT[@]+"${WANT[@]}"}"; do [ "$inc" = "$s" ] && return 0; done
  f="$STACK_DIR/$s.yaml"
  if ! [[ "$s" =~ ^[a-z0-9]+$ ]] || [ ! -f "$f" ]; then
    die "unknown stack \"$s\" (known: $(list_stacks | cut -d' ' -f1 | paste -sd, -))"
  fi
  inc="$(sed -n 's/^## includes: //p' "$f")"
  if [ -n "$inc" ]; then
    for s in $inc; do add_stack "$s"; done
  else
    WANT+=("$s")
  fi
}
IFS=',' read -r -a requested <<<"${STACKS// /}"
for s in "${requested[@]}"; do
  [ -n "$s" ] || continue
  if [ "$s" = auto ]; then AUTO=1; add_stack node; else add_stack "$s"; fi
done

# The probes run in a child bash (bounded by timeout); $1/$2 are its args.
# shellcheck disable=SC2016
# probe_mysql HOST PORT: the server sends a MySQL greeting packet.
probe_mysql() {
  local n
  n="$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && head -c 5 <&3' _ "$1" "$2" 2>/dev/null | wc -c)" || true
  [ "${n:-0}" -ge 5 ]
}
# probe_redis HOST PORT: PING gets a Redis reply (+PONG, or -NOAUTH...).
# shellcheck disable=SC2016
probe_redis() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "PING\r\n" >&3 &&
    IFS= read -r line <&3 && case "$line" in "+PONG"*|-NOAUTH*|-ERR*) exit 0 ;; esac; exit 1' \
    _ "$1" "$2" 2>/dev/null
}
# split_hostport "h:p" → H P (brackets of [v6] removed).
split_hostport() {
  local hp="$1"
  H="${hp%:*}"; P="${hp##*:}"
  [ "$H" != "$hp" ] || P=""
  H="${H#[}"; H="${H%]}"
}
is_local_host() { case "$1" in 127.*|localhost|::1|"") return 0 ;; esac; return 1; }

# The address a go-sql-driver DSN points at: "tcp HOST:PORT" or "unix PATH".
dsn_address() {
  local re='@(tcp|unix)\(([^)]*)\)/[^/]*$'
  if [[ "$1" =~ $re ]]; then
    local addr="${BASH_REMATCH[2]}"
    if [ "${BASH_REMATCH[1]}" = tcp ] && [[ "$addr" != *:* ]]; then addr="$addr:3306"; fi
    echo "${BASH_REMATCH[1]} ${addr:-127.0.0.1:3306}"
  else
    echo "tcp 127.0.0.1:3306"
  fi
}
# Where a redis_addr points: "tcp HOST:PORT" or "unix PATH".
redis_address() {
  local a="$1"
  case "$a" in
    unix://*) echo "unix ${a#unix://}"; return ;;
    /*) echo "unix $a"; return ;;
  esac
  a="${a#*://}"; a="${a##*@}"; a="${a%%/*}"; a="${a%%\?*}"
  [[ "$a" == *:* && "$a" != *"]" ]] || a="$a:6379"
  echo "tcp $a"
}

probe_addr() {  # KIND(mysql|redis) "tcp H:P"|"unix PATH"
  local kind="$1" net="${2%% *}" addr="${2#* }"
  if [ "$net" = unix ]; then [ -S "$addr" ]; return; fi
  split_hostport "$addr"
  [ -n "$P" ] || return 1
  "probe_$kind" "$H" "$P"
}

has_stack() { local s; for s in "${WANT[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

if [ "$AUTO" -eq 1 ]; then
  say "auto: looking for local servers"
  declare -a cands=()
  if [ -n "${OUTPOST_AUTO_MYSQL_ADDR:-}" ]; then
    case "$OUTPOST_AUTO_MYSQL_ADDR" in /*) cands=("unix $OUTPOST_AUTO_MYSQL_ADDR") ;;
      *) cands=("tcp $OUTPOST_AUTO_MYSQL_ADDR") ;; esac
  elif [ -n "$MYSQL_DSN" ]; then
    cands=("$(dsn_address "$MYSQL_DSN")")
  else
    cands=("unix /run/mysqld/mysqld.sock" "unix /var/run/mysqld/mysqld.sock" "tcp 127.0.0.1:3306")
  fi
  found=""
  for c in "${cands[@]}"; do if probe_addr mysql "$c"; then found="$c"; break; fi; done
  if [ -z "$found" ]; then
    echo "    MySQL/MariaDB: none found (probed: $(printf '%s; ' "${cands[@]}"))"
  elif [ -z "$MYSQL_DSN" ]; then
    echo "    MySQL/MariaDB: found at ${found#* } but no --mysql-dsn given: mysql stack NOT enabled"
    echo "      (create a user with PROCESS, REPLICATION CLIENT, SELECT and re-run with --mysql-dsn)"
  else
    echo "    MySQL/MariaDB: found at ${found#* }: enabling the mysql stack"
    has_stack mysql || WANT+=(mysql)
  fi
  cands=()
  if [ -n "${OUTPOST_AUTO_REDIS_ADDR:-}" ]; then
    cands=("$(redis_address "$OUTPOST_AUTO_REDIS_ADDR")")
  elif [ -n "$REDIS_ADDR" ]; then
    cands=("$(redis_address "$REDIS_ADDR")")
  else
    cands=("tcp 127.0.0.1:6379" "unix /run/redis/redis-server.sock" "unix /var/run/redis/redis.sock")
  fi
  found=""
  for c in "${cands[@]}"; do if probe_addr redis "$c"; then found="$c"; break; fi; done
  if [ -z "$found" ]; then
    echo "    Redis: none found (probed: $(printf '%s; ' "${cands[@]}"))"
  else
    echo "    Redis: found at ${found#* }: enabling the redis stack"
    if [ -z "$REDIS_ADDR" ]; then
      if [ "${found%% *}" = unix ]; then REDIS_ADDR="unix://${found#* }"; else REDIS_ADDR="${found#* }"; fi
    fi
    has_stack redis || WANT+=(redis)
  fi
fi

if has_stack mysql && [ -z "$MYSQL_DSN" ]; then
  die "the mysql stack needs --mysql-dsn DSN (or --mysql-dsn-file F, OUTPOST_MYSQL_DSN), e.g. 'exporter:PASSWORD@unix(/run/mysqld/mysqld.sock)/'"
fi
if has_stack redis && [ -z "$REDIS_ADDR" ]; then REDIS_ADDR="127.0.0.1:6379"; fi

# --- paths -------------------------------------------------------------------
if [ -n "$PREFIX" ]; then
  BIN_DIR="$PREFIX/bin"; SHARE_DIR="$PREFIX/share/outpost"; ROOT="$PREFIX"
else
  BIN_DIR=/usr/local/bin; SHARE_DIR=/usr/local/share/outpost; ROOT=""
fi
CONFIG_DIR="$ROOT/etc/outpost"
CONFIG_FILE="$CONFIG_DIR/agent.yaml"
PASSWORD_FILE="$CONFIG_DIR/remote-write-password"
ENV_FILE="$ROOT/etc/default/outpost"
UNIT_FILE="$ROOT/etc/systemd/system/outpost.service"
DATA_DIR="$ROOT/var/lib/outpost"
LOG_DIR="$ROOT/var/log/outpost"
PID_FILE="$DATA_DIR/outpost.pid"
SYSTEM=0  # a system install: outpost user, ownership, systemd
[ -z "$PREFIX" ] && SYSTEM=1

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# --- config generation (into $WORK, installed later) --------------------------
# YAML double-quoted scalar.
yq() { local s="${1//\\/\\\\}"; printf '"%s"' "${s//\"/\\\"}"; }

# render FILE: the template without "##" lines, placeholders filled from
# the associative array V (a line holding only @K@ becomes V[K], maybe
# several lines or none).
declare -A V=()
render() {
  local line k
  while IFS= read -r line || [ -n "$line" ]; do
    [[ "$line" == "##"* ]] && continue
    if [[ "$line" =~ ^@([A-Z_]+)@$ ]]; then
      k="${BASH_REMATCH[1]}"
      [ -n "${V[$k]:-}" ] && printf '%s\n' "${V[$k]}"
      continue
    fi
    for k in "${!V[@]}"; do line="${line//@$k@/${V[$k]}}"; done
    printf '%s\n' "$line"
  done <"$1"
}

V[HOSTNAME]="$(yq "$HOST_NAME")"
V[STACKS]="$(yq "$(IFS=,; echo "${WANT[*]}")")"
V[WAL_DIR]="$(yq "$DATA_DIR/data-agent")"
V[SCRAPE_INTERVAL]="$SCRAPE_INTERVAL"
V[SCRAPE_TIMEOUT]="$SCRAPE_TIMEOUT"
if [ -n "$RW_URL" ]; then
  V[REMOTE_WRITE]="    remote_write:
      - url: $(yq "$RW_URL")"
  if [ -n "$RW_USER" ]; then
    V[REMOTE_WRITE]+="
        basic_auth:
          username: $(yq "$RW_USER")
          password_file: $(yq "$PASSWORD_FILE")"
  fi
else
  V[REMOTE_WRITE]="    # No remote-write endpoint yet: samples stay in the WAL. Add one:
    # remote_write:
    #   - url: https://prometheus.example.com/api/v1/write"
fi
V[MYSQL_DSN]="$(yq "$MYSQL_DSN")"
V[MYSQL_INSTANCE]=""
if [ -n "$MYSQL_DSN" ]; then
  read -r net addr <<<"$(dsn_address "$MYSQL_DSN")"
  # A local server's default instance ("127.0.0.1:3306") is the same on every
  # host; name it after the host instead.
  if [ "$net" = unix ]; then
    V[MYSQL_INSTANCE]="    instance: $(yq "$HOST_NAME")"
  else
    split_hostport "$addr"
    is_local_host "$H" && V[MYSQL_INSTANCE]="    instance: $(yq "$HOST_NAME:$P")"
  fi
fi
V[REDIS_ADDR]="$(yq "$REDIS_ADDR")"
V[REDIS_INSTANCE]=""
if [ -n "$REDIS_ADDR" ]; then
  read -r net addr <<<"$(redis_address "$REDIS_ADDR")"
  if [ "$net" = unix ]; then
    V[REDIS_INSTANCE]="    instance: $(yq "$HOST_NAME")"
  else
    split_hostport "$addr"
    is_local_host "$H" && V[REDIS_INSTANCE]="    instance: $(yq "$HOST_NAME:$P")"
  fi
fi

integration_key() { sed -n 's/^## integration: //p' "$STACK_DIR/$1.yaml"; }

# A fresh config: the base and every wanted stack's fragment.
{
  render "$STACK_DIR/_base.yaml"
  for s in "${WANT[@]}"; do render "$STACK_DIR/$s.yaml"; done
} >"$WORK/fresh.yaml"

# merge_into EXISTING OUT: EXISTING plus the fragment of each wanted stack
# whose integration key is not yet under its top-level `integrations:`
# block. Line-oriented: the fragment goes right after the last non-blank
# line of that block (re-indented to the block's own indentation); other
# lines are copied byte for byte, so hand edits and comments survive. No
# `integrations:` line: one is appended. A flow-style `integrations: {...}`
# cannot be merged this way and is refused. Sets MERGED (added stacks).
MERGED=""
merge_into() {
  local existing="$1" out="$2" s key frag
  cp "$existing" "$out"
  if grep -qE '^integrations:[[:space:]]*[^[:space:]#]' "$out"; then
    fail "$existing: \`integrations:\` is not a block mapping; add the stacks by hand or use --force-config"
  fi
  grep -qE '^integrations:' "$out" || printf '\nintegrations:\n' >>"$out"
  for s in "${WANT[@]}"; do
    key="$(integration_key "$s")"
    # Present: a line at the block's first key's indentation names it.
    if awk -v key="$key" '
        /^integrations:/ { inb = 1; next }
        inb && /^[^[:space:]#]/ { inb = 0 }
        inb && indent == "" && /^[[:space:]]+[^[:space:]#]/ {
          match($0, /^[[:space:]]+/); indent = substr($0, 1, RLENGTH)
        }
        inb && indent != "" && index($0, indent key ":") == 1 { found = 1 }
        END { exit found ? 0 : 1 }' "$out"; then
      echo "    $key: already in $CONFIG_FILE, kept as is"
      continue
    fi
    frag="$WORK/frag.$s"
    render "$STACK_DIR/$s.yaml" >"$frag"
    awk -v frag="$frag" '
      function emit(   l, ind) {
        ind = indent == "" ? "  " : indent
        while ((getline l < frag) > 0) {
          if (l ~ /^  /) l = ind substr(l, 3)
          print l
        }
        close(frag)
        done = 1
      }
      { lines[NR] = $0 }
      /^integrations:/ && !start { start = NR; next }
      start && !end && /^[^[:space:]#]/ { end = NR }
      start && !end && indent == "" && /^[[:space:]]+[^[:space:]#]/ {
        match($0, /^[[:space:]]+/); indent = substr($0, 1, RLENGTH)
      }
      start && !end && /^[[:space:]]+[^[:space:]]/ { last = NR }
      END {
        if (!last) last = start
        for (i = 1; i <= NR; i++) { print lines[i]; if (i == last) emit() }
      }' "$out" >"$out.new"
    mv "$out.new" "$out"
    MERGED="$MERGED $s"
  done
}

CONFIG_ACTION="write"
if [ -f "$CONFIG_FILE" ] && [ "$FORCE_CONFIG" -ne 1 ]; then
  CONFIG_ACTION=merge
  merge_into "$CONFIG_FILE" "$WORK/agent.yaml"
  if [ -n "$RW_URL" ] && ! grep -qF -- "$RW_URL" "$CONFIG_FILE"; then
    echo "    note: $CONFIG_FILE is kept and does not name $RW_URL; --force-config rewrites it"
  fi
else
  cp "$WORK/fresh.yaml" "$WORK/agent.yaml"
fi

# check_config BINARY: the new config loads (before anything is installed
# when the binary is already there). outpost reads password_file at load:
# a new secret is checked from its copy in $WORK.
check_config() {
  local out cfg="$WORK/agent.yaml"
  if [ -n "$RW_PASSWORD_FILE" ] || [ -n "$RW_PASSWORD" ]; then
    cfg="$WORK/check.yaml"
    sed "s|password_file: $(yq "$PASSWORD_FILE")\$|password_file: $(yq "$WORK/secret")|" \
      "$WORK/agent.yaml" >"$cfg"
  fi
  if ! out="$("$1" check-config "$cfg" 2>&1 >/dev/null)"; then
    echo "install.sh: the config for stacks ${WANT[*]} does not load:" >&2
    echo "${out//"$cfg:"/"$CONFIG_FILE (new):"}" >&2
    return 1
  fi
}
if [ -n "$RW_PASSWORD_FILE" ]; then
  (umask 077; cat "$RW_PASSWORD_FILE" >"$WORK/secret")
elif [ -n "$RW_PASSWORD" ]; then
  (umask 077; printf '%s' "$RW_PASSWORD" >"$WORK/secret")
fi
if [ -n "$BINARY" ]; then
  check_config "$BINARY" || exit 2
fi

# --- dependencies and build ----------------------------------------------------
if [ -z "$BINARY" ]; then
  installed=" $(dpkg-query -W -f='${Package} ${Status}\n' "${BUILD_DEPS[@]}" 2>/dev/null |
    awk '$NF == "installed" { print $1 }' | paste -sd' ' -) " || true
  missing=""
  for p in "${BUILD_DEPS[@]}"; do
    [[ "$installed" == *" $p "* ]] || missing="$missing $p"
  done
  missing="${missing# }"
  if [ -n "$missing" ] && [ "$NO_DEPS" -ne 1 ]; then
    [ "$(id -u)" -eq 0 ] || die "missing build packages ($missing): run as root, or give --binary PATH"
    say "installing build dependencies"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${BUILD_DEPS[@]}" >/dev/null
  fi
  say "building outpost (Release; an existing build is reused incrementally)"
  cmake -S "$SRC" -B "$SRC/build-release" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DOUTPOST_BUILD_TESTS=OFF -DOUTPOST_BUILD_BENCH=OFF >/dev/null
  cmake --build "$SRC/build-release" --target outpost -j "$(nproc)"
  BINARY="$SRC/build-release/outpost"
  check_config "$BINARY" || exit 1
fi

# --- install -------------------------------------------------------------------
say "installing outpost ($("$BINARY" -version 2>&1 | head -n 1)) into $BIN_DIR"
if [ "$SYSTEM" -eq 1 ] && ! getent passwd outpost >/dev/null; then
  useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home \
    --shell /usr/sbin/nologin --comment "outpost metrics agent" outpost
  echo "    created the system user outpost"
fi
install -d -m 0755 "$BIN_DIR" "$CONFIG_DIR" "$(dirname "$ENV_FILE")" "$(dirname "$UNIT_FILE")" \
  "$SHARE_DIR"
install -d -m 0750 "$DATA_DIR" "$LOG_DIR"
# -R: an older install.sh ran the agent as root.
[ "$SYSTEM" -eq 1 ] && chown -R outpost:outpost "$DATA_DIR" "$LOG_DIR"
# Copy then rename: a running outpost keeps its old inode.
cp "$BINARY" "$BIN_DIR/.outpost.new"
chmod 0755 "$BIN_DIR/.outpost.new"
mv -f "$BIN_DIR/.outpost.new" "$BIN_DIR/outpost"

# install_secret TARGET: stdin into TARGET, mode 0600, owned by outpost.
install_secret() {
  (umask 077; cat >"$1.new")
  chmod 0600 "$1.new"
  [ "$SYSTEM" -eq 1 ] && chown outpost:outpost "$1.new"
  mv -f "$1.new" "$1"
}
if [ -f "$WORK/secret" ]; then install_secret "$PASSWORD_FILE" <"$WORK/secret"; fi
[ -n "$RW_USER" ] && echo "    remote-write password: $PASSWORD_FILE (0600)"

if [ "$CONFIG_ACTION" = write ] || [ -n "$MERGED" ]; then
  if [ -f "$CONFIG_FILE" ]; then cp -p "$CONFIG_FILE" "$CONFIG_FILE.bak"; fi
  install -m 0640 "$WORK/agent.yaml" "$CONFIG_FILE.new"
  [ "$SYSTEM" -eq 1 ] && chown root:outpost "$CONFIG_FILE.new"
  mv -f "$CONFIG_FILE.new" "$CONFIG_FILE"
  if [ "$CONFIG_ACTION" = write ]; then
    echo "    wrote $CONFIG_FILE (stacks: ${WANT[*]})"
  else
    echo "    merged stacks${MERGED} into $CONFIG_FILE (previous copy: $CONFIG_FILE.bak)"
  fi
else
  echo "    keeping $CONFIG_FILE"
  # The agent's user must read it (an older install.sh made it root:root).
  [ "$SYSTEM" -eq 1 ] && chgrp outpost "$CONFIG_FILE"
fi

V=([CONFIG_FILE]="$CONFIG_FILE" [HTTP_ADDRESS]="$HTTP_ADDRESS" [ENV_FILE]="$ENV_FILE"
   [DATA_DIR]="$DATA_DIR" [BIN_DIR]="$BIN_DIR")
if [ ! -f "$ENV_FILE" ] || [ "$FORCE_CONFIG" -eq 1 ]; then
  render "$SRC/packaging/outpost.default" >"$ENV_FILE"
  chmod 0644 "$ENV_FILE"
fi
render "$SRC/packaging/outpost.service" >"$UNIT_FILE"
chmod 0644 "$UNIT_FILE"

# Dashboards, the Grafana provisioning file (its path points at this
# install) and the rules, whichever exist.
if [ -d "$SRC/dashboards" ]; then
  n=0
  while IFS= read -r -d '' f; do
    rel="${f#"$SRC/dashboards/"}"
    case "$rel" in
      provisioning/*) dest="$SHARE_DIR/$rel" ;;
      rules/*/*) continue ;;
      rules/*.yaml) dest="$SHARE_DIR/$rel" ;;
      *.json) dest="$SHARE_DIR/dashboards/$rel" ;;
      *) continue ;;
    esac
    install -d -m 0755 "$(dirname "$dest")"
    if [[ "$rel" == provisioning/* ]]; then
      sed "s|/usr/local/share/outpost|$SHARE_DIR|g" "$f" >"$dest"
      chmod 0644 "$dest"
    else
      install -m 0644 "$f" "$dest"
    fi
    n=$((n + 1))
  done < <(find "$SRC/dashboards" -type f \( -name '*.json' -o -path "$SRC/dashboards/provisioning/*" \
             -o -path "$SRC/dashboards/rules/*.yaml" \) -print0 | sort -z)
  echo "    $n dashboard, provisioning and rule files in $SHARE_DIR"
fi

# --- start -----------------------------------------------------------------------
# The flags the service uses, from the env file (it may be hand-edited).
CUSTOM_ARGS=""
# shellcheck disable=SC1090
. "$ENV_FILE"
read -r -a EXTRA <<<"$CUSTOM_ARGS"
ARGS=(-config.file="$CONFIG_FILE" "${EXTRA[@]+"${EXTRA[@]}"}")

SYSTEMD=0
if [ "$SYSTEM" -eq 1 ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  SYSTEMD=1
  systemctl daemon-reload
fi

if [ "$NO_START" -eq 1 ]; then
  if [ "$SYSTEMD" -eq 1 ]; then
    echo "installed; start with: systemctl enable --now outpost"
  else
    echo "installed; start with: $BIN_DIR/outpost ${ARGS[*]}"
  fi
  exit 0
fi

if [ "$SYSTEMD" -eq 1 ]; then
  say "starting the outpost systemd service"
  systemctl enable --quiet outpost.service
  systemctl restart outpost.service
  systemctl --no-pager status outpost.service | head -n 5 || true
  echo "outpost is running: curl http://$HTTP_ADDRESS/-/ready; reload: systemctl reload outpost"
  exit 0
fi

# No systemd (or --prefix): in the background, logging to a file.
# alive PID: running, not a zombie.
alive() {
  local st
  st="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  st="${st##*) }"
  [ "${st%% *}" != Z ]
}
if [ -f "$PID_FILE" ]; then
  old="$(cat "$PID_FILE")"
  if [[ "$old" =~ ^[0-9]+$ ]] && alive "$old" &&
      [[ "$(readlink "/proc/$old/exe" 2>/dev/null || true)" == "$BIN_DIR/outpost"* ]]; then
    say "stopping the running outpost (pid $old) to upgrade it"
    kill -TERM "$old"
    for _ in $(seq 1 100); do alive "$old" || break; sleep 1; done
  fi
fi
LOG_FILE="$LOG_DIR/outpost.log"
log_start=$(($(stat -c %s "$LOG_FILE" 2>/dev/null || echo 0) + 1))
say "starting outpost in the background (no systemd${PREFIX:+ for a --prefix install})"
RUN=()
[ "$SYSTEM" -eq 1 ] && RUN=(setpriv --reuid=outpost --regid=outpost --init-groups)
(
  cd "$DATA_DIR"
  export HOSTNAME="$HOST_NAME"
  exec setsid "${RUN[@]+"${RUN[@]}"}" "$BIN_DIR/outpost" "${ARGS[@]}" </dev/null >>"$LOG_FILE" 2>&1
) &
pid=$!
echo "$pid" >"$PID_FILE"
started=0
for _ in $(seq 1 150); do
  alive "$pid" || fail "outpost exited at start; see $LOG_FILE: $(tail -n 3 "$LOG_FILE")"
  if tail -c "+$log_start" "$LOG_FILE" 2>/dev/null | grep -q 'msg="outpost started"'; then
    started=1
    break
  fi
  sleep 0.1
done
[ "$started" -eq 1 ] || echo "    note: outpost has not logged \"outpost started\" after 15 s; see $LOG_FILE"
echo "outpost is running (pid $pid), log: $LOG_FILE"
echo "stop it with: kill \$(cat $PID_FILE)"
