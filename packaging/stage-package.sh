#!/usr/bin/env bash
# Stages what the Debian package ships besides the binary into DESTDIR:
# the systemd unit, the env file, the default config and the dashboards,
# provisioning file and rules, with the package's paths inside them. The
# same install-lib.sh jobs as install.sh, so both install the same files.
# Run by `cmake --install` (CPack's staging), from packaging/package.cmake:
#   packaging/stage-package.sh DESTDIR
set -euo pipefail

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${1:?usage: stage-package.sh DESTDIR}"
DEST="${DEST%/}"

die() { echo "stage-package.sh: $*" >&2; exit 2; }
fail() { echo "stage-package.sh: $*" >&2; exit 1; }
say() { echo "==> $*"; }

# shellcheck source-path=SCRIPTDIR source=install-lib.sh
. "$SRC/packaging/install-lib.sh"
# shellcheck source-path=SCRIPTDIR source=install-config.sh
. "$SRC/packaging/install-config.sh"

# The package's paths (install.sh's are /usr/local and /etc/systemd/system).
BIN_DIR=/usr/bin
SHARE_DIR=/usr/share/outpost
CONFIG_FILE=/etc/outpost/agent.yaml
ENV_FILE=/etc/default/outpost
UNIT_FILE=/lib/systemd/system/outpost.service
DATA_DIR=/var/lib/outpost
HTTP_ADDRESS=127.0.0.1:12345
FORCE_CONFIG=1
export BIN_DIR SHARE_DIR CONFIG_FILE ENV_FILE UNIT_FILE DATA_DIR HTTP_ADDRESS FORCE_CONFIG

install -d -m 0755 "$DEST$(dirname "$CONFIG_FILE")" "$DEST$(dirname "$ENV_FILE")" \
  "$DEST$(dirname "$UNIT_FILE")" "$DEST$SHARE_DIR"
# The default config: the example, agent and node_exporter, no endpoint
# (install.sh --package writes the stacks' config over it). 0644: it holds
# no secret; postinst makes it 0640 root:outpost as install.sh does.
install -m 0644 "$SRC/configs/agent.yaml" "$DEST$CONFIG_FILE"
install_env_file
install_unit
install_dashboards
