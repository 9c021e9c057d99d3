# shellcheck shell=bash
# The jobs of install.sh, as functions: stack resolution, server addresses,
# config generation and merging, the install steps (user, permissions,
# secret, config, env file and unit, dashboards) and the background start.
# Sourced by install.sh only; defines functions and the template array V,
# runs nothing. Single-threaded; not meant to be run on its own.
#
# Uses what install.sh sets before calling in: die/fail/say, SRC and
# STACK_DIR, the options (RW_*, MYSQL_DSN, REDIS_ADDR, POSTGRES_DSN,
# APACHE_STATUS_URL, MEMCACHED_ADDR, HOST_NAME,
# SCRAPE_INTERVAL, SCRAPE_TIMEOUT, FORCE_CONFIG, NO_DEPS, PREFIX,
# BUILD_DEPS), the paths (BIN_DIR ... PID_FILE, SYSTEM) and WORK (a private
# temp dir). Sets WANT and AUTO (stacks), H and P (split_hostport),
# CONFIG_ACTION and MERGED (config), BINARY (build_outpost,
# unpack_package). With --package also PACKAGE and ROOT.
# Errors: bad input is die (exit 2, nothing changed yet), a failed step
# fail (exit 1).
# shellcheck disable=SC2154,SC2153  # the globals above are assigned in install.sh

# --- stacks ---------------------------------------------------------------------
list_stacks() {
  local f name about
  for f in "$STACK_DIR"/*.yaml; do
    name="$(basename "$f" .yaml)"
    [ "${name#_}" = "$name" ] || continue
    about="$(sed -n 's/^## about: //p' "$f")"
    printf '%-9s %s\n' "$name" "$about"
  done
  printf '%-9s %s\n' auto "node, plus mysql, redis, postgres, apache and memcached when a local server answers (says what it found)"
}

# add_stack NAME: NAME into WANT, or the stacks its "## includes:" names.
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

# resolve_stacks "a,b,...": WANT (node first: "auto" adds node and sets
# AUTO=1; lamp includes node and mysql).
resolve_stacks() {
  local s requested
  AUTO=0
  WANT=()
  IFS=',' read -r -a requested <<<"${1// /}"
  for s in "${requested[@]}"; do
    [ -n "$s" ] || continue
    # shellcheck disable=SC2034  # AUTO is read by install.sh
    if [ "$s" = auto ]; then AUTO=1; add_stack node; else add_stack "$s"; fi
  done
}

has_stack() { local s; for s in "${WANT[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

# --- servers and config: packaging/install-config.sh, sourced beside this ---------

# --- dependencies and build --------------------------------------------------------
# ensure_build_deps: apt-get installs BUILD_DEPS when one is missing
# (unless --no-deps); needs root then.
ensure_build_deps() {
  local installed missing="" p
  installed=" $(dpkg-query -W -f='${Package} ${Status}\n' "${BUILD_DEPS[@]}" 2>/dev/null |
    awk '$NF == "installed" { print $1 }' | paste -sd' ' -) " || true
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
}

# build_release TARGET: builds TARGET in the Release build $SRC/build-release
# (an existing one is reused incrementally).
build_release() {
  cmake -S "$SRC" -B "$SRC/build-release" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DOUTPOST_BUILD_TESTS=OFF -DOUTPOST_BUILD_BENCH=OFF >/dev/null
  cmake --build "$SRC/build-release" --target "$1" -j "$(nproc)"
}

# build_outpost: BINARY is the Release build's outpost.
build_outpost() {
  say "building outpost (Release; an existing build is reused incrementally)"
  build_release outpost
  BINARY="$SRC/build-release/outpost"
}

# build_package: the Debian package of a Release build
# (build-release/outpost_<version>_<arch>.deb); prints its path.
build_package() {
  local deb
  say "building the Debian package (Release; an existing build is reused incrementally)"
  rm -f "$SRC"/build-release/outpost_*.deb
  build_release package
  deb="$(find "$SRC/build-release" -maxdepth 1 -name 'outpost_*.deb' -print -quit)"
  [ -n "$deb" ] || fail "the package target wrote no outpost_*.deb in $SRC/build-release"
  echo "built $deb"
  echo "install it on each host with: ./install.sh --package $(basename "$deb") [--stack ...]"
}

# --- the Debian package --------------------------------------------------------------
# admin_dir: the dpkg database of this install (PREFIX's own with --prefix).
admin_dir() { echo "${ROOT}/var/lib/dpkg"; }

# pristine_conffile FILE: FILE is the outpost package's conffile as shipped
# (dpkg's recorded md5sum), so install.sh may write over it as if absent.
pristine_conffile() {
  local rel="${1#"$ROOT"}" sum
  sum="$(dpkg-query --admindir="$(admin_dir)" -W -f='${Conffiles}\n' outpost 2>/dev/null |
    awk -v f="$rel" '$1 == f { print $2 }')" || return 1
  [ -n "$sum" ] && [ "$(md5sum <"$1" | cut -d' ' -f1)" = "$sum" ]
}

# unpack_package: the package's outpost into $WORK/pkg; BINARY is it when
# it runs here (its libraries are installed), else empty.
unpack_package() {
  dpkg-deb -x "$PACKAGE" "$WORK/pkg"
  BINARY="$WORK/pkg/usr/bin/outpost"
  "$BINARY" -version >/dev/null 2>&1 || BINARY=""
}

# install_package: PACKAGE with its dependencies (apt-get; dpkg with
# --no-deps), keeping conffiles the admin changed. With --prefix: into the
# throwaway root PREFIX with its own dpkg database; the maintainer scripts
# run on this host with DPKG_ROOT=PREFIX (no user unless PREFIX/etc/passwd
# exists, no systemctl) and the libraries are this host's (--force-depends).
install_package() {
  local -a keep=(--force-confdef --force-confold)
  export DEBIAN_FRONTEND=noninteractive
  if [ -n "$PREFIX" ]; then
    install -d "$(admin_dir)/info" "$(admin_dir)/updates"
    touch "$(admin_dir)/status" "$(admin_dir)/available"
    dpkg --root="$PREFIX" --force-script-chrootless --force-depends "${keep[@]}" -i "$PACKAGE" >/dev/null 2>"$WORK/dpkg.err" ||
      fail "dpkg could not install $PACKAGE into $PREFIX: $(grep -v 'depends on\|not installed\|dependency problems' "$WORK/dpkg.err" | tail -n 3)"
  elif [ "$NO_DEPS" -eq 1 ]; then
    dpkg "${keep[@]}" -i "$PACKAGE" >/dev/null || fail "dpkg could not install $PACKAGE"
  else
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef \
      -o Dpkg::Options::=--force-confold "$PACKAGE" >/dev/null ||
      fail "apt-get could not install $PACKAGE"
  fi
  # A unit an older install.sh wrote would hide the package's.
  if [ "$SYSTEM" -eq 1 ] && grep -qs '^ExecStart=/usr/local/bin/outpost ' /etc/systemd/system/outpost.service; then
    rm -f /etc/systemd/system/outpost.service
    echo "    removed /etc/systemd/system/outpost.service (from a source install); the package's unit is used"
  fi
}

# --- install ------------------------------------------------------------------------
# make_user_and_dirs: the system user `outpost` (system install only) and
# the install's directories (data and log owned by outpost).
make_user_and_dirs() {
  if [ "$SYSTEM" -eq 1 ] && ! getent passwd outpost >/dev/null; then
    useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home \
      --shell /usr/sbin/nologin --comment "outpost metrics agent" outpost
    echo "    created the system user outpost"
  fi
  install -d -m 0755 "$BIN_DIR" "$CONFIG_DIR" "$(dirname "$ENV_FILE")" "$(dirname "$UNIT_FILE")" \
    "$SHARE_DIR"
  install -d -m 0750 "$DATA_DIR" "$LOG_DIR"
  # -R: an older install.sh ran the agent as root.
  if [ "$SYSTEM" -eq 1 ]; then chown -R outpost:outpost "$DATA_DIR" "$LOG_DIR"; fi
}

# install_binary: BINARY as $BIN_DIR/outpost.
install_binary() {
  # Copy then rename: a running outpost keeps its old inode.
  cp "$BINARY" "$BIN_DIR/.outpost.new"
  chmod 0755 "$BIN_DIR/.outpost.new"
  mv -f "$BIN_DIR/.outpost.new" "$BIN_DIR/outpost"
}

# install_secret TARGET: stdin into TARGET, mode 0600, owned by outpost.
install_secret() {
  (umask 077; cat >"$1.new")
  chmod 0600 "$1.new"
  if [ "$SYSTEM" -eq 1 ]; then chown outpost:outpost "$1.new"; fi
  mv -f "$1.new" "$1"
}

# install_config: the staged secret to PASSWORD_FILE, $WORK/agent.yaml to
# CONFIG_FILE (0640 root:outpost; the previous one kept as .bak) when it
# is new or merged.
install_config() {
  if [ -f "$WORK/secret" ]; then install_secret "$PASSWORD_FILE" <"$WORK/secret"; fi
  if [ -n "$RW_USER" ]; then echo "    remote-write password: $PASSWORD_FILE (0600)"; fi
  if [ "$CONFIG_ACTION" = write ] || [ -n "$MERGED" ]; then
    if [ -f "$CONFIG_FILE" ]; then cp -p "$CONFIG_FILE" "$CONFIG_FILE.bak"; fi
    install -m 0640 "$WORK/agent.yaml" "$CONFIG_FILE.new"
    if [ "$SYSTEM" -eq 1 ]; then chown root:outpost "$CONFIG_FILE.new"; fi
    mv -f "$CONFIG_FILE.new" "$CONFIG_FILE"
    if [ "$CONFIG_ACTION" = write ]; then
      echo "    wrote $CONFIG_FILE (stacks: ${WANT[*]})"
    else
      echo "    merged stacks${MERGED} into $CONFIG_FILE (previous copy: $CONFIG_FILE.bak)"
    fi
  else
    echo "    keeping $CONFIG_FILE"
    # The agent's user must read it (an older install.sh made it root:root).
    if [ "$SYSTEM" -eq 1 ]; then chgrp outpost "$CONFIG_FILE"; fi
  fi
}

# install_env_file: the env file, rendered from packaging/ (kept unless
# missing or --force-config). install_unit: the systemd unit. Both write
# under DEST (empty but for packaging/stage-package.sh, the Debian
# package's staging root); the paths inside them are the installed ones.
install_env_file() {
  unit_vars
  if [ ! -f "${DEST:-}$ENV_FILE" ] || [ "$FORCE_CONFIG" -eq 1 ] || pristine_conffile "$ENV_FILE"; then
    render "$SRC/packaging/outpost.default" >"${DEST:-}$ENV_FILE"
    chmod 0644 "${DEST:-}$ENV_FILE"
  fi
}
install_unit() {
  unit_vars
  render "$SRC/packaging/outpost.service" >"${DEST:-}$UNIT_FILE"
  chmod 0644 "${DEST:-}$UNIT_FILE"
}
# install_capabilities: a drop-in for the unit (install.sh's or the
# package's) granting the capabilities the wanted stacks name in their
# "## capabilities:" line; none needed: none written (one written for a
# stack that is still in the config is kept).
install_capabilities() {
  local s c caps=""
  for s in "${WANT[@]}"; do
    # shellcheck disable=SC2013  # words: one capability each
    for c in $(sed -n 's/^## capabilities: //p' "$STACK_DIR/$s.yaml"); do
      [[ " $caps " == *" $c "* ]] || caps="$caps $c"
    done
  done
  [ -n "$caps" ] || return 0
  install -d -m 0755 "$DROPIN_DIR"
  printf '# Written by install.sh for the stacks %s (configs/stacks/*.yaml).
[Service]
AmbientCapabilities=%s
' \
    "${WANT[*]}" "${caps# }" >"$DROPIN_DIR/capabilities.conf"
  chmod 0644 "$DROPIN_DIR/capabilities.conf"
  echo "    granted${caps} to the service ($DROPIN_DIR/capabilities.conf)"
}
# unit_vars: V (install-config.sh's render values) for the unit template.
unit_vars() {
  # shellcheck disable=SC2034  # read by render (install-config.sh)
  V=([CONFIG_FILE]="$CONFIG_FILE" [HTTP_ADDRESS]="$HTTP_ADDRESS" [ENV_FILE]="$ENV_FILE"
     [DATA_DIR]="$DATA_DIR" [BIN_DIR]="$BIN_DIR")
}

# install_dashboards: the dashboards, the Grafana provisioning file (its
# path points at this install) and the rules, whichever exist (under DEST,
# as install_unit).
install_dashboards() {
  [ -d "$SRC/dashboards" ] || return 0
  local n=0 f rel dest
  while IFS= read -r -d '' f; do
    rel="${f#"$SRC/dashboards/"}"
    case "$rel" in
      provisioning/*) dest="$SHARE_DIR/$rel" ;;
      rules/*/*) continue ;;
      rules/*.yaml) dest="$SHARE_DIR/$rel" ;;
      *.json) dest="$SHARE_DIR/dashboards/$rel" ;;
      *) continue ;;
    esac
    dest="${DEST:-}$dest"
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
  echo "    $n dashboard, provisioning and rule files in ${DEST:-}$SHARE_DIR"
}

# --- start without systemd ------------------------------------------------------------
# alive PID: running, not a zombie.
alive() {
  local st
  st="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  st="${st##*) }"
  [ "${st%% *}" != Z ]
}

# start_background ARG...: stops the outpost PID_FILE names (if it is ours),
# starts $BIN_DIR/outpost ARG... detached (as user outpost on a system
# install) logging to $LOG_DIR/outpost.log, waits up to 15 s for
# "outpost started". Fails when it exits at start.
start_background() {
  local old pid log_file log_start started=0
  local -a run=()
  if [ -f "$PID_FILE" ]; then
    old="$(cat "$PID_FILE")"
    if [[ "$old" =~ ^[0-9]+$ ]] && alive "$old" &&
        [[ "$(readlink "/proc/$old/exe" 2>/dev/null || true)" == "$BIN_DIR/outpost"* ]]; then
      say "stopping the running outpost (pid $old) to upgrade it"
      kill -TERM "$old"
      for _ in $(seq 1 100); do alive "$old" || break; sleep 1; done
    fi
  fi
  log_file="$LOG_DIR/outpost.log"
  log_start=$(($(stat -c %s "$log_file" 2>/dev/null || echo 0) + 1))
  say "starting outpost in the background (no systemd${PREFIX:+ for a --prefix install})"
  if [ "$SYSTEM" -eq 1 ]; then run=(setpriv --reuid=outpost --regid=outpost --init-groups); fi
  (
    cd "$DATA_DIR" || exit 1
    export HOSTNAME="$HOST_NAME"
    exec setsid "${run[@]+"${run[@]}"}" "$BIN_DIR/outpost" "$@" </dev/null >>"$log_file" 2>&1
  ) &
  pid=$!
  echo "$pid" >"$PID_FILE"
  for _ in $(seq 1 150); do
    alive "$pid" || fail "outpost exited at start; see $log_file: $(tail -n 3 "$log_file")"
    if tail -c "+$log_start" "$log_file" 2>/dev/null | grep -q 'msg="outpost started"'; then
      started=1
      break
    fi
    sleep 0.1
  done
  [ "$started" -eq 1 ] || echo "    note: outpost has not logged \"outpost started\" after 15 s; see $log_file"
  echo "outpost is running (pid $pid), log: $log_file"
  echo "stop it with: kill \$(cat $PID_FILE)"
}
