#!/usr/bin/env bash
# Installs what the tests need on Debian 12 (as root) and runs the whole
# suite with ctest:
#   1. a sanitizer build (clang, address+undefined, libFuzzer targets) of
#      everything that parses untrusted bytes, run first;
#   2. the full suite on the normal build, last, so the output ends with
#      ctest's summary line.
# Servers the tests need (Prometheus, node_exporter, ...) come from
# Debian's packages; each test starts its own on a free loopback port with a
# temp data dir, and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC="$(pwd)"
JOBS="$(nproc)"

TEST_DEPS=(
  clang libclang-rt-14-dev lld curl ca-certificates procps openssl
  prometheus prometheus-node-exporter
  mariadb-server prometheus-mysqld-exporter
  postgresql prometheus-postgres-exporter
  redis-server prometheus-redis-exporter
  apache2 prometheus-apache-exporter memcached prometheus-process-exporter perl
  prometheus-blackbox-exporter snmpd snmp prometheus-snmp-exporter
  dnsmasq-base shellcheck systemd lintian systemd-journal-remote
)

if [ "$(id -u)" -eq 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2046
  apt-get install -y -qq --no-install-recommends $(./install.sh --print-build-deps) "${TEST_DEPS[@]}" >/dev/null
  # The packaged exporters and Prometheus start themselves as services on
  # their default ports; the tests run their own copies, so stop those.
  for svc in prometheus prometheus-node-exporter mariadb prometheus-mysqld-exporter \
      postgresql prometheus-postgres-exporter \
      redis-server prometheus-redis-exporter \
      apache2 prometheus-apache-exporter memcached prometheus-process-exporter \
      prometheus-blackbox-exporter prometheus-snmp-exporter snmpd dnsmasq; do
    if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
      systemctl disable --now "$svc" >/dev/null 2>&1 || true
    fi
  done
  pkill -x prometheus 2>/dev/null || true
  pkill -x prometheus-node-exporter 2>/dev/null || true
  pkill -x prometheus-mysqld-exporter 2>/dev/null || true
  pkill -x prometheus-redis-exporter 2>/dev/null || true
  pkill -x prometheus-postgres-exporter 2>/dev/null || true
  pkill -x prometheus-apache-exporter 2>/dev/null || true
  pkill -x prometheus-process-exporter 2>/dev/null || true
  pkill -x prometheus-blackbox-exporter 2>/dev/null || true
  pkill -x prometheus-snmp-exporter 2>/dev/null || true
  pkill -x snmpd 2>/dev/null || true
  # Without systemd the package's apache2 was started by its init script.
  apache2ctl stop >/dev/null 2>&1 || true
else
  echo "tests/run.sh: not root; assuming the packages are installed" >&2
fi

for bin in prometheus prometheus-node-exporter clang++ mariadbd mariadb-install-db \
    prometheus-mysqld-exporter redis-server prometheus-redis-exporter dnsmasq \
    prometheus-postgres-exporter apache2 prometheus-apache-exporter memcached \
    prometheus-process-exporter perl prometheus-blackbox-exporter snmpd snmpwalk \
    prometheus-snmp-exporter; do
  command -v "$bin" >/dev/null || { echo "tests/run.sh: missing $bin" >&2; exit 1; }
done
# PostgreSQL's server binaries are not on PATH (Debian keeps them per major).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null ||
  { echo "tests/run.sh: missing /usr/lib/postgresql/*/bin/initdb" >&2; exit 1; }

echo "==> sanitizer build (address,undefined) and fuzz targets"
# Line tables only (-g1): sanitizer reports keep file:line, and the build
# takes a third less time on the 2-core CI machine.
cmake -S "$SRC" -B "$SRC/build-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DCMAKE_C_FLAGS_DEBUG=-g1 \
  -DCMAKE_CXX_COMPILER=clang++ -DOUTPOST_SANITIZE=address,undefined \
  -DOUTPOST_BUILD_BENCH=OFF -DOUTPOST_BUILD_FUZZ=ON >/dev/null
# Only what parses untrusted bytes: config, relabel, exposition text, WAL,
# /proc and /sys files (node, process), server replies (MySQL, Redis, PostgreSQL, Apache status
# pages, memcached stats), HTTP replies of
# remote-write endpoints, scraped exposition text, positions files, globs
# and tailed files; the test Loki receiver (it parses what outpost's logs
# client sends).
ASAN_TARGETS=(core_base_test core_config_test core_relabel_test core_wal_test core_scrape_test
              integrations_node_test integrations_mysqld_test integrations_redis_test
              integrations_postgres_test integrations_apache_test integrations_memcached_test
              integrations_process_test integrations_blackbox_test integrations_snmp_test
              remote_write_encoder_test remote_write_client_test
              remote_write_pipeline_test remote_write_auth_test logs_files_test logs_receiver_test
              logs_client_test logs_stages_test logs_journal_test
              wal_reader_fuzz records_fuzz text_parser_fuzz positions_fuzz glob_fuzz)
cmake --build "$SRC/build-asan" -j "$JOBS" --target "${ASAN_TARGETS[@]}"
(cd "$SRC/build-asan" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j "$JOBS" \
  -R '^(core_base_test|core_config_test|core_relabel_test|core_wal_test|core_scrape_test|integrations_[a-z]+_test|remote_write_[a-z]+_test|logs_[a-z]+_test)[.]|_fuzz$' \
  -E 'Parity|Interop|Live|CrashTest[.]')

echo "==> full suite"
# -O2 as a release, with line tables only (-g1) for backtraces: full debug
# info costs ~30% of the compile time.
# The benchmarks (tests/bench) are not part of the suite: they are built
# where they are run (tests/bench/README.md), which saves the 2-core CI
# machine their 25 binaries.
cmake -S "$SRC" -B "$SRC/build-test" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" \
  -DOUTPOST_BUILD_BENCH=OFF >/dev/null
cmake --build "$SRC/build-test" -j "$JOBS"
cd "$SRC/build-test"
exec ctest --output-on-failure -j "$JOBS"
