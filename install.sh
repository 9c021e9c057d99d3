#!/usr/bin/env bash
# Installs outpost on Debian 12 from this source tree, writes its config
# for the chosen stacks and starts it.
#
#   ./install.sh [--stack node,mysql,redis,postgres,apache,memcached,process,lamp,auto]
#                [--remote-write-url URL]
#                [--remote-write-user U --remote-write-password-file F]
#                [--mysql-dsn DSN | --mysql-dsn-file F] [--redis-addr ADDR]
#                [--postgres-dsn DSN | --postgres-dsn-file F]
#                [--apache-status-url URL] [--memcached-addr HOST:PORT]
#                [--probe URL]...
#                [--prefix DIR] [--binary PATH] [--no-deps] [--no-start]
#                [--force-config] [--http-address HOST:PORT] [--hostname NAME]
#                [--scrape-interval DURATION (15s)] [--package FILE.deb]
#   ./install.sh --list-stacks       the stacks, one line each
#   ./install.sh --print-build-deps  the Debian packages the build needs
#   ./install.sh --build-package     builds the Debian package once (on a
#                                    build host) and prints its path
#
# --package FILE.deb installs outpost from the package (apt-get installs
# its dependencies; dpkg alone with --no-deps) instead of building, then
# writes the stacks' config as from source. With --prefix DIR (as root) the
# package goes into DIR as a throwaway root with its own dpkg database.
#
# Every option also comes from the environment (flags win): OUTPOST_STACK,
# OUTPOST_REMOTE_WRITE_URL, OUTPOST_REMOTE_WRITE_USER,
# OUTPOST_REMOTE_WRITE_PASSWORD_FILE, OUTPOST_REMOTE_WRITE_PASSWORD (the
# password itself, never a flag), OUTPOST_MYSQL_DSN, OUTPOST_MYSQL_DSN_FILE,
# OUTPOST_REDIS_ADDR, OUTPOST_POSTGRES_DSN, OUTPOST_POSTGRES_DSN_FILE,
# OUTPOST_APACHE_STATUS_URL, OUTPOST_MEMCACHED_ADDR, OUTPOST_PROBES (URLs
# separated by spaces or commas; --probe adds to them),
# OUTPOST_PREFIX, OUTPOST_BINARY, OUTPOST_HTTP_ADDRESS, OUTPOST_HOSTNAME,
# OUTPOST_SCRAPE_INTERVAL, OUTPOST_NO_DEPS=1, OUTPOST_NO_START=1,
# OUTPOST_FORCE_CONFIG=1, OUTPOST_PACKAGE. --stack auto probes
# OUTPOST_AUTO_MYSQL_ADDR, OUTPOST_AUTO_REDIS_ADDR,
# OUTPOST_AUTO_POSTGRES_ADDR (host:port or /socket),
# OUTPOST_AUTO_MEMCACHED_ADDR (host:port) and OUTPOST_AUTO_APACHE_URL
# (a mod_status URL) when set. The process stack is never auto-detected:
# it is opt-in (--stack node,process).
#
# Where files go (no --prefix, as root | --prefix DIR, any user); with
# --package the binary is /usr/bin/outpost, the unit
# /lib/systemd/system/outpost.service, the dashboards /usr/share/outpost
# (DIR/usr/... with --prefix):
#   binary      /usr/local/bin/outpost                | DIR/bin/outpost
#   config      /etc/outpost/agent.yaml (0640 root:outpost) | DIR/etc/outpost/agent.yaml
#   password    /etc/outpost/remote-write-password (0600) | DIR/etc/outpost/...
#   env file    /etc/default/outpost                  | DIR/etc/default/outpost
#   unit        /etc/systemd/system/outpost.service   | DIR/etc/systemd/system/...
#   drop-in     /etc/systemd/system/outpost.service.d/capabilities.conf, when
#               a stack needs a capability (node: CAP_DAC_READ_SEARCH)
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
  build-essential cmake ninja-build pkg-config git file
  libabsl-dev libyaml-cpp-dev libre2-dev prometheus-cpp-dev libcivetweb-dev
  libsnappy-dev libssl-dev libcurl4-openssl-dev libprotobuf-dev protobuf-compiler
  libgtest-dev libgmock-dev libbenchmark-dev
  default-libmysqlclient-dev libhiredis-dev nlohmann-json3-dev
  libsimdjson-dev libsystemd-dev libpq-dev libc-ares-dev libldns-dev libsnmp-dev
)

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STACK_DIR="$SRC/configs/stacks"

die() { echo "install.sh: $*" >&2; exit 2; }    # bad input: nothing changed
fail() { echo "install.sh: $*" >&2; exit 1; }   # failure while installing
say() { echo "==> $*"; }

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

# The jobs (stacks, probes, config, install steps, background start).
# shellcheck source-path=SCRIPTDIR source=packaging/install-lib.sh
. "$SRC/packaging/install-lib.sh"
# shellcheck source-path=SCRIPTDIR source=packaging/install-config.sh
. "$SRC/packaging/install-config.sh"
# The probes of --stack auto.
# shellcheck source-path=SCRIPTDIR source=packaging/install-detect.sh
. "$SRC/packaging/install-detect.sh"

# --- options: environment first, then flags ---------------------------------
STACKS="${OUTPOST_STACK:-}"
RW_URL="${OUTPOST_REMOTE_WRITE_URL:-}"
RW_USER="${OUTPOST_REMOTE_WRITE_USER:-}"
RW_PASSWORD_FILE="${OUTPOST_REMOTE_WRITE_PASSWORD_FILE:-}"
RW_PASSWORD="${OUTPOST_REMOTE_WRITE_PASSWORD:-}"
MYSQL_DSN="${OUTPOST_MYSQL_DSN:-}"
MYSQL_DSN_FILE="${OUTPOST_MYSQL_DSN_FILE:-}"
REDIS_ADDR="${OUTPOST_REDIS_ADDR:-}"
POSTGRES_DSN="${OUTPOST_POSTGRES_DSN:-}"
POSTGRES_DSN_FILE="${OUTPOST_POSTGRES_DSN_FILE:-}"
APACHE_STATUS_URL="${OUTPOST_APACHE_STATUS_URL:-}"
MEMCACHED_ADDR="${OUTPOST_MEMCACHED_ADDR:-}"
PROBES=()
probes_env="${OUTPOST_PROBES:-}"
read -r -a PROBES <<<"${probes_env//,/ }"
PREFIX="${OUTPOST_PREFIX:-}"
BINARY="${OUTPOST_BINARY:-}"
HTTP_ADDRESS="${OUTPOST_HTTP_ADDRESS:-127.0.0.1:12345}"
HOST_NAME="${OUTPOST_HOSTNAME:-}"
SCRAPE_INTERVAL="${OUTPOST_SCRAPE_INTERVAL:-15s}"
NO_DEPS="${OUTPOST_NO_DEPS:-0}"
NO_START="${OUTPOST_NO_START:-0}"
FORCE_CONFIG="${OUTPOST_FORCE_CONFIG:-0}"
PACKAGE="${OUTPOST_PACKAGE:-}"
BUILD_PACKAGE=0

while [ $# -gt 0 ]; do
  opt="$1"
  val=""
  case "$opt" in
    --*=*) val="${opt#*=}"; opt="${opt%%=*}" ;;
    --stack|--remote-write-url|--remote-write-user|--remote-write-password-file|\
    --mysql-dsn|--mysql-dsn-file|--redis-addr|--postgres-dsn|--postgres-dsn-file|--prefix|\
    --apache-status-url|--memcached-addr|--probe|\
    --binary|--http-address|--hostname|--scrape-interval|--package)
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
    --postgres-dsn) POSTGRES_DSN="$val" ;;
    --postgres-dsn-file) POSTGRES_DSN_FILE="$val" ;;
    --apache-status-url) APACHE_STATUS_URL="$val" ;;
    --memcached-addr) MEMCACHED_ADDR="$val" ;;
    --probe) PROBES+=("$val") ;;
    --prefix) PREFIX="$val" ;;
    --binary) BINARY="$val" ;;
    --http-address) HTTP_ADDRESS="$val" ;;
    --hostname) HOST_NAME="$val" ;;
    --scrape-interval) SCRAPE_INTERVAL="$val" ;;
    --package) PACKAGE="$val" ;;
    --build-package) BUILD_PACKAGE=1 ;;
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

if [ "$BUILD_PACKAGE" -eq 1 ]; then
  ensure_build_deps
  build_package
  exit 0
fi

# --- validation: nothing is written before this section ends ----------------
has_ctl() { [[ "$1" == *[[:cntrl:]]* ]]; }
for pair in "stack:$STACKS" "remote-write-url:$RW_URL" "remote-write-user:$RW_USER" \
    "mysql-dsn:$MYSQL_DSN" "redis-addr:$REDIS_ADDR" "postgres-dsn:$POSTGRES_DSN" \
    "apache-status-url:$APACHE_STATUS_URL" "memcached-addr:$MEMCACHED_ADDR" \
    "http-address:$HTTP_ADDRESS"; do
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
# dsn_from_file FILE WHAT: DSN_LINE is FILE's first line (a DSN holds a
# password: it is kept out of the command line).
dsn_from_file() {
  if [ ! -f "$1" ] || [ ! -r "$1" ]; then die "cannot read the $2 DSN file \"$1\""; fi
  DSN_LINE="$(head -n 1 "$1")"
  DSN_LINE="${DSN_LINE%$'\r'}"
  if has_ctl "$DSN_LINE"; then die "the $2 DSN file must hold one line"; fi
}
if [ -n "$MYSQL_DSN_FILE" ]; then dsn_from_file "$MYSQL_DSN_FILE" MySQL; MYSQL_DSN="$DSN_LINE"; fi
if [ -n "$POSTGRES_DSN_FILE" ]; then dsn_from_file "$POSTGRES_DSN_FILE" PostgreSQL; POSTGRES_DSN="$DSN_LINE"; fi
hp_re='^[][A-Za-z0-9._:-]*:[0-9]+$'
[[ "$HTTP_ADDRESS" =~ $hp_re ]] || die "--http-address must be HOST:PORT, got \"$HTTP_ADDRESS\""
if [ -n "$MEMCACHED_ADDR" ] && ! [[ "$MEMCACHED_ADDR" =~ $hp_re ]]; then
  die "--memcached-addr must be HOST:PORT, got \"$MEMCACHED_ADDR\""
fi
if [ -n "$APACHE_STATUS_URL" ] && ! [[ "$APACHE_STATUS_URL" =~ ^https?://[^[:space:]/?#]+(/[^[:space:]]*)?$ ]]; then
  die "--apache-status-url must be an http:// or https:// URL, got \"$APACHE_STATUS_URL\""
fi
for url in "${PROBES[@]+"${PROBES[@]}"}"; do
  has_ctl "$url" && die "--probe must not contain control characters"
  [[ "$url" =~ ^https?://[^[:space:]/?#]+(/[^[:space:]]*)?$ ]] ||
    die "--probe must be an http:// or https:// URL, got \"$url\""
done
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
if [ -n "$PACKAGE" ]; then
  [ -z "$BINARY" ] || die "give --package or --binary, not both"
  if [ ! -f "$PACKAGE" ] || [ ! -r "$PACKAGE" ]; then die "cannot read the package \"$PACKAGE\""; fi
  [ "$(dpkg-deb -f "$PACKAGE" Package 2>/dev/null)" = outpost ] ||
    die "\"$PACKAGE\" is not an outpost Debian package (see --build-package)"
  [ "$(id -u)" -eq 0 ] || die "--package needs root (dpkg installs it)"
  PACKAGE="$(cd "$(dirname "$PACKAGE")" && pwd)/$(basename "$PACKAGE")"
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

# Stacks: "auto" probes; lamp includes node, apache and mysql; node comes first.
[ -n "$STACKS" ] || STACKS=node
resolve_stacks "$STACKS"
if [ "$AUTO" -eq 1 ]; then auto_detect; fi
if [ "${#PROBES[@]}" -gt 0 ]; then add_stack blackbox; fi
if has_stack blackbox && [ "${#PROBES[@]}" -eq 0 ]; then
  die "the blackbox stack needs at least one --probe URL (or OUTPOST_PROBES)"
fi

if has_stack mysql && [ -z "$MYSQL_DSN" ]; then
  die "the mysql stack needs --mysql-dsn DSN (or --mysql-dsn-file F, OUTPOST_MYSQL_DSN), e.g. 'exporter:PASSWORD@unix(/run/mysqld/mysqld.sock)/'"
fi
if has_stack postgres && [ -z "$POSTGRES_DSN" ]; then
  die "the postgres stack needs --postgres-dsn DSN (or --postgres-dsn-file F, OUTPOST_POSTGRES_DSN), e.g. 'postgresql://outpost:PASSWORD@localhost:5432/postgres'"
fi
if has_stack redis && [ -z "$REDIS_ADDR" ]; then REDIS_ADDR="127.0.0.1:6379"; fi
# Grafana Agent's defaults, on 127.0.0.1 (localhost may resolve to ::1 first).
if has_stack apache && [ -z "$APACHE_STATUS_URL" ]; then APACHE_STATUS_URL="http://127.0.0.1/server-status?auto"; fi
if has_stack memcached && [ -z "$MEMCACHED_ADDR" ]; then MEMCACHED_ADDR="127.0.0.1:11211"; fi

# --- paths -------------------------------------------------------------------
if [ -n "$PREFIX" ]; then
  BIN_DIR="$PREFIX/bin"; SHARE_DIR="$PREFIX/share/outpost"; ROOT="$PREFIX"
else
  BIN_DIR=/usr/local/bin; SHARE_DIR=/usr/local/share/outpost; ROOT=""
fi
if [ -n "$PACKAGE" ]; then BIN_DIR="$ROOT/usr/bin"; SHARE_DIR="$ROOT/usr/share/outpost"; fi
CONFIG_DIR="$ROOT/etc/outpost"
CONFIG_FILE="$CONFIG_DIR/agent.yaml"
PASSWORD_FILE="$CONFIG_DIR/remote-write-password"
ENV_FILE="$ROOT/etc/default/outpost"
UNIT_FILE="$ROOT/etc/systemd/system/outpost.service"
DROPIN_DIR="$UNIT_FILE.d"
DATA_DIR="$ROOT/var/lib/outpost"
LOG_DIR="$ROOT/var/log/outpost"
PID_FILE="$DATA_DIR/outpost.pid"
SYSTEM=0  # a system install: outpost user, ownership, systemd
[ -z "$PREFIX" ] && SYSTEM=1

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# --- config generation (into $WORK, installed later) --------------------------
set_config_vars
prepare_config
stage_secret
# The package's binary checks the config before anything is installed
# when its libraries are already there.
if [ -n "$PACKAGE" ]; then unpack_package; fi
if [ -n "$BINARY" ]; then
  check_config "$BINARY" || exit 2
fi

# --- dependencies and build, or the package ------------------------------------
if [ -n "$PACKAGE" ]; then
  say "installing $(basename "$PACKAGE")"
  install_package
  if [ -z "$BINARY" ]; then check_config "$BIN_DIR/outpost" || exit 1; fi
  BINARY="$BIN_DIR/outpost"
elif [ -z "$BINARY" ]; then
  ensure_build_deps
  build_outpost
  check_config "$BINARY" || exit 1
fi

# --- install -------------------------------------------------------------------
say "installing outpost ($("$BINARY" -version 2>&1 | head -n 1)) into $BIN_DIR"
if [ -z "$PACKAGE" ]; then
  make_user_and_dirs
  install_binary
fi
install_config
install_env_file
install_capabilities
if [ -z "$PACKAGE" ]; then
  install_unit
  install_dashboards
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
start_background "${ARGS[@]}"
