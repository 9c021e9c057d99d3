# shellcheck shell=bash
# install.sh --stack auto: the probes that recognise a local server by what
# it answers, and auto_detect, which adds the stacks of the servers found
# to WANT and says what it found. Sourced by install.sh only (the Debian
# package's staging needs none of it); defines functions, runs nothing.
#
# Uses install-lib.sh's address helpers (split_hostport, dsn_address,
# redis_address, pg_dsn_address, apache_address, has_stack) and what
# install.sh sets: say, WANT, the options (MYSQL_DSN, REDIS_ADDR,
# POSTGRES_DSN, APACHE_STATUS_URL, MEMCACHED_ADDR) and the probe overrides
# OUTPOST_AUTO_{MYSQL,REDIS,POSTGRES,MEMCACHED}_ADDR, OUTPOST_AUTO_APACHE_URL.
# Sets FOUND (find_server); auto_detect may set REDIS_ADDR,
# APACHE_STATUS_URL and MEMCACHED_ADDR.
# shellcheck disable=SC2154,SC2153  # the globals above are assigned in install.sh

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
# probe_postgres HOST PORT: an SSLRequest gets PostgreSQL's one-byte answer
# (S or N) (the protocol's "SSL Session Encryption" message flow).
# shellcheck disable=SC2016
probe_postgres() {
  local r
  r="$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" &&
    printf "\x00\x00\x00\x08\x04\xd2\x16\x2f" >&3 && head -c 1 <&3' _ "$1" "$2" 2>/dev/null)" || true
  [ "$r" = S ] || [ "$r" = N ]
}
# probe_memcached HOST PORT: `version` gets memcached's "VERSION x.y.z".
# shellcheck disable=SC2016
probe_memcached() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "version\r\n" >&3 &&
    IFS= read -r line <&3 && case "$line" in "VERSION "*) exit 0 ;; esac; exit 1' \
    _ "$1" "$2" 2>/dev/null
}
# probe_apache HOST PORT PATH: GET PATH (plain HTTP/1.0) answers 200 with
# mod_status's machine-readable page (a "ServerVersion:" or "Total
# Accesses:" line). APACHE_PROBE is what answered: "status" (mod_status
# reachable), "http STATUS-LINE" (a web server, but not mod_status there)
# or "" (nothing).
# shellcheck disable=SC2016
probe_apache() {
  local reply first
  APACHE_PROBE=""
  reply="$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" &&
    printf "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: outpost-install\r\n\r\n" "$3" "$1" >&3 &&
    head -c 65536 <&3' _ "$1" "$2" "$3" 2>/dev/null | tr -d '\r')" || true
  first="${reply%%$'\n'*}"
  [[ "$first" == HTTP/* ]] || return 1
  if [[ "$first" =~ ^HTTP/[0-9.]+\ 200 ]] &&
      [[ "$reply" == *$'\n'"ServerVersion: "* || "$reply" == *$'\n'"Total Accesses: "* ]]; then
    APACHE_PROBE=status
    return 0
  fi
  APACHE_PROBE="http $first"
  return 1
}

probe_addr() {  # KIND(mysql|redis|postgres|memcached) "tcp H:P"|"unix PATH"
  local kind="$1" net="${2%% *}" addr="${2#* }"
  if [ "$net" = unix ]; then [ -S "$addr" ]; return; fi
  split_hostport "$addr"
  [ -n "$P" ] || return 1
  "probe_$kind" "$H" "$P"
}

# find_server KIND LABEL CANDIDATE...: FOUND is the first candidate
# ("tcp H:P"|"unix PATH") that answers as KIND, or "" after saying so.
find_server() {
  local kind="$1" label="$2" c
  shift 2
  FOUND=""
  for c in "$@"; do if probe_addr "$kind" "$c"; then FOUND="$c"; return 0; fi; done
  echo "    $label: none found (probed: $(printf '%s; ' "$@"))"
}

# override_candidate ADDR (an OUTPOST_AUTO_*_ADDR): "unix ADDR" for a
# /path, else "tcp ADDR".
override_candidate() { case "$1" in /*) echo "unix $1" ;; *) echo "tcp $1" ;; esac; }

# enable_dsn_stack STACK LABEL OPTION DSN HINT: after find_server, adds
# STACK to WANT when a server was FOUND and a DSN given; without a DSN says
# what it found and how to enable it (HINT: the grants the exporter needs).
enable_dsn_stack() {
  local stack="$1" label="$2" opt="$3" dsn="$4" hint="$5"
  [ -n "$FOUND" ] || return 0
  if [ -z "$dsn" ]; then
    echo "    $label: found at ${FOUND#* } but no --$opt given: $stack stack NOT enabled"
    echo "      ($hint and re-run with --$opt)"
  else
    echo "    $label: found at ${FOUND#* }: enabling the $stack stack"
    has_stack "$stack" || WANT+=("$stack")
  fi
}

# auto_detect: adds mysql and postgres (when their DSN is given), redis,
# apache (its mod_status page answers) and memcached to WANT when a local
# server answers; says what it found. May set REDIS_ADDR, APACHE_STATUS_URL
# and MEMCACHED_ADDR.
auto_detect() {
  local -a cands=()
  local d s
  say "auto: looking for local servers"
  if [ -n "${OUTPOST_AUTO_MYSQL_ADDR:-}" ]; then
    cands=("$(override_candidate "$OUTPOST_AUTO_MYSQL_ADDR")")
  elif [ -n "$MYSQL_DSN" ]; then
    cands=("$(dsn_address "$MYSQL_DSN")")
  else
    cands=("unix /run/mysqld/mysqld.sock" "unix /var/run/mysqld/mysqld.sock" "tcp 127.0.0.1:3306")
  fi
  find_server mysql "MySQL/MariaDB" "${cands[@]}"
  enable_dsn_stack mysql "MySQL/MariaDB" mysql-dsn "$MYSQL_DSN" \
    "create a user with PROCESS, REPLICATION CLIENT, SELECT"
  if [ -n "${OUTPOST_AUTO_REDIS_ADDR:-}" ]; then
    cands=("$(redis_address "$OUTPOST_AUTO_REDIS_ADDR")")
  elif [ -n "$REDIS_ADDR" ]; then
    cands=("$(redis_address "$REDIS_ADDR")")
  else
    cands=("tcp 127.0.0.1:6379" "unix /run/redis/redis-server.sock" "unix /var/run/redis/redis.sock")
  fi
  find_server redis Redis "${cands[@]}"
  if [ -n "$FOUND" ]; then
    echo "    Redis: found at ${FOUND#* }: enabling the redis stack"
    if [ -z "$REDIS_ADDR" ]; then
      if [ "${FOUND%% *}" = unix ]; then REDIS_ADDR="unix://${FOUND#* }"; else REDIS_ADDR="${FOUND#* }"; fi
    fi
    has_stack redis || WANT+=(redis)
  fi
  if [ -n "${OUTPOST_AUTO_POSTGRES_ADDR:-}" ]; then
    cands=("$(override_candidate "$OUTPOST_AUTO_POSTGRES_ADDR")")
  elif [ -n "$POSTGRES_DSN" ]; then
    cands=("$(pg_dsn_address "$POSTGRES_DSN")")
  else
    # The server's sockets (.s.PGSQL.<port>, not its .lock files), then TCP.
    cands=()
    for d in /run/postgresql /var/run/postgresql; do
      for s in "$d"/.s.PGSQL.*; do
        if [[ "$s" != *.lock ]] && [ -S "$s" ]; then cands+=("unix $s"); fi
      done
    done
    [ ${#cands[@]} -gt 0 ] || cands=("unix /run/postgresql/.s.PGSQL.5432")
    cands+=("tcp 127.0.0.1:5432")
  fi
  find_server postgres PostgreSQL "${cands[@]}"
  enable_dsn_stack postgres PostgreSQL postgres-dsn "$POSTGRES_DSN" \
    "create a role: CREATE ROLE outpost LOGIN PASSWORD '...'; GRANT pg_monitor TO outpost;"
  # Apache httpd: its mod_status page at the URL given (or the Agent's
  # default, on 127.0.0.1); a web server there that does not serve the
  # page is named, with how to enable it.
  local url="${OUTPOST_AUTO_APACHE_URL:-${APACHE_STATUS_URL:-http://127.0.0.1/server-status?auto}}"
  local addr path
  if [[ "$url" == https://* ]]; then
    echo "    Apache: $url is https, not probed: enabling the apache stack as asked"
    [ -n "$APACHE_STATUS_URL" ] || APACHE_STATUS_URL="$url"
    has_stack apache || WANT+=(apache)
  else
    addr="$(apache_address "$url")"
    path="/${url#http://*/}"
    [[ "${url#http://}" == */* ]] || path=/
    split_hostport "${addr#* }"
    if probe_apache "$H" "$P" "$path"; then
      echo "    Apache: mod_status found at $url: enabling the apache stack"
      [ -n "$APACHE_STATUS_URL" ] || APACHE_STATUS_URL="$url"
      has_stack apache || WANT+=(apache)
    elif [ -n "$APACHE_PROBE" ]; then
      echo "    Apache: a web server answers at $H:$P but $path gave \"${APACHE_PROBE#http }\": apache stack NOT enabled"
      echo "      (enable mod_status for local requests: a2enmod status && systemctl reload apache2;"
      echo "       or give --apache-status-url)"
    else
      echo "    Apache: none found (probed: $url)"
    fi
  fi
  # memcached: its answer to `version`.
  if [ -n "${OUTPOST_AUTO_MEMCACHED_ADDR:-}" ]; then
    cands=("tcp $OUTPOST_AUTO_MEMCACHED_ADDR")
  elif [ -n "$MEMCACHED_ADDR" ]; then
    cands=("tcp $MEMCACHED_ADDR")
  else
    cands=("tcp 127.0.0.1:11211")
  fi
  find_server memcached memcached "${cands[@]}"
  if [ -n "$FOUND" ]; then
    echo "    memcached: found at ${FOUND#* }: enabling the memcached stack"
    [ -n "$MEMCACHED_ADDR" ] || MEMCACHED_ADDR="${FOUND#* }"
    has_stack memcached || WANT+=(memcached)
  fi
}
