#!/usr/bin/env bash
# Installs outpost on Debian 12 from this source tree and starts it.
#
#   ./install.sh                 build, install, write /etc/outpost/agent.yaml
#                                (if absent) and start the agent: as a systemd
#                                service when systemd runs, else in the
#                                foreground
#   ./install.sh --no-start      build and install only
#   ./install.sh --print-build-deps
#                                print the Debian packages the build needs
#
# Options are parsed in one place below so that later ones (--stack,
# --remote-write-url, ...) slot in.
set -euo pipefail

BUILD_DEPS=(
  build-essential cmake ninja-build pkg-config git
  libabsl-dev libyaml-cpp-dev libre2-dev prometheus-cpp-dev libcivetweb-dev
  libsnappy-dev libssl-dev libcurl4-openssl-dev libprotobuf-dev protobuf-compiler
  libgtest-dev libgmock-dev libbenchmark-dev
  default-libmysqlclient-dev libhiredis-dev nlohmann-json3-dev
)

PREFIX=/usr/local
CONFIG_DIR=/etc/outpost
DATA_DIR=/var/lib/outpost
HTTP_ADDRESS=127.0.0.1:12345
START=1

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --no-start) START=0 ;;
    --prefix) PREFIX="$2"; shift ;;
    --prefix=*) PREFIX="${1#*=}" ;;
    --http-address) HTTP_ADDRESS="$2"; shift ;;
    --http-address=*) HTTP_ADDRESS="${1#*=}" ;;
    --print-build-deps) echo "${BUILD_DEPS[@]}"; exit 0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option: $1 (see --help)" >&2; exit 1 ;;
  esac
  shift
done

if [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run as root (it installs packages and a service)" >&2
  exit 1
fi

cd "$(dirname "$0")"
SRC="$(pwd)"

echo "==> installing build dependencies"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${BUILD_DEPS[@]}" >/dev/null

echo "==> building outpost (Release)"
cmake -S "$SRC" -B "$SRC/build-release" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DOUTPOST_BUILD_TESTS=OFF -DOUTPOST_BUILD_BENCH=OFF -DCMAKE_INSTALL_PREFIX="$PREFIX" >/dev/null
cmake --build "$SRC/build-release" --target outpost -j "$(nproc)"
install -D -m 0755 "$SRC/build-release/outpost" "$PREFIX/bin/outpost"
"$PREFIX/bin/outpost" -version

echo "==> configuration"
install -d -m 0755 "$CONFIG_DIR" "$DATA_DIR"
if [ ! -f "$CONFIG_DIR/agent.yaml" ]; then
  install -m 0640 "$SRC/configs/agent.yaml" "$CONFIG_DIR/agent.yaml"
  echo "wrote $CONFIG_DIR/agent.yaml"
else
  echo "keeping existing $CONFIG_DIR/agent.yaml"
fi
"$PREFIX/bin/outpost" check-config "$CONFIG_DIR/agent.yaml" >/dev/null

ARGS=(-config.file="$CONFIG_DIR/agent.yaml" -server.http.address="$HTTP_ADDRESS")

if [ "$START" -eq 0 ]; then
  echo "installed; start with: $PREFIX/bin/outpost ${ARGS[*]}"
  exit 0
fi

if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  echo "==> starting the outpost systemd service"
  cat > /etc/systemd/system/outpost.service <<UNIT
[Unit]
Description=outpost metrics agent
Documentation=file://$SRC/README.md
Wants=network-online.target
After=network-online.target

[Service]
# Grafana Agent's packaging sets HOSTNAME so the instance label is the host.
Environment=HOSTNAME=%H
ExecStart=$PREFIX/bin/outpost ${ARGS[*]}
ExecReload=/bin/kill -HUP \$MAINPID
WorkingDirectory=$DATA_DIR
Restart=always
RestartSec=2

[Install]
WantedBy=multi-user.target
UNIT
  systemctl daemon-reload
  systemctl enable --now outpost.service
  systemctl --no-pager status outpost.service | head -5 || true
  echo "outpost is running: curl http://$HTTP_ADDRESS/-/ready"
else
  echo "==> systemd is not running; starting outpost in the foreground (Ctrl-C stops it)"
  cd "$DATA_DIR"
  exec "$PREFIX/bin/outpost" "${ARGS[@]}"
fi
