# shellcheck shell=bash
# install.sh's config jobs, as functions: the servers' addresses and
# instance labels, the stack templates rendered with the options, merging
# stacks into an existing config, and checking the result with the binary.
# Sourced by install.sh and stage-package.sh after install-lib.sh; runs
# nothing. Uses the globals install-lib.sh describes and sets
# CONFIG_ACTION and MERGED for its install jobs.
# shellcheck disable=SC2154,SC2153,SC2034  # the globals are shared with install.sh and install-lib.sh
# --- server addresses -------------------------------------------------------------
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

# Where an apache scrape_uri points: "tcp HOST:PORT" (80 for http, 443
# for https when the URL names no port).
apache_address() {
  local u="$1" port=80 hp
  [[ "$u" == https://* ]] && port=443
  hp="${u#*://}"; hp="${hp%%/*}"; hp="${hp%%\?*}"; hp="${hp##*@}"
  if [[ "$hp" =~ ^(\[[^]]*\]|[^:]*):([0-9]+)$ ]]; then echo "tcp $hp"; else echo "tcp $hp:$port"; fi
}

# is_pg_url DSN: a postgres:// or postgresql:// URL (else key=value conninfo).
is_pg_url() { [[ "$1" =~ ^postgres(ql)?:// ]]; }
# Where a libpq DSN (URL or key=value conninfo) points: "tcp HOST:PORT" or
# "unix DIR/.s.PGSQL.PORT". No host means libpq's default, the socket
# directory (Debian: /run/postgresql); host= may name a directory.
pg_dsn_address() {
  local d="$1" host="" port="" rest q="" kv re='^(\[[^]]*\]|[^:]*)(:([0-9]+))?$'
  local -a words
  if is_pg_url "$d"; then
    rest="${d#*://}"
    if [[ "$rest" == *\?* ]]; then q="${rest#*\?}"; rest="${rest%%\?*}"; fi
    rest="${rest%%/*}"; rest="${rest##*@}"
    if [[ "$rest" =~ $re ]]; then host="${BASH_REMATCH[1]}"; port="${BASH_REMATCH[3]}"; fi
    IFS='&' read -r -a words <<<"$q"
    host="${host//%2[Ff]//}"
  else
    read -r -a words <<<"$d"
  fi
  for kv in "${words[@]+"${words[@]}"}"; do
    kv="${kv//\'/}"
    case "$kv" in
      host=*) host="${kv#host=}"; host="${host//%2[Ff]//}" ;;
      hostaddr=*) [ -n "$host" ] || host="${kv#hostaddr=}" ;;
      port=*) port="${kv#port=}" ;;
    esac
  done
  host="${host#[}"; host="${host%]}"; port="${port:-5432}"
  case "$host" in
    "") echo "unix /run/postgresql/.s.PGSQL.$port" ;;
    /*) echo "unix ${host%/}/.s.PGSQL.$port" ;;
    *:*) echo "tcp [$host]:$port" ;;
    *) echo "tcp $host:$port" ;;
  esac
}

# --- config generation (into $WORK, installed later) ---------------------------------
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

# instance_line "tcp H:P"|"unix PATH": the `instance:` line of a server's
# block, or nothing. A local server's default instance ("127.0.0.1:3306")
# is the same on every host; name it after the host instead. A remote one
# keeps its own address (no line).
instance_line() {
  local net addr
  read -r net addr <<<"$1"
  if [ "$net" = unix ]; then
    printf '    instance: %s' "$(yq "$HOST_NAME")"
  else
    split_hostport "$addr"
    if is_local_host "$H"; then printf '    instance: %s' "$(yq "$HOST_NAME:$P")"; fi
  fi
}

# pg_instance_line DSN: as instance_line. The Agent names a postgres
# instance after the first DSN parsed as a URL
# (postgresql://HOST:PORT/DB); a key=value DSN does not parse and needs
# an explicit instance, so a remote one gets "HOST:PORT".
pg_instance_line() {
  local addr line
  addr="$(pg_dsn_address "$1")"
  line="$(instance_line "$addr")"
  if [ -z "$line" ] && ! is_pg_url "$1"; then line="    instance: $(yq "${addr#* }")"; fi
  printf '%s' "$line"
}

# probe_targets: the blackbox_targets entries of the --probe URLs, each
# named after its host and path (letters, digits, "." "_" "-"; a repeated
# name gets "-2", "-3"...): the name is the job's suffix.
probe_targets() {
  local url name base n
  declare -A seen=()
  for url in "${PROBES[@]+"${PROBES[@]}"}"; do
    base="${url#*://}"
    base="${base%%[?#]*}"
    base="${base%/}"
    base="$(printf '%s' "$base" | tr -c 'A-Za-z0-9._-' '_')"
    name="$base"
    n=1
    while [ -n "${seen[$name]:-}" ]; do n=$((n + 1)); name="$base-$n"; done
    seen[$name]=1
    printf '      - name: %s\n        address: %s\n        module: http_2xx\n' "$(yq "$name")" "$(yq "$url")"
  done
}

# set_config_vars: V holds the values the stack templates name.
set_config_vars() {
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
  if [ -n "$MYSQL_DSN" ]; then V[MYSQL_INSTANCE]="$(instance_line "$(dsn_address "$MYSQL_DSN")")"; fi
  V[REDIS_ADDR]="$(yq "$REDIS_ADDR")"
  V[REDIS_INSTANCE]=""
  if [ -n "$REDIS_ADDR" ]; then V[REDIS_INSTANCE]="$(instance_line "$(redis_address "$REDIS_ADDR")")"; fi
  V[POSTGRES_DSN]="$(yq "$POSTGRES_DSN")"
  V[POSTGRES_INSTANCE]=""
  if [ -n "$POSTGRES_DSN" ]; then V[POSTGRES_INSTANCE]="$(pg_instance_line "$POSTGRES_DSN")"; fi
  V[APACHE_STATUS_URL]="$(yq "$APACHE_STATUS_URL")"
  V[APACHE_INSTANCE]=""
  if [ -n "$APACHE_STATUS_URL" ]; then V[APACHE_INSTANCE]="$(instance_line "$(apache_address "$APACHE_STATUS_URL")")"; fi
  V[BLACKBOX_TARGETS]="$(probe_targets)"
  V[MEMCACHED_ADDR]="$(yq "$MEMCACHED_ADDR")"
  V[MEMCACHED_INSTANCE]=""
  if [ -n "$MEMCACHED_ADDR" ]; then V[MEMCACHED_INSTANCE]="$(instance_line "tcp $MEMCACHED_ADDR")"; fi
}

integration_key() { sed -n 's/^## integration: //p' "$STACK_DIR/$1.yaml"; }

# merge_into EXISTING OUT: EXISTING plus the fragment of each wanted stack
# whose integration key is not yet under its top-level `integrations:`
# block. Line-oriented: the fragment goes right after the last non-blank
# line of that block (re-indented to the block's own indentation); other
# lines are copied byte for byte, so hand edits and comments survive. No
# `integrations:` line: one is appended. A flow-style `integrations: {...}`
# cannot be merged this way and is refused. Sets MERGED (added stacks).
merge_into() {
  local existing="$1" out="$2" s key frag
  MERGED=""
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

# prepare_config: $WORK/agent.yaml is the config to install: the base and
# every wanted stack's fragment (CONFIG_ACTION=write), or the existing
# config with the missing stacks merged in (CONFIG_ACTION=merge, MERGED).
prepare_config() {
  {
    render "$STACK_DIR/_base.yaml"
    local s
    for s in "${WANT[@]}"; do render "$STACK_DIR/$s.yaml"; done
  } >"$WORK/fresh.yaml"
  CONFIG_ACTION="write"
  MERGED=""
  if [ -f "$CONFIG_FILE" ] && [ "$FORCE_CONFIG" -ne 1 ] && ! pristine_conffile "$CONFIG_FILE"; then
    CONFIG_ACTION=merge
    merge_into "$CONFIG_FILE" "$WORK/agent.yaml"
    if [ -n "$RW_URL" ] && ! grep -qF -- "$RW_URL" "$CONFIG_FILE"; then
      echo "    note: $CONFIG_FILE is kept and does not name $RW_URL; --force-config rewrites it"
    fi
  else
    cp "$WORK/fresh.yaml" "$WORK/agent.yaml"
  fi
}

# stage_secret: the remote-write password (file or OUTPOST_REMOTE_WRITE_PASSWORD)
# into $WORK/secret (0600), when one is given.
stage_secret() {
  if [ -n "$RW_PASSWORD_FILE" ]; then
    (umask 077; cat "$RW_PASSWORD_FILE" >"$WORK/secret")
  elif [ -n "$RW_PASSWORD" ]; then
    (umask 077; printf '%s' "$RW_PASSWORD" >"$WORK/secret")
  fi
}

# check_config BINARY: the new config loads (before anything is installed
# when the binary is already there). outpost reads password_file at load:
# a new secret is checked from its copy in $WORK. Returns 1 after saying why.
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
